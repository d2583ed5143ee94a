//! `/api/v1/integrations/...`: what other tools deliver to Portico.

use actix_web::{post, web};
use portico_domain::alertmanager::{AlertmanagerPayload, AlertmanagerReport};
use portico_domain::problem::Problem;

use crate::auth::monitoring::Monitoring;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::alertmanager;

/// Prometheus Alertmanager's webhook receiver (payload version 4), with
/// `Authorization: Bearer PORTICO_MONITORING_TOKEN`. Each alert names its project with the
/// label `portico_project` (GUID), its environment with `environment`, its type with
/// `portico_alert_type` and its severity with `severity` (`critical`, `error`, `warning`;
/// default: the type's usual one). A firing alert raises one Portico alert per fingerprint (a
/// repeat keeps it: no second email); a resolved one resolves it. Alerts Portico cannot place
/// are reported as `rejected` with the reason, and the rest of the batch is taken all the same.
#[utoipa::path(
    tag = "alerts",
    request_body = AlertmanagerPayload,
    responses(
        (status = 200, description = "What became of each alert", body = AlertmanagerReport),
        (status = 400, description = "`invalid_body`: not an Alertmanager payload", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`token_required` or `invalid_token`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A payload version other than 4", body = Problem, content_type = "application/problem+json"),
    ),
    security(("monitoring_token" = [])),
)]
#[post("/integrations/alertmanager")]
pub async fn alertmanager_webhook(
    state: web::Data<Context>,
    client: ClientInfo,
    _monitoring: Monitoring,
    body: JsonBody<AlertmanagerPayload>,
) -> ApiResult<web::Json<AlertmanagerReport>> {
    Ok(web::Json(alertmanager::receive(&state, &client, body.into_inner()).await?))
}
