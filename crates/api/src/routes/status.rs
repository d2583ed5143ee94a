//! The public status report behind the SPA's `/status` page.

use actix_web::{get, web};
use chrono::Utc;
use portico_domain::status::{CheckState, ServiceState, StatusReport};

use crate::state::AppState;

/// Current state of the service (no sign-in needed).
#[utoipa::path(
    tag = "status",
    responses((status = 200, description = "Current state", body = StatusReport)),
)]
#[get("/status")]
pub async fn status(state: web::Data<AppState>) -> web::Json<StatusReport> {
    let database = match portico_store::ping(&state.db).await {
        Ok(()) => CheckState::Ok,
        Err(error) => {
            tracing::warn!(%error, "status: database unreachable");
            CheckState::Failing
        }
    };
    web::Json(StatusReport {
        state: if database == CheckState::Ok { ServiceState::Operational } else { ServiceState::Degraded },
        database,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        checked_at: Utc::now(),
    })
}
