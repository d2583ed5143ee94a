//! Liveness, readiness and metrics: for load balancers, orchestrators and Prometheus.

use actix_web::{HttpRequest, HttpResponse, get, web};
use portico_domain::status::{CheckState, Health};

use crate::auth::secrets::constant_time_eq;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::{bearer, is_forwarded};

fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The process is alive.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "Alive", body = Health)),
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: CheckState::Ok, version: version(), database: None })
}

/// The database answers and every migration is applied.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable or migrations pending", body = portico_domain::problem::Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<Context>) -> ApiResult<web::Json<Health>> {
    let pending = match portico_store::ping(&state.db).await {
        Ok(()) => portico_store::pending_migrations(&state.db).await,
        Err(error) => Err(error),
    };
    match pending {
        Ok(pending) if pending.is_empty() => {
            Ok(web::Json(Health { status: CheckState::Ok, version: version(), database: Some(CheckState::Ok) }))
        }
        Ok(pending) => Err(ApiError::unavailable(
            "migrations_pending",
            format!("{} migration(s) are not applied; run `portico migrate`.", pending.len()),
            5,
        )),
        Err(error) => {
            tracing::warn!(%error, "readiness check: database unreachable");
            Err(ApiError::unavailable("database_unavailable", "The database does not answer.", 5))
        }
    }
}

/// Prometheus metrics. With `PORTICO_METRICS_TOKEN` set it needs that bearer token; without
/// it only loopback clients may read them.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain"),
        (status = 401, description = "Missing or wrong metrics token", body = portico_domain::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "No token is configured and the client is not on loopback", body = portico_domain::problem::Problem, content_type = "application/problem+json"),
    ),
    security((), ("metrics_token" = [])),
)]
#[get("/metrics")]
pub async fn metrics(request: HttpRequest, state: web::Data<Context>) -> ApiResult<HttpResponse> {
    match &state.settings.metrics_token {
        Some(token) => {
            let presented = bearer(&request);
            if !presented.is_some_and(|p| constant_time_eq(p.as_bytes(), token.expose().as_bytes())) {
                return Err(ApiError::unauthorized(
                    "metrics_token_required",
                    "Send `Authorization: Bearer <PORTICO_METRICS_TOKEN>` to read metrics.",
                ));
            }
        }
        None => {
            // A proxy on the same machine makes every client look local: a forwarded request is
            // not a loopback client.
            let loopback = request.peer_addr().is_some_and(|peer| peer.ip().to_canonical().is_loopback());
            if !loopback || is_forwarded(&request) {
                return Err(ApiError::forbidden(
                    "metrics_loopback_only",
                    "Without PORTICO_METRICS_TOKEN, metrics are served to loopback clients that are not \
                     forwarded by a proxy; set PORTICO_METRICS_TOKEN to read them through one.",
                ));
            }
        }
    }
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(state.metrics.render()))
}
