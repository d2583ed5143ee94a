//! Emailed links carry their secret in the URL fragment (`/reset-password#TOKEN`): browsers never
//! send a fragment to a server or in a Referer. The page takes it out of the address bar at once,
//! so it stays neither in the history nor on screen, and POSTs it.

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
