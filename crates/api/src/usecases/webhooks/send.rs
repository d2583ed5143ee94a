//! One POST to a webhook: its target checked again (a host may have been re-pointed at a private
//! address since it was set), no proxy, no redirects, signed, and the receiver's answer noted.

use std::time::{Duration as StdDuration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use portico_domain::network::special_purpose;
use portico_domain::webhooks::RESPONSE_BODY_LIMIT;
use portico_store::entities::webhook;
use portico_store::webhooks::Answer;
use sha2::Sha256;
use uuid::Uuid;

use crate::auth::crypto;
use crate::context::Context;
use crate::keys::Purpose;

pub const SIGNATURE_HEADER: &str = "X-Portico-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Portico-Timestamp";

/// `sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Seals a new webhook's secret, bound to the webhook's id.
pub fn seal_secret(state: &Context, webhook_id: Uuid, secret: &str) -> String {
    crypto::seal(&state.master_key, Purpose::WebhookSecret, webhook_id.as_bytes(), secret.as_bytes())
}

/// Checks a webhook URL and where its host resolves to; returns the addresses to connect to.
pub async fn check_target(url: &str, allow_private: bool) -> Result<(String, Vec<std::net::SocketAddr>), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err("must be an http or https URL".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials; the signature authenticates deliveries".into());
    }
    let port = parsed.port_or_known_default().ok_or("needs a port")?;
    // An address literal is judged as it is; a name by every address it resolves to (all must
    // pass: the connection goes to one of them).
    let (host, addresses): (String, Vec<std::net::SocketAddr>) = match parsed.host().ok_or("needs a host")? {
        url::Host::Ipv4(ip) => (ip.to_string(), vec![(ip, port).into()]),
        url::Host::Ipv6(ip) => (ip.to_string(), vec![(ip, port).into()]),
        url::Host::Domain(name) => {
            let resolved: Vec<std::net::SocketAddr> = tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| format!("the host `{name}` does not resolve: {e}"))?
                .collect();
            (name.to_owned(), resolved)
        }
    };
    if addresses.is_empty() {
        return Err(format!("the host `{host}` does not resolve"));
    }
    if !allow_private
        && let Some((address, kind)) = addresses.iter().find_map(|a| special_purpose(a.ip()).map(|kind| (a.ip(), kind)))
    {
        return Err(format!(
            "the host `{host}` is {address}, a special-purpose address ({kind}); Portico does not send webhooks \
             there (PORTICO_WEBHOOK_ALLOW_PRIVATE allows private targets)"
        ));
    }
    Ok((host, addresses))
}

/// POSTs `body` to the webhook as delivery `delivery_id` of `event`. The answer is what the
/// receiver said (nothing if it was not reached); the result says whether it took it (2xx).
pub async fn post(
    state: &Context,
    hook: &webhook::Model,
    delivery_id: Uuid,
    event: &str,
    body: &str,
) -> (Answer, Result<(), String>) {
    let secret =
        match crypto::open(&state.master_key, Purpose::WebhookSecret, hook.id.as_bytes(), &hook.secret_ciphertext) {
            Ok(secret) => secret,
            Err(error) => return (Answer::default(), Err(format!("the signing secret does not open: {error}"))),
        };
    let (host, addresses) = match check_target(&hook.url, state.settings.webhook_allow_private).await {
        Ok(target) => target,
        Err(error) => return (Answer::default(), Err(format!("the URL {error}"))),
    };
    // No proxy (HTTP(S)_PROXY would otherwise connect to whatever the proxy resolves, past the
    // checked addresses) and no redirects (they could lead anywhere).
    let client = match reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(StdDuration::from_secs(10))
        .resolve_to_addrs(&host, &addresses)
        .user_agent(concat!("Portico-Webhook/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => return (Answer::default(), Err(error.to_string())),
    };
    let timestamp = state.now().timestamp();
    // The duration is a measurement of the receiver, so it is taken from the monotonic clock,
    // not from the (injectable) time of day.
    let started = Instant::now();
    let sent = client
        .post(&hook.url)
        .header("Content-Type", "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, signature(&secret, timestamp, body.as_bytes()))
        .header("X-Portico-Delivery", delivery_id.to_string())
        .header("X-Portico-Event", event)
        .header("X-Portico-Webhook", hook.id.to_string())
        .body(body.to_owned())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(error) => {
            let answer = Answer { duration_ms: Some(started.elapsed().as_millis() as i64), ..Answer::default() };
            return (answer, Err(error.to_string()));
        }
    };
    let status = response.status();
    let mut start = Vec::new();
    while start.len() < RESPONSE_BODY_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => start.extend_from_slice(&chunk),
            _ => break,
        }
    }
    start.truncate(RESPONSE_BODY_LIMIT);
    let answer = Answer {
        status: Some(i32::from(status.as_u16())),
        duration_ms: Some(started.elapsed().as_millis() as i64),
        body: (!start.is_empty()).then(|| String::from_utf8_lossy(&start).into_owned()),
    };
    if status.is_success() { (answer, Ok(())) } else { (answer, Err(format!("the receiver answered HTTP {status}"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_timestamp_and_body() {
        let a = signature(b"secret", 1, b"{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, signature(b"secret", 2, b"{}"));
        assert_ne!(a, signature(b"other", 1, b"{}"));
    }
}
