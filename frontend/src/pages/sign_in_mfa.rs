//! Sign-in, second step: a passkey or a code from the authenticator app, or the recovery code
//! instead.

use leptos::prelude::*;
use portico_domain::identity::api::{CodeRequest, RecoveryRequest, SecondFactor};

use crate::api;
use crate::components::{ErrorAlert, FormState, TextField, TotpCodeField, entered_code, set_title};
use crate::router;
use crate::session::Session;

/// How the second step is given.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    Passkey,
    Code,
    RecoveryCode,
}

#[component]
pub fn SignInMfa() -> impl IntoView {
    set_title("Sign-in code");
    let factors = Session::get().second_factors();
    // Not known after a reload of this page: then every way is offered.
    let unknown = factors.is_empty();
    let has_passkey = factors.contains(&SecondFactor::Passkey) || unknown;
    let has_code = factors.contains(&SecondFactor::Totp) || unknown;
    let way = RwSignal::new(if has_passkey && !has_code { Way::Passkey } else { Way::Code });
    let switch = move |to: Way, label: &'static str| {
        view! {
            <p>
                <button type="button" class="link-button" on:click=move |_| way.set(to)>{label}</button>
            </p>
        }
    };
    view! {
        <section class="card narrow">
            {move || match way.get() {
                Way::Passkey => view! { <PasskeyForm /> }.into_any(),
                Way::Code => view! { <AuthenticatorCodeForm /> }.into_any(),
                Way::RecoveryCode => view! { <RecoveryCodeForm /> }.into_any(),
            }}
            {move || (way.get() != Way::Passkey && has_passkey)
                .then(|| switch(Way::Passkey, "Use your passkey instead"))}
            {move || (way.get() != Way::Code && has_code)
                .then(|| switch(Way::Code, "Use a code from your authenticator app instead"))}
            {move || (way.get() != Way::RecoveryCode).then(|| switch(Way::RecoveryCode, "Use your recovery code instead"))}
            <p><a href="/sign-in">"Start again"</a></p>
        </section>
    }
}

#[component]
fn PasskeyForm() -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        form.run(async move {
            crate::passkey::sign_in().await?;
            session.reload().await;
            router::navigate("/");
            Ok(())
        });
    };
    view! {
        <h1>"Use your passkey"</h1>
        <form class="stack" on:submit=submit>
            <p>"Your browser asks for the passkey or security key you added to your account."</p>
            <ErrorAlert failure=form.failure() />
            <button type="submit" disabled=move || form.is_busy()>"Use passkey"</button>
        </form>
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
