//! Sign-in, second step: a code from the authenticator app, or the recovery code instead.

use leptos::prelude::*;
use portico_domain::identity::api::{CodeRequest, RecoveryRequest};

use crate::api;
use crate::components::{ErrorAlert, FormState, TextField, TotpCodeField, entered_code, set_title};
use crate::router;
use crate::session::Session;

#[component]
pub fn SignInMfa() -> impl IntoView {
    set_title("Sign-in code");
    let use_recovery_code = RwSignal::new(false);
    view! {
        <section class="card narrow">
            {move || if use_recovery_code.get() {
                view! { <RecoveryCodeForm /> }.into_any()
            } else {
                view! { <AuthenticatorCodeForm /> }.into_any()
            }}
            <p>
                <button type="button" class="link-button" on:click=move |_| use_recovery_code.update(|on| *on = !*on)>
                    {move || if use_recovery_code.get() {
                        "Use a code from your authenticator app instead"
                    } else {
                        "Use your recovery code instead"
                    }}
                </button>
            </p>
            <p><a href="/sign-in">"Start again"</a></p>
        </section>
    }
}

#[component]
fn AuthenticatorCodeForm() -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let code = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = CodeRequest { code: entered_code(code) };
        form.run(async move {
            api::auth::sign_in_with_code(&request).await?;
            session.reload().await;
            router::navigate("/");
            Ok(())
        });
    };
    view! {
        <h1>"Enter your sign-in code"</h1>
        <form class="stack" on:submit=submit>
            <TotpCodeField
                id="mfa-code"
                label="Code from your authenticator app"
                hint="Six digits; the app shows a new one every 30 seconds."
                value=code
                form=form
            />
            <ErrorAlert failure=form.failure() />
            <button type="submit" disabled=move || form.is_busy()>"Verify"</button>
        </form>
    }
}

#[component]
fn RecoveryCodeForm() -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let recovery_code = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = RecoveryRequest { recovery_code: recovery_code.get_untracked().trim().to_owned() };
        form.run(async move {
            api::auth::sign_in_with_recovery_code(&request).await?;
            session.reload().await;
            // The code is used up: the next page offers to reset MFA or make a new code.
            router::navigate("/account/recovered");
            Ok(())
        });
    };
    view! {
        <h1>"Use your recovery code"</h1>
        <form class="stack" on:submit=submit>
            <TextField
                id="recovery-code"
                label="Recovery code"
                hint="The code you saved when you set up your authenticator app. It works once."
                value=recovery_code
                autocomplete="off"
                required=true
                field="recovery_code"
                form=form
            />
            <ErrorAlert failure=form.failure() />
            <button type="submit" disabled=move || form.is_busy()>"Sign in"</button>
        </form>
    }
}
