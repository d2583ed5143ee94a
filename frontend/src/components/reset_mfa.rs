//! Resetting MFA with the password and a current code from the authenticator (only the password
//! after signing in with the recovery code): the authenticator and recovery code are removed and
//! every session ends (this one too). Signing in within the hour leads to setting up a new one.

use leptos::prelude::*;
use portico_domain::identity::api::ResetMfaRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, TextField, TotpCodeField, entered_code};
use crate::router;
use crate::session::Session;

/// What the sign-in page says after the reset.
const SIGNED_OUT_NOTICE: &str = "Your authenticator app was removed and you were signed out everywhere. \
     Sign in again within one hour to set up a new authenticator app; after that, only an emailed set-up link \
     from an Administrator lets you.";

#[component]
pub fn ResetMfaForm() -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // The lost-phone path (a session signed in with the recovery code) and an account with
    // passkeys but no authenticator app have no code to give.
    let needs_code = session.signed_in_account().is_some_and(|me| !me.recovery_code_used && me.mfa_enrolled);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let body = ResetMfaRequest { password: password.get_untracked(), code: needs_code.then(|| entered_code(code)) };
        form.run(async move {
            api::me::reset_mfa(&body).await?;
            session.set_notice(SIGNED_OUT_NOTICE);
            session.set_signed_out();
            router::navigate("/sign-in");
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
            {needs_code.then(|| view! {
                <TotpCodeField id="reset-mfa-code" label="Authenticator app code, to confirm" value=code form=form />
            })}
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" class="danger" disabled=move || form.is_busy()>"Reset MFA"</button>
            </div>
        </form>
    }
}
