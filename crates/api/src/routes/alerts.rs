//! `/api/v1/projects/{guid}/alerts` and notification preferences.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, put, web};
use portico_domain::alerts::{
    Alert, AlertQuery, NotificationPreferences, NotificationPreferencesInput, RaiseAlertRequest,
};
use portico_domain::paging::Page;
use portico_domain::problem::Problem;
use portico_store::entities::account;
use uuid::Uuid;

use crate::auth::monitoring::MonitoringBearer;
use crate::auth::project_access::{AccessError, ProjectAccess};
use crate::auth::session::{Administrator, SignedIn};
use crate::auth::token::Caller;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::alerts;

/// Who raises an alert: the monitoring system (`Bearer PORTICO_MONITORING_TOKEN`) or an Administrator.
pub enum AlertSource {
    Monitoring,
    Administrator(Box<account::Model>),
}

impl FromRequest for AlertSource {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let monitoring = MonitoringBearer::of(request);
        let administrator = Administrator::from_request(request, payload);
        Box::pin(async move {
            match monitoring {
                MonitoringBearer::Valid => Ok(AlertSource::Monitoring),
                MonitoringBearer::Wrong => {
                    Err(ApiError::unauthorized("invalid_token", "This bearer token may not raise alerts.").into())
                }
                MonitoringBearer::Absent => {
                    Ok(AlertSource::Administrator(Box::new((*administrator.await?.0.account).clone())))
                }
            }
        })
    }
}

/// Alerts of the project, newest first; filter by environment, severity, time and `active`.
#[utoipa::path(
    tag = "alerts",
    params(("guid" = Uuid, Path, description = "Project GUID"), AlertQuery),
    responses(
        (status = 200, description = "A page of alerts", body = Page<Alert>),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown environment or severity", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = []), ("personal_access_token" = [])),
)]
#[get("/alerts")]
pub async fn list_alerts(
    state: web::Data<Context>,
    caller: Caller,
    guid: web::Path<Uuid>,
    query: web::Query<AlertQuery>,
) -> ApiResult<web::Json<Page<Alert>>> {
    let access = caller.project_access(&state, guid.into_inner()).await?;
    Ok(web::Json(alerts::list(&state, &access, query.into_inner()).await?))
}

/// Raise an alert (a monitoring system with `Bearer PORTICO_MONITORING_TOKEN`, or an
/// Administrator). Accepted during maintenance too. Members whose notification preferences
/// match get an email; the project's webhook gets a signed POST.
#[utoipa::path(
    tag = "alerts",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = RaiseAlertRequest,
    responses(
        (status = 201, description = "Raised", body = Alert),
        (status = 401, description = "Not signed in, or a wrong bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown type, severity or environment (the field is named)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = []), ("monitoring_token" = [])),
)]
#[post("/alerts")]
pub async fn raise_alert(
    state: web::Data<Context>,
    client: ClientInfo,
    source: AlertSource,
    guid: web::Path<Uuid>,
    body: JsonBody<RaiseAlertRequest>,
) -> ApiResult<HttpResponse> {
    let project =
        portico_store::projects::find(&state.db, guid.into_inner()).await?.ok_or(AccessError::ProjectNotFound)?;
    let raised_by = match &source {
        AlertSource::Administrator(account) => Some(account.as_ref()),
        AlertSource::Monitoring => None,
    };
    let alert = alerts::raise(&state, &client, &project, raised_by, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(alert))
}

/// Resolve an alert (Tenant Administrator, DevOps Engineer).
#[utoipa::path(
    tag = "alerts",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Alert id")),
    responses(
        (status = 200, description = "Resolved", body = Alert),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `alert_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`alert_resolved`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/alerts/{id}/resolve")]
pub async fn resolve_alert(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<Alert>> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    Ok(web::Json(alerts::resolve(&state, &client, &access, &current.account, id).await?))
}

/// Your alert email preferences for this project (default: everything).
#[utoipa::path(
    tag = "alerts",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "Per environment: the types and severities that email you", body = NotificationPreferences),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/notification-preferences")]
pub async fn get_preferences(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<NotificationPreferences>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(alerts::get_preferences(&state, &access, &current.account).await?))
}

/// Replace your alert email preferences: an alert emails you when both its type and its
/// severity are chosen for its environment. Environments left out email nothing.
#[utoipa::path(
    tag = "alerts",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = NotificationPreferencesInput,
    responses(
        (status = 200, description = "The preferences now in force", body = NotificationPreferences),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown environment, type or severity (the field is named)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[put("/notification-preferences")]
pub async fn put_preferences(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<NotificationPreferencesInput>,
) -> ApiResult<web::Json<NotificationPreferences>> {
    let access = ProjectAccess::load(&state.db, &current.account, guid.into_inner(), state.today()).await?;
    Ok(web::Json(alerts::put_preferences(&state, &access, &current.account, body.into_inner()).await?))
}
