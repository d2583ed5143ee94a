//! Request counters and latency histograms for `/metrics`, labelled by route pattern (never
//! by raw path, which would carry ids and explode the label space).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::logging::MatchedRoute;

pub async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = method_label(request.method()).to_owned();
    let response = next.call(request).await?;
    let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    response.request().extensions_mut().insert(MatchedRoute(route.clone()));
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("portico_http_requests_total", &labels).increment(1);
    metrics::histogram!("portico_http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    Ok(response)
}

/// Standard methods by name; anything else as `other`, so a client cannot grow the label space.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
