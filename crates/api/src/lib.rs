//! Portico's HTTP server: routes, extractors, use cases and workers.

pub mod app;
pub mod config;
pub mod error;
pub mod http;
pub mod keys;
pub mod openapi;
pub mod routes;
pub mod spa;
pub mod state;
pub mod telemetry;
