//! Resetting MFA with the password: the authenticator and recovery code are removed and every
//! session ends (this one too). Signing in within the hour leads to setting up a new authenticator.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use portico_domain::identity::api::PasswordConfirmation;

use crate::api;
use crate::components::{ErrorAlert, FormState, TextField};
use crate::session::Session;

/// What the sign-in page says after the reset.
const SIGNED_OUT_NOTICE: &str = "Your authenticator app was removed and you were signed out everywhere. \
     Sign in again within one hour to set up a new authenticator app; after that, only an emailed set-up link \
     from an Administrator lets you.";

#[component]
pub fn ResetMfaForm() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let navigate = navigate.clone();
        let body = PasswordConfirmation { password: password.get_untracked() };
        form.run(async move {
            api::delete_with("/api/v1/me/mfa", &body).await?;
            session.set_notice(SIGNED_OUT_NOTICE);
            session.set_signed_out();
            navigate("/sign-in", NavigateOptions::default());
            Ok(())
        });
    };
    view! {
        <form class="stack narrow-form" on:submit=submit>
            <TextField
                id="reset-mfa-password"
                label="Your password"
                value=password
                input_type="password"
                autocomplete="current-password"
                required=true
                field="password"
                form=form
            />
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" class="danger" disabled=move || form.is_busy()>"Reset MFA"</button>
            </div>
        </form>
    }
}
