//! Calls to the Portico API on the same origin.

use gloo_net::http::{Request, Response};
use portico_domain::problem::Problem;
use serde::de::DeserializeOwned;

/// Why a call failed, in words a person can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server answered with a problem.
    Problem(Problem),
    /// The server could not be reached or answered something unreadable.
    Network(String),
}

impl ApiFailure {
    pub fn message(&self) -> String {
        match self {
            ApiFailure::Problem(problem) => problem.detail.clone(),
            ApiFailure::Network(message) => {
                format!("The server could not be reached ({message}). Try again.")
            }
        }
    }
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let response = Request::get(path).send().await.map_err(network)?;
    read(response).await
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response.json().await.map_err(network);
    }
    match response.json::<Problem>().await {
        Ok(problem) => Err(ApiFailure::Problem(problem)),
        Err(_) => Err(ApiFailure::Network(format!("HTTP {}", response.status()))),
    }
}

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure::Network(error.to_string())
}
