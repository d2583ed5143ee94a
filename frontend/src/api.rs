//! Calls to the Portico API on the same origin.
//!
//! Every unsafe request carries `X-Requested-With: portico`: the server refuses cookie-authenticated
//! POST/PUT/PATCH/DELETE requests without it (its CSRF rule). Error answers are RFC 9457 problems;
//! they come back as [`ApiFailure::Problem`] so pages can show `detail` and the per-field messages.

use std::future::Future;
use std::pin::Pin;

use gloo_net::http::Request;
use portico_domain::problem::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The header (and value) the server's CSRF rule asks for on unsafe requests.
const CSRF_HEADER: (&str, &str) = ("X-Requested-With", "portico");

/// Why a call failed, in words a person can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server answered with a problem (boxed: it is large, and failures travel in every `Result`).
    Problem(Box<Problem>),
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

/// A successful answer's body, read as text (JSON, or the plain text of a log).
pub struct Reply(String);

impl Reply {
    pub fn json<T: DeserializeOwned>(self) -> Result<T, ApiFailure> {
        parse(&self.0)
    }

    pub fn text(self) -> String {
        self.0
    }
}

pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiFailure> {
    serde_json::from_str(text).map_err(unreadable)
}

/// Out of line, so each type [`parse`] reads does not carry its own copy of the message.
#[inline(never)]
fn unreadable(error: serde_json::Error) -> ApiFailure {
    ApiFailure::Network(format!("unreadable answer: {error}"))
}

// Every call goes through one non-generic, boxed exchange: the generic wrappers below only
// serialize and parse, so each request and answer type adds little to the wasm.

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

type Exchange = Pin<Box<dyn Future<Output = Result<Reply, ApiFailure>>>>;

/// Sends one request (unsafe methods with the CSRF header, a body as JSON) and reads the answer.
#[inline(never)]
fn exchange(method: Method, path: &str, body: Option<String>) -> Exchange {
    let path = path.to_owned();
    Box::pin(async move {
        let request = match method {
            Method::Get => Request::get(&path),
            Method::Post => Request::post(&path),
            Method::Put => Request::put(&path),
            Method::Patch => Request::patch(&path),
            Method::Delete => Request::delete(&path),
        };
        let request =
            if matches!(method, Method::Get) { request } else { request.header(CSRF_HEADER.0, CSRF_HEADER.1) };
        let sent = match body {
            Some(json) => request.header("Content-Type", "application/json").body(json).map_err(network)?.send().await,
            None => request.send().await,
        };
        let response = sent.map_err(network)?;
        let status = response.status();
        let text = response.text().await.map_err(network)?;
        if (200..300).contains(&status) {
            return Ok(Reply(text));
        }
        match parse::<Problem>(&text) {
            Ok(problem) => Err(ApiFailure::Problem(Box::new(problem))),
            Err(_) => Err(ApiFailure::Network(format!("HTTP {status}"))),
        }
    })
}

fn to_json(body: &impl Serialize) -> Result<String, ApiFailure> {
    serde_json::to_string(body).map_err(|error| ApiFailure::Invalid(error.to_string()))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    exchange(Method::Get, path, None).await?.json()
}

/// A plain-text answer (a deployment log).
pub async fn get_text(path: &str) -> Result<String, ApiFailure> {
    Ok(exchange(Method::Get, path, None).await?.text())
}

pub fn post(path: &str, body: &impl Serialize) -> Exchange {
    with_body(Method::Post, path, body)
}

/// A POST without a body (sign-out, starting TOTP set-up).
pub fn post_empty(path: &str) -> Exchange {
    exchange(Method::Post, path, None)
}

pub fn put(path: &str, body: &impl Serialize) -> Exchange {
    with_body(Method::Put, path, body)
}

pub fn patch(path: &str, body: &impl Serialize) -> Exchange {
    with_body(Method::Patch, path, body)
}

pub fn delete(path: &str) -> Exchange {
    exchange(Method::Delete, path, None)
}

/// A DELETE that confirms itself with a body (e.g. the password for resetting MFA).
pub fn delete_with(path: &str, body: &impl Serialize) -> Exchange {
    with_body(Method::Delete, path, body)
}

fn with_body(method: Method, path: &str, body: &impl Serialize) -> Exchange {
    match to_json(body) {
        Ok(json) => exchange(method, path, Some(json)),
        Err(failure) => Box::pin(async move { Err(failure) }),
    }
}

fn network(error: gloo_net::Error) -> ApiFailure {
    ApiFailure::Network(error.to_string())
}
