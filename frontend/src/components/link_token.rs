//! Emailed links carry their secret in the URL fragment (`/reset-password#TOKEN`): browsers never
//! send a fragment to a server or in a Referer. The page takes it out of the address bar at once,
//! so it stays neither in the history nor on screen, and POSTs it.
//! An invitation for an existing account waits in sessionStorage while its invitee signs in.

use wasm_bindgen::JsValue;
use web_sys::js_sys::decode_uri_component;

/// The token from the fragment, removed from the address bar; None when the link has none.
pub fn take_fragment_token() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let fragment = location.hash().ok()?;
    let raw = fragment.trim_start_matches('#').trim();
    if raw.is_empty() {
        return None;
    }
    let token = decode_uri_component(raw).map(String::from).unwrap_or_else(|_| raw.to_owned());
    let without_fragment =
        format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        // Best effort: if the browser refuses, the token still works; it just stays visible.
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&without_fragment));
    }
    Some(token)
}

/// Where an invitation token waits while its invitee signs in (sessionStorage: this tab only,
/// gone when it closes, never in an address).
const PENDING_INVITATION_KEY: &str = "portico.pending-invitation";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Keeps an invitation token until the invitee has signed in (see [`pending_invitation`]).
pub fn remember_invitation(token: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(PENDING_INVITATION_KEY, token);
    }
}

/// The invitation token kept before signing in, if any.
pub fn pending_invitation() -> Option<String> {
    session_storage()?.get_item(PENDING_INVITATION_KEY).ok().flatten().filter(|token| !token.is_empty())
}

pub fn forget_invitation() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(PENDING_INVITATION_KEY);
    }
}
