//! The monitoring system's bearer token (`PORTICO_MONITORING_TOKEN`): what raises alerts through
//! `POST .../alerts` and delivers Alertmanager's webhook.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, web};

use crate::auth::secrets::constant_time_eq;
use crate::context::Context;
use crate::error::ApiError;
use crate::http::client::bearer;

/// Whether the request's bearer token, if it has one, is the monitoring token.
pub enum MonitoringBearer {
    /// No `Authorization: Bearer` header.
    Absent,
    /// The monitoring token.
    Valid,
    /// Another token, or none is configured.
    Wrong,
}

impl MonitoringBearer {
    pub fn of(request: &HttpRequest) -> Self {
        let Some(presented) = bearer(request) else { return MonitoringBearer::Absent };
        let matches = request.app_data::<web::Data<Context>>().is_some_and(|state| {
            state
                .settings
                .monitoring_token
                .as_ref()
                .is_some_and(|token| constant_time_eq(presented.as_bytes(), token.expose().as_bytes()))
        });
        if matches { MonitoringBearer::Valid } else { MonitoringBearer::Wrong }
    }
}

/// A request from the monitoring system: refused with 401 unless it carries the monitoring token.
pub struct Monitoring;

impl FromRequest for Monitoring {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        ready(match MonitoringBearer::of(request) {
            MonitoringBearer::Valid => Ok(Monitoring),
            MonitoringBearer::Absent => Err(ApiError::unauthorized(
                "token_required",
                "Send the monitoring token (PORTICO_MONITORING_TOKEN) as `Authorization: Bearer <token>`.",
            )
            .into()),
            MonitoringBearer::Wrong => Err(ApiError::unauthorized(
                "invalid_token",
                "This bearer token is not the monitoring token (PORTICO_MONITORING_TOKEN), or the server has none set.",
            )
            .into()),
        })
    }
}
