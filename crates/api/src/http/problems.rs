//! Error answers produced outside our handlers (actix's own 404/405, the API reference's
//! file server) come without a body; this gives them the problem+json every client expects.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};

use crate::error::ApiError;

pub async fn fill_bare_errors(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let response = next.call(request).await?;
    let status = response.status();
    let bare = (status.is_client_error() || status.is_server_error())
        && !response.headers().contains_key(header::CONTENT_TYPE);
    if !bare {
        return Ok(response.map_into_left_body());
    }
    let (request, original) = response.into_parts();
    let mut problem = problem_for(status).error_response();
    for name in [header::ALLOW, header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(value) = original.headers().get(&name) {
            problem.headers_mut().insert(name, value.clone());
        }
    }
    Ok(ServiceResponse::new(request, problem).map_into_right_body())
}

fn problem_for(status: StatusCode) -> ApiError {
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("not_found", "There is nothing at this address; /api-docs/ lists every operation."),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "This address does not take that method; /api-docs/ lists the ones it takes.")
        }
        StatusCode::UNAUTHORIZED => ("unauthenticated", "Sign in or send a valid token."),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "The request body is larger than the server accepts."),
        status if status.is_server_error() => {
            ("internal_error", "The server failed to handle this request. Try again later.")
        }
        _ => ("bad_request", "The request could not be handled as sent."),
    };
    ApiError::new(status, code, detail)
}
