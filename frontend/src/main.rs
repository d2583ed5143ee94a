//! Portico's browser app: a Leptos single-page app talking to the API on the same origin.

mod api;
mod layout;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

fn main() {
    console_error_panic_hook_lite();
    leptos::mount::mount_to_body(App);
}

/// Panics show in the console instead of vanishing.
fn console_error_panic_hook_lite() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <layout::Shell>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::sign_in::SignIn />
                    <Route path=path!("/sign-in") view=pages::sign_in::SignIn />
                    <Route path=path!("/status") view=pages::status::Status />
                </Routes>
            </layout::Shell>
        </Router>
    }
}
