//! CSRF: an unsafe request that carries the session cookie must also send
//! `X-Requested-With: portico`. Browsers do not let another site set that header without a
//! CORS preflight, which this server never grants.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};

use crate::context::Context;
use crate::error::ApiError;

pub const HEADER: &str = "x-requested-with";
pub const VALUE: &str = "portico";

pub async fn require_header(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let safe = super::is_safe(request.method());
    let has_header = || request.headers().get(HEADER).and_then(|v| v.to_str().ok()) == Some(VALUE);
    let has_cookie = || {
        request
            .app_data::<web::Data<Context>>()
            .is_some_and(|state| request.cookie(state.sessions.cookie_name).is_some())
    };
    if !safe && !has_header() && has_cookie() {
        let refusal = ApiError::forbidden(
            "csrf_header_missing",
            "Requests that change something with a session cookie must send the header `X-Requested-With: portico`.",
        );
        let (request, _) = request.into_parts();
        return Ok(ServiceResponse::new(request, refusal.error_response()).map_into_right_body());
    }
    Ok(next.call(request).await?.map_into_left_body())
}
