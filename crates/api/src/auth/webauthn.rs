//! The WebAuthn relying party: Portico's public URL names it (its host is the relying party id,
//! the URL's origin the only origin accepted). A public URL with an IP address instead of a host
//! name cannot carry passkeys (browsers refuse IP addresses as relying party ids); the server
//! still starts, says so, and the passkey endpoints answer `passkeys_unavailable`.

use std::time::Duration;

use url::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::config::Settings;

/// How long a ceremony's challenge stays valid (also the browser's timeout).
pub const CEREMONY_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// The relying party, when the public URL allows one.
pub fn relying_party(settings: &Settings) -> Option<Webauthn> {
    let public_url = settings.public_url();
    let origin = Url::parse(&public_url).ok()?;
    let Some(host) = origin.domain().map(str::to_owned) else {
        tracing::warn!(
            public_url,
            "passkeys are off: PORTICO_PUBLIC_URL (public_url) names an IP address, and WebAuthn needs a host name \
             (use http://localhost:PORT on one machine)"
        );
        return None;
    };
    let built = WebauthnBuilder::new(&host, &origin)
        .map(|builder| builder.rp_name("Portico").timeout(CEREMONY_LIFETIME))
        .and_then(WebauthnBuilder::build);
    match built {
        Ok(webauthn) => Some(webauthn),
        Err(error) => {
            tracing::warn!(public_url, %error, "passkeys are off: PORTICO_PUBLIC_URL (public_url) is no WebAuthn origin");
            None
        }
    }
}
