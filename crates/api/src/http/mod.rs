//! Middleware shared by every response.

pub mod client;
pub mod csrf;
pub mod forget;
pub mod forwarded;
pub mod headers;
pub mod json;
pub mod logging;
pub mod metrics;
pub mod problems;

use actix_web::http::Method;

/// Methods that change nothing (RFC 9110 "safe"): no CSRF header needed, no cached read forgotten.
pub fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}
