//! Who is calling: the client address (the socket's peer, or behind the proxies listed in
//! `PORTICO_TRUSTED_PROXIES` the address they forwarded; see `forwarded`) and the user agent.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header;

use super::forwarded::TrustedProxies;

pub fn client_ip(request: &HttpRequest, proxies: &TrustedProxies) -> Option<IpAddr> {
    let peer = request.peer_addr()?.ip();
    let values = request.headers().get_all(proxies.header.name()).filter_map(|v| v.to_str().ok());
    Some(proxies.client(peer, values))
}

/// The bearer token a request sends (`Authorization: Bearer ...`), if any.
pub fn bearer(request: &HttpRequest) -> Option<&str> {
    request.headers().get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

/// Whether the request says it was forwarded by a proxy (either header).
pub fn is_forwarded(request: &HttpRequest) -> bool {
    ["x-forwarded-for", "forwarded"].iter().any(|name| request.headers().contains_key(*name))
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

    /// What a new session records of its start.
    pub fn session_origin(&self) -> crate::auth::session_cookie::SessionOrigin {
        crate::auth::session_cookie::SessionOrigin { ip: self.ip_text(), user_agent: self.user_agent.clone() }
    }
}

impl actix_web::FromRequest for ClientInfo {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let ip = match request.app_data::<actix_web::web::Data<crate::context::Context>>() {
            Some(state) => client_ip(request, &state.proxies),
            None => request.peer_addr().map(|addr| addr.ip()),
        };
        std::future::ready(Ok(ClientInfo { ip, user_agent: user_agent(request) }))
    }
}
