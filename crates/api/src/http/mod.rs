//! Middleware shared by every response.

pub mod client;
pub mod csrf;
pub mod headers;
pub mod json;
pub mod logging;
pub mod metrics;
pub mod problems;
