//! Who is calling: the client address (from the socket, or `X-Forwarded-For` only when
//! configured) and the user agent.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header;

pub fn client_ip(request: &HttpRequest, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(forwarded) = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(first) = forwarded.split(',').next()
        && let Ok(ip) = first.trim().parse()
    {
        return Some(ip);
    }
    request.peer_addr().map(|addr| addr.ip())
}

pub fn user_agent(request: &HttpRequest) -> Option<String> {
    request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|ua| ua.chars().take(512).collect())
}

/// The caller's address and user agent, for audit events and session lists.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}

impl actix_web::FromRequest for ClientInfo {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let trust = request
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .is_some_and(|state| state.settings.trust_forwarded_for);
        std::future::ready(Ok(ClientInfo { ip: client_ip(request, trust), user_agent: user_agent(request) }))
    }
}
