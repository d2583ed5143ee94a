//! Calls to the Portico API on the same origin.
//!
//! Every unsafe request carries `X-Requested-With: portico`: the server refuses cookie-authenticated
//! POST/PUT/PATCH/DELETE requests without it (its CSRF rule). Error answers are RFC 9457 problems;
//! they come back as [`ApiFailure::Problem`] so pages can show `detail` and the per-field messages.

use gloo_net::http::{Request, RequestBuilder, Response};
use portico_domain::problem::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The header (and value) the server's CSRF rule asks for on unsafe requests.
const CSRF_HEADER: (&str, &str) = ("X-Requested-With", "portico");

/// Why a call failed, in words a person can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server answered with a problem.
    Problem(Problem),
    /// The server could not be reached or answered something unreadable.
    Network(String),
    /// Not sent: the input breaks a rule the app checks itself (the same rule the server applies).
    Invalid(String),
}

impl ApiFailure {
    /// The server's explanation (or why it could not be asked), without the field messages.
    pub fn detail(&self) -> String {
        match self {
            ApiFailure::Problem(problem) => problem.detail.clone(),
            ApiFailure::Network(message) => format!("The server could not be reached ({message}). Try again."),
            ApiFailure::Invalid(message) => message.clone(),
        }
    }

    /// The whole explanation in one sentence, field messages included.
    pub fn message(&self) -> String {
        let fields = self.field_messages();
        if fields.is_empty() { self.detail() } else { format!("{} {}", self.detail(), fields.join(" ")) }
    }

    /// One readable line per invalid field, e.g. "New password: needs a digit."
    pub fn field_messages(&self) -> Vec<String> {
        match self {
            ApiFailure::Problem(problem) => problem
                .errors
                .iter()
                .map(|error| format!("{}: {}.", field_label(&error.field), error.message.trim_end_matches('.')))
                .collect(),
            ApiFailure::Network(_) | ApiFailure::Invalid(_) => Vec::new(),
        }
    }

    /// The stable problem code (`invalid_credentials`, `link_expired`, ...), if the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiFailure::Problem(problem) => Some(problem.code.as_str()),
            ApiFailure::Network(_) | ApiFailure::Invalid(_) => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiFailure::Problem(problem) => Some(problem.status),
            ApiFailure::Network(_) | ApiFailure::Invalid(_) => None,
        }
    }

    /// The message the server gave for one request field, to show beside that input.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            ApiFailure::Problem(problem) => {
                problem.errors.iter().find(|error| error.field == field).map(|error| error.message.clone())
            }
            ApiFailure::Network(_) | ApiFailure::Invalid(_) => None,
        }
    }
}

/// `new_password` -> `New password`, so field messages read as prose.
fn field_label(field: &str) -> String {
    let spaced = field.replace('_', " ");
    let mut characters = spaced.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => spaced,
    }
}

/// A successful answer whose body has not been read yet.
pub struct Reply(Response);

impl Reply {
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, ApiFailure> {
        self.0.json().await.map_err(network)
    }
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let response = Request::get(path).send().await.map_err(network)?;
    checked(response).await?.json().await
}

pub async fn post(path: &str, body: &impl Serialize) -> Result<Reply, ApiFailure> {
    send_json(Request::post(path), body).await
}

/// A POST without a body (sign-out, starting TOTP set-up).
pub async fn post_empty(path: &str) -> Result<Reply, ApiFailure> {
    send(Request::post(path)).await
}

pub async fn put(path: &str, body: &impl Serialize) -> Result<Reply, ApiFailure> {
    send_json(Request::put(path), body).await
}

pub async fn patch(path: &str, body: &impl Serialize) -> Result<Reply, ApiFailure> {
    send_json(Request::patch(path), body).await
}

pub async fn delete(path: &str) -> Result<Reply, ApiFailure> {
    send(Request::delete(path)).await
}

/// A DELETE that confirms itself with a body (e.g. the password for resetting MFA).
pub async fn delete_with(path: &str, body: &impl Serialize) -> Result<Reply, ApiFailure> {
    send_json(Request::delete(path), body).await
}

async fn send(request: RequestBuilder) -> Result<Reply, ApiFailure> {
    let response = request.header(CSRF_HEADER.0, CSRF_HEADER.1).send().await.map_err(network)?;
    checked(response).await
}

async fn send_json(request: RequestBuilder, body: &impl Serialize) -> Result<Reply, ApiFailure> {
    let request = request.header(CSRF_HEADER.0, CSRF_HEADER.1).json(body).map_err(network)?;
    let response = request.send().await.map_err(network)?;
    checked(response).await
}

async fn checked(response: Response) -> Result<Reply, ApiFailure> {
    if response.ok() {
        return Ok(Reply(response));
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => Err(ApiFailure::Problem(problem)),
        Err(_) => Err(ApiFailure::Network(format!("HTTP {status}"))),
    }
}

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure::Network(error.to_string())
}
