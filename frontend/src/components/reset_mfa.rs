//! Resetting MFA with the password and a current second factor (a code from the authenticator
//! app, or a passkey for an account with passkeys only; the password alone after signing in with
//! the recovery code): the authenticator, the passkeys and the recovery code are removed and every
//! session ends (this one too). Signing in within the hour leads to setting up a new one.

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
    // The lost-phone path (a session signed in with the recovery code) needs the password only;
    // otherwise a code from the app confirms, or (an account with passkeys only) a passkey.
    let account = session.signed_in_account();
    let lost = account.as_ref().is_none_or(|me| me.recovery_code_used);
    let needs_code = !lost && account.as_ref().is_some_and(|me| me.mfa_enrolled);
    let needs_passkey = !lost && !needs_code;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mut body = ResetMfaRequest {
            password: password.get_untracked(),
            code: needs_code.then(|| entered_code(code)),
            passkey: None,
        };
        form.run(async move {
            if needs_passkey {
                body.passkey = Some(crate::passkey::confirmation().await?);
            }
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
            {needs_passkey.then(|| view! { <p class="hint">"Your browser then asks for your passkey, to confirm."</p> })}
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" class="danger" disabled=move || form.is_busy()>"Reset MFA"</button>
            </div>
        </form>
    }
}
