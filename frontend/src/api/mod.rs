//! Calls to the Portico API on the same origin: one function per endpoint, by area, the path
//! built inside it (pages never spell an address):
//!
//! - [`auth`]: the sign-in steps, signing out, the emailed links, the password policy in force
//! - [`invitations`]: looking up, accepting and registering from an invitation link
//! - [`me`]: the signed-in account (profile, email, password, authenticator, sessions)
//! - [`status`]: the public status report
//! - [`admin`]: platform administration (accounts, audit log, password policy, maintenance windows)
//! - [`projects`]: projects and everything under one (members, invitations, tokens, deployments,
//!   update schedule, alerts, notification preferences, webhook, audit log)
//!
//! Each returns a [`Call`] of the typed answer (`()` when only success matters), or of a [`Json`]
//! where a page keeps the answer as text until a view reads it (`components::Answer`).
//!
//! Every unsafe request carries `X-Requested-With: portico`: the server refuses cookie-authenticated
//! POST/PUT/PATCH/DELETE requests without it (its CSRF rule). Error answers are RFC 9457 problems;
//! they come back as [`ApiFailure::Problem`] so pages can show `detail` and the per-field messages.

pub mod admin;
pub mod auth;
pub mod invitations;
pub mod me;
pub mod projects;
pub mod status;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use gloo_net::http::Request;
use portico_domain::problem::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

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
        // Field names are ASCII: no Unicode case tables needed in the wasm.
        Some(first) => std::iter::once(first.to_ascii_uppercase()).chain(characters).collect(),
        None => spaced,
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

/// One request to the API, under way once awaited; its answer read as a `T`.
///
/// Not an `async fn` per endpoint: every call shares one boxed, non-generic exchange, and only
/// reading the answer (`read`) differs, so an endpoint adds little more to the wasm than its path.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    exchange: Exchange,
    read: fn(String) -> Result<T, ApiFailure>,
}

impl<T> Future for Call<T> {
    type Output = Result<T, ApiFailure>;

    // Out of line: a page awaiting a call then only calls this (one copy per answer type).
    #[inline(never)]
    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let read = self.read;
        self.exchange.as_mut().poll(context).map(|answer| answer.and_then(read))
    }
}

impl<T> Call<Json<T>> {
    /// The same call with its answer as plain text (how `components::fetch` keeps every list).
    pub fn text(self) -> Call<String> {
        Call { exchange: self.exchange, read: Ok }
    }
}

/// A JSON answer of type `T`, still as its text: a page keeps it so until a view reads it (every
/// list is then the same signal type and the same fetching code in the wasm).
pub struct Json<T> {
    text: String,
    of: PhantomData<fn() -> T>,
}

impl<T> Json<T> {
    pub fn into_text(self) -> String {
        self.text
    }
}

impl<T: DeserializeOwned> Json<T> {
    pub fn read(&self) -> Result<T, ApiFailure> {
        parse(&self.text)
    }
}

// How endpoints read their answers.

/// The answer read as a `T`.
fn json<T: DeserializeOwned>(exchange: Exchange) -> Call<T> {
    Call { exchange, read: |text| parse(&text) }
}

/// The answer kept as JSON text (see [`Json`]).
fn kept<T>(exchange: Exchange) -> Call<Json<T>> {
    Call { exchange, read: |text| Ok(Json { text, of: PhantomData }) }
}

/// Only success matters; the body is not read.
fn done(exchange: Exchange) -> Call<()> {
    Call { exchange, read: |_| Ok(()) }
}

/// A plain-text answer (a deployment log).
fn text(exchange: Exchange) -> Call<String> {
    Call { exchange, read: Ok }
}

// How endpoints build their paths: out of line, so each endpoint passes only its own words.

/// `<path>?page=<page>&per_page=<per_page>`
#[inline(never)]
fn paged(path: &str, page: u32, per_page: u32) -> String {
    format!("{path}?page={page}&per_page={per_page}")
}

/// `<collection>/<id><tail>`, e.g. `/api/v1/admin/users/<id>/reset-mfa`.
#[inline(never)]
fn item(collection: &str, id: Uuid, tail: &str) -> String {
    format!("{collection}/{id}{tail}")
}

// Every call goes through one non-generic, boxed exchange: the generic wrappers below only
// serialize, so each request type adds little to the wasm.

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

type Exchange = Pin<Box<dyn Future<Output = Result<String, ApiFailure>>>>;

/// Sends one request (unsafe methods with the CSRF header, a body as JSON) and reads the answer's
/// body as text.
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
            return Ok(text);
        }
        Err(refusal(status, &text))
    })
}

/// An error answer: its problem, or the bare status.
fn refusal(status: u16, text: &str) -> ApiFailure {
    match parse::<Problem>(text) {
        Ok(problem) => ApiFailure::Problem(Box::new(problem)),
        Err(_) => ApiFailure::Network(format!("HTTP {status}")),
    }
}

fn to_json(body: &impl Serialize) -> Result<String, ApiFailure> {
    serde_json::to_string(body).map_err(|error| ApiFailure::Invalid(error.to_string()))
}

fn get(path: &str) -> Exchange {
    exchange(Method::Get, path, None)
}

fn post(path: &str, body: &impl Serialize) -> Exchange {
    with_body(Method::Post, path, body)
}

/// A POST without a body (sign-out, starting TOTP set-up, resending).
fn post_empty(path: &str) -> Exchange {
    exchange(Method::Post, path, None)
}

fn put(path: &str, body: &impl Serialize) -> Exchange {
    with_body(Method::Put, path, body)
}

fn patch(path: &str, body: &impl Serialize) -> Exchange {
    with_body(Method::Patch, path, body)
}

fn delete(path: &str) -> Exchange {
    exchange(Method::Delete, path, None)
}

/// A DELETE that confirms itself with a body (e.g. the password for resetting MFA).
fn delete_with(path: &str, body: &impl Serialize) -> Exchange {
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
