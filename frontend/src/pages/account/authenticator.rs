//! The second factor: a new recovery code (confirmed by a current code from the app, or by a
//! passkey for an account with passkeys only), or reset MFA (with the password too).

use leptos::prelude::*;
use portico_domain::identity::api::NewRecoveryCodeRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, RecoveryCodePanel, ResetMfaForm, TotpCodeField, dynamic, entered_code};

#[component]
pub fn AuthenticatorSection() -> impl IntoView {
    let has_app = crate::session::Session::get().signed_in_account().is_some_and(|me| me.mfa_enrolled);
    view! {
        <section class="card" aria-labelledby="authenticator-title">
            <h2 id="authenticator-title">"Authenticator app"</h2>
            <h3 id="recovery-code">"Make a new recovery code"</h3>
            {if has_app {
                view! {
                    <p>"The new code replaces your old one, which stops working. Enter a code from your authenticator app to confirm."</p>
                }.into_any()
            } else {
                view! {
                    <p>"The new code replaces your old one, which stops working. Your browser asks for your passkey to confirm."</p>
                }.into_any()
            }}
            <NewRecoveryCode has_app />
            <h3>"Reset MFA"</h3>
            <p>
                "Lost your authenticator app, or want to move to another one? Resetting removes it and signs you out
                 everywhere. Sign in again within one hour to set up a new app."
            </p>
            <ResetMfaForm />
        </section>
    }
}

#[component]
fn NewRecoveryCode(has_app: bool) -> impl IntoView {
    let form = FormState::new();
    let code = RwSignal::new(String::new());
    let recovery_code = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = has_app.then(|| entered_code(code));
        form.run(async move {
            // An account with passkeys only confirms with one of them.
            let passkey = match typed {
                Some(_) => None,
                None => Some(crate::passkey::confirmation().await?),
            };
            let answer = api::me::new_recovery_code(&NewRecoveryCodeRequest { code: typed, passkey }).await?;
            code.set(String::new());
            recovery_code.set(Some(answer.recovery_code));
            Ok(())
        });
    };
    dynamic(move || match recovery_code.get() {
        Some(code) => view! { <RecoveryCodePanel code /> }.into_any(),
        None => view! {
            <form class="stack narrow-form" on:submit=submit>
                {has_app.then(|| view! {
                    <TotpCodeField
                        id="recovery-code-totp"
                        label="Code from your authenticator app"
                        value=code
                        form=form
                    />
                })}
                <ErrorAlert failure=form.failure() />
                <div class="actions">
                    <button type="submit" disabled=move || form.is_busy()>"Make a new recovery code"</button>
                </div>
            </form>
        }
        .into_any(),
    })
}
