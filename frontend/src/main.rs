//! Portico's browser app: a Leptos single-page app talking to the API on the same origin.

mod api;
mod components;
mod layout;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::*;

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
    session::Session::provide();
    view! {
        <Router>
            <layout::Shell>
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=home::Home />
                    <Route path=path!("/status") view=status::Status />
                    <Route path=path!("/status/confirm") view=status_link::ConfirmSubscription />
                    <Route path=path!("/status/unsubscribe") view=status_link::Unsubscribe />
                    <Route path=path!("/sign-in") view=sign_in::SignIn />
                    <Route path=path!("/sign-in/mfa") view=sign_in_mfa::SignInMfa />
                    <Route path=path!("/setup-mfa") view=setup_mfa::SetupMfa />
                    <Route path=path!("/invitations") view=invitation::Invitation />
                    <Route path=path!("/forgot-password") view=forgot_password::ForgotPassword />
                    <Route path=path!("/reset-password") view=reset_password::ResetPassword />
                    <Route path=path!("/enrol-mfa") view=enrol_mfa::EnrolMfa />
                    <Route path=path!("/verify-email") view=verify_email::VerifyEmail />
                    <Route path=path!("/unlock") view=unlock::Unlock />
                    <Route path=path!("/account") view=account::Account />
                    <Route path=path!("/account/recovered") view=recovered::Recovered />
                    // `/admin/<section>`: projects, users, audit, password-policy.
                    <Route path=path!("/admin/:section") view=admin::Administration />
                    // Last: `/<project guid>/<section>` (dashboard, users, tokens, deployments, audit).
                    <Route path=path!("/:guid/:section") view=project::ProjectPage />
                </Routes>
            </layout::Shell>
        </Router>
    }
}
