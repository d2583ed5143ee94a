//! Every HTTP operation, one file per resource. `configure` is the single list the server and
//! the OpenAPI document are both built from, so the document cannot forget a route.

pub mod health;
pub mod status;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(health::healthz).service(health::readyz).service(health::metrics);
    config.service(scope::scope("/api/v1").service(status::status));
}
