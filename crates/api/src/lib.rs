//! Portico's HTTP server: routes, extractors, use cases and workers.

pub mod app;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod context;
pub mod deploy_targets;
pub mod error;
pub mod http;
pub mod keys;
pub mod mail;
pub mod openapi;
pub mod packages;
pub mod routes;
pub mod spa;
pub mod telemetry;
pub mod upload_gate;
pub mod usecases;
pub mod workers;
