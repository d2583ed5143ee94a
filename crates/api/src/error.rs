//! The one error type of the HTTP layer, answered as RFC 9457 `application/problem+json`.
//!
//! Client errors carry a stable `code` and a message saying what to do next. Internal errors
//! are logged with their whole chain and answered with an opaque 500, so no database text or
//! secret ever reaches a client.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use portico_domain::problem::{FieldError, Problem};

use crate::usecases::errors::{Refusal, UseCaseError};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after: Option<u64>,
    window: Option<Box<portico_domain::maintenance::MaintenanceWindow>>,
    /// Only for 5xx: the cause, logged and never shown.
    source: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self { status, code, detail: detail.into(), errors: Vec::new(), retry_after: None, window: None, source: None }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, detail)
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 422 with one message per invalid field.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("`{}` {}", one.field, one.message),
            _ => "Some fields are invalid; see `errors` and correct them.".to_owned(),
        };
        Self { errors, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", detail) }
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }

    pub fn unavailable(code: &'static str, detail: impl Into<String>, retry_after_secs: u64) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, code, detail).with_retry_after(retry_after_secs)
    }

    pub fn too_many_requests(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", detail).with_retry_after(retry_after_secs)
    }

    /// Names the maintenance window that causes the refusal.
    pub fn with_window(mut self, window: portico_domain::maintenance::MaintenanceWindow) -> Self {
        self.window = Some(Box::new(window));
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self {
            source: Some(source.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "The server failed to handle this request. Try again; if it keeps failing, tell your administrator the request id.",
            )
        }
    }

    /// The same problem with a more specific code.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: "about:blank".into(),
            title: self.status.canonical_reason().unwrap_or("Error").into(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.into(),
            errors: self.errors.clone(),
            retry_after: self.retry_after,
            window: self.window.as_deref().cloned(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(source) = &self.source {
            tracing::error!(error = %format!("{source:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.body(serde_json::to_vec(&self.problem()).expect("a problem always serializes"))
    }
}

/// The one mapping of use-case errors to HTTP: the kind of refusal picks the status; the code,
/// message, fields, `Retry-After` and maintenance window pass through; a failure of the server
/// keeps its cause for the log.
impl<E: UseCaseError> From<E> for ApiError {
    fn from(error: E) -> Self {
        let Some(refusal) = error.refusal() else { return ApiError::internal(anyhow::Error::new(error)) };
        let status = match refusal {
            Refusal::BadRequest => StatusCode::BAD_REQUEST,
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden => StatusCode::FORBIDDEN,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::Conflict => StatusCode::CONFLICT,
            Refusal::Gone => StatusCode::GONE,
            Refusal::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
        };
        ApiError {
            status,
            code: error.code(),
            detail: error.to_string(),
            errors: error.fields(),
            retry_after: error.retry_after().map(|seconds| seconds.max(1)),
            window: error.window().map(Box::new),
            source: None,
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::internal(error)
    }
}

impl From<portico_store::StoreError> for ApiError {
    fn from(error: portico_store::StoreError) -> Self {
        ApiError::internal(error)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

/// Turns actix's own extractor errors (bad JSON, wrong content type, bad query or path)
/// into problems.
pub mod extractors {
    use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
    use actix_web::{Error, HttpRequest};

    use super::ApiError;

    pub fn json(error: JsonPayloadError, _request: &HttpRequest) -> Error {
        let api_error = match &error {
            JsonPayloadError::ContentType => ApiError::new(
                actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with `Content-Type: application/json`.",
            ),
            JsonPayloadError::OverflowKnownLength { limit, .. } | JsonPayloadError::Overflow { limit } => {
                ApiError::new(
                    actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!("The JSON body is larger than the limit of {limit} bytes."),
                )
            }
            JsonPayloadError::Deserialize(inner) if inner.is_data() => ApiError::bad_request(
                "invalid_body",
                format!("The JSON body does not have the expected shape: {inner}. See the API reference at /api-docs."),
            ),
            JsonPayloadError::Deserialize(inner) => {
                ApiError::bad_request("malformed_json", format!("The body is not valid JSON: {inner}."))
            }
            other => ApiError::bad_request("malformed_json", format!("The body could not be read: {other}.")),
        };
        api_error.into()
    }

    pub fn query(error: QueryPayloadError, _request: &HttpRequest) -> Error {
        ApiError::bad_request("invalid_query", format!("The query string is invalid: {error}.")).into()
    }

    pub fn path(error: PathError, _request: &HttpRequest) -> Error {
        ApiError::not_found("not_found", format!("No such resource: {error}.")).into()
    }
}
