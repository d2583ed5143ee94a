//! The public status report behind the SPA's `/status` page, and the calendar feed of
//! maintenance windows.

use actix_web::{HttpResponse, get, web};
use portico_domain::status::{CheckState, ServiceState, StatusReport};

use crate::context::Context;
use crate::error::ApiResult;
use crate::usecases::maintenance;

/// Current state of the service and maintenance windows in progress and to come (no sign-in needed).
#[utoipa::path(
    tag = "status",
    responses((status = 200, description = "Current state", body = StatusReport)),
    security(()),
)]
#[get("/status")]
pub async fn status(state: web::Data<Context>) -> ApiResult<web::Json<StatusReport>> {
    let database = match portico_store::ping(&state.db).await {
        Ok(()) => CheckState::Ok,
        Err(error) => {
            tracing::warn!(%error, "status: database unreachable");
            CheckState::Failing
        }
    };
    let (current, upcoming) = match database {
        CheckState::Ok => maintenance::current_and_upcoming(&state).await?,
        CheckState::Failing => (Vec::new(), Vec::new()),
    };
    Ok(web::Json(StatusReport {
        state: if database == CheckState::Ok { ServiceState::Operational } else { ServiceState::Degraded },
        database,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        checked_at: state.now(),
        current,
        upcoming,
    }))
}

/// The maintenance windows as an iCalendar feed (RFC 5545) calendar apps can subscribe to.
#[utoipa::path(
    tag = "status",
    responses((status = 200, description = "text/calendar", body = String, content_type = "text/calendar")),
    security(()),
)]
#[get("/status/maintenance.ics")]
pub async fn maintenance_feed(state: web::Data<Context>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Content-Disposition", "inline; filename=\"portico-maintenance.ics\""))
        .insert_header(("Cache-Control", "no-cache"))
        .body(maintenance::feed(&state).await?))
}
