//! The span every request runs in (one JSON access-log line when it closes at `info`).
//!
//! Unlike tracing-actix-web's default span, this one costs nothing when logging is off, and it
//! takes the route pattern from `/metrics`' middleware after routing instead of walking the
//! route table a second time per request.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// The route pattern a request matched, e.g. `/api/v1/projects/{guid}/deployments`, found once
/// per request (see `metrics::record`).
#[derive(Clone)]
pub struct MatchedRoute(pub String);

/// The target of the access log, to filter it on its own (e.g. `PORTICO_LOG=info,access_log=warn`).
pub const ACCESS_LOG: &str = "access_log";

pub struct AccessLog;

/// The request's path and query, with the value of any `token` parameter left out (RFC 8058's
/// one-click unsubscribe has nowhere else to carry its secret).
fn logged_target(uri: &actix_web::http::Uri) -> String {
    let path = uri.path();
    match uri.query() {
        None => path.to_owned(),
        Some(query) if !query.split('&').any(|pair| pair.starts_with("token=")) => format!("{path}?{query}"),
        Some(query) => {
            let kept: Vec<&str> = query
                .split('&')
                .map(|pair| if pair.starts_with("token=") { "token=[redacted]" } else { pair })
                .collect();
            format!("{path}?{}", kept.join("&"))
        }
    }
}

impl RootSpanBuilder for AccessLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        // The field values are only computed when the span is enabled.
        tracing::info_span!(
            target: ACCESS_LOG,
            "HTTP request",
            http.method = %request.method(),
            http.route = Empty,
            http.target = %logged_target(request.uri()),
            http.client_ip = %request.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default(),
            http.user_agent = %request.headers().get("User-Agent").and_then(|h| h.to_str().ok()).unwrap_or(""),
            http.status_code = Empty,
            otel.status_code = Empty,
            request_id = %request.extensions().get::<RequestId>().map(|id| id.to_string()).unwrap_or_default(),
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        if span.is_disabled() {
            return;
        }
        if let Ok(response) = outcome
            && let Some(route) = response.request().extensions().get::<MatchedRoute>()
        {
            span.record("http.route", route.0.as_str());
        }
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
