//! The app's router: the path in the address bar is one signal; links inside the app and
//! `navigate` change it through the History API, the browser's back and forward buttons through
//! `popstate`. (`leptos_router` did this and more: nested routes, params, transitions, forms;
//! the app used a flat list of addresses and two path segments, and the router was a fifth of
//! the first load's code.) The pages read the query string from `window.location` themselves.

use std::sync::OnceLock;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// The path now in the address bar (no query, no fragment). One for the app's whole life, so it
/// lives beyond any page's owner, and `navigate` works after an `await` too.
static PATH: OnceLock<RwSignal<String>> = OnceLock::new();

/// Starts following the address bar; `App` calls it once, before drawing anything.
pub fn start() {
    let path = *PATH.get_or_init(|| RwSignal::new(path_in_address_bar()));
    // Back and forward: the browser has changed the address already.
    let _ = window_event_listener(leptos::ev::popstate, move |_| path.set(path_in_address_bar()));
    let _ = window_event_listener(leptos::ev::click, move |event| {
        if let Some(href) = link_within_app(&event) {
            event.prevent_default();
            go(&href, false);
        }
    });
}

/// The path now in the address bar, followed.
pub fn path() -> ReadSignal<String> {
    PATH.get().expect("router::start runs before any page").read_only()
}

/// Segment `index` of the path (`/a/b`: 0 is `a`), empty when there is none; a memo, so a page
/// reading it is redrawn only when that segment changes.
pub fn segment(index: usize) -> Memo<String> {
    let path = path();
    Memo::new(move |_| path.with(|path| path.split('/').nth(index + 1).unwrap_or_default().to_owned()))
}

/// Goes to `to` (a path, with a query if need be) as a new entry of the history, at the top of
/// the page.
pub fn navigate(to: &str) {
    go(to, false);
}

/// Goes to `to` in place of the current entry of the history (a page the user was sent away
/// from, which "back" should not return to).
pub fn replace(to: &str) {
    go(to, true);
}

fn go(to: &str, replace: bool) {
    let window = window();
    if let Ok(history) = window.history() {
        let _ = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(to))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(to))
        };
    }
    if !replace {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    if let Some(path) = PATH.get() {
        path.set(path_in_address_bar());
    }
}

fn path_in_address_bar() -> String {
    window().location().pathname().unwrap_or_default()
}

/// The address of the app's own page that a plain left click on a link opens, if it is one: not
/// a new tab or window, not a download, not the API or a file (a calendar feed, an export).
fn link_within_app(event: &web_sys::MouseEvent) -> Option<String> {
    let modified = event.meta_key() || event.ctrl_key() || event.shift_key() || event.alt_key();
    if event.default_prevented() || event.button() != 0 || modified {
        return None;
    }
    let clicked = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let link = clicked.closest("a[href]").ok()??;
    if link.has_attribute("target") || link.has_attribute("download") {
        return None;
    }
    let href = link.get_attribute("href")?;
    let within =
        href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/api/") && !href.starts_with("/assets/");
    within.then_some(href)
}

/// A link within the app; `aria-current="page"` while the address is `href` or below it.
#[component]
pub fn A(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let path = path();
    let within = href.clone();
    let current = move || {
        path.with(|path| {
            path.strip_prefix(within.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .then_some("page")
    };
    view! { <a href=href aria-current=current>{children()}</a> }
}
