//! Setting up the authenticator app: scan the QR code (or type the secret), confirm with a first
//! code, then save the recovery code, which is shown only this once.

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use portico_domain::identity::api::{CodeRequest, TotpEnrolment};

use crate::api::{self, ApiFailure};
use crate::components::{
    Chunk, ErrorAlert, FormState, RecoveryCodePanel, TextField, TotpCodeField, entered_code, lazily, load, loaded,
    set_title,
};
use crate::router;
use crate::session::Session;

#[component]
pub fn SetupMfa() -> impl IntoView {
    set_title("Set up your authenticator app");
    lazily(setup_mfa_page)
}

/// Setting up, in a wasm chunk of its own: it follows registering or an emailed set-up link, so
/// the sign-in and link pages do not carry it.
#[wasm_split(setup_mfa, wasm_split_path = ::leptos::wasm_split, fallible)]
fn setup_mfa_page() -> Chunk {
    Ok(view! { <Setup /> }.into_any())
}

#[component]
fn Setup() -> impl IntoView {
    // Each start makes a new secret, so it is asked for once per visit of the page.
    let enrolment = loaded::<TotpEnrolment>();
    load(enrolment, api::me::start_totp_enrolment());
    let recovery_code = RwSignal::new(None::<String>);
    view! {
        <section class="card">
            <h1>"Set up your authenticator app"</h1>
            {move || match (recovery_code.get(), enrolment.get()) {
                (Some(code), _) => view! { <Finished code /> }.into_any(),
                (None, None) => view! { <p aria-busy="true">"Preparing…"</p> }.into_any(),
                (None, Some(Ok(enrolment))) => view! {
                    <Enrol enrolment recovery_code />
                    <PasskeyInstead recovery_code />
                }.into_any(),
                (None, Some(Err(failure))) => view! { <CannotEnrol failure /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Enrol(enrolment: TotpEnrolment, recovery_code: RwSignal<Option<String>>) -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let code = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = CodeRequest { code: entered_code(code) };
        form.run(async move {
            let answer = api::me::confirm_totp_enrolment(&request).await?;
            // Sign-in is complete now (a new session). Known before "Continue" shows, so the
            // start page it leads to does not see the set-up stage and send the browser back here.
            session.reload().await;
            recovery_code.set(Some(answer.recovery_code));
            Ok(())
        });
    };
    let qr_source = format!("data:image/png;base64,{}", enrolment.qr_png_base64);
    view! {
        <ol class="steps">
            <li>
                <h2>"Add Portico to your authenticator app"</h2>
                <p>"Scan this QR code with an app such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis."</p>
                <img class="qr" src=qr_source alt="QR code to add Portico to your authenticator app" width="200" height="200" />
                <p>"Cannot scan it? Type this secret key into the app instead:"</p>
                <p><code class="secret" data-testid="totp-secret">{grouped(&enrolment.secret)}</code></p>
                <p>
                    "On a phone with the app installed, "
                    <a href=enrolment.otpauth_uri rel="external">"open the key in your authenticator app"</a>"."
                </p>
            </li>
            <li>
                <h2>"Enter the code the app shows"</h2>
                <form class="stack narrow-form" on:submit=submit>
                    <TotpCodeField
                        id="setup-code"
                        label="Six-digit code"
                        value=code
                        form=form
                    />
                    <ErrorAlert failure=form.failure() />
                    <button type="submit" disabled=move || form.is_busy()>"Confirm"</button>
                </form>
            </li>
        </ol>
    }
}

/// A passkey as the second factor instead of the app: the same recovery code follows.
#[component]
fn PasskeyInstead(recovery_code: RwSignal<Option<String>>) -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = name.get_untracked();
        form.run(async move {
            let added = crate::passkey::add(chosen, None).await?;
            session.reload().await;
            recovery_code.set(added.recovery_code);
            Ok(())
        });
    };
    view! {
        <h2>"Or use a passkey"</h2>
        <p>"A passkey or security key instead of the app: your fingerprint, face or PIN unlocks it."</p>
        <form class="stack narrow-form" on:submit=submit aria-label="Set up a passkey">
            <TextField id="setup-passkey-name" label="Passkey name" value=name required=true maxlength=64 field="name" form=form />
            <ErrorAlert failure=form.failure() />
            <button type="submit" disabled=move || form.is_busy()>"Set up a passkey"</button>
        </form>
    }
}

#[component]
fn Finished(code: String) -> impl IntoView {
    view! {
        <p role="status" class="alert alert-ok">"Your second factor is set up, and you are signed in."</p>
        <RecoveryCodePanel code />
        <div class="actions">
            <button type="button" on:click=move |_| router::navigate("/")>"Continue"</button>
        </div>
    }
}

#[component]
fn CannotEnrol(failure: ApiFailure) -> impl IntoView {
    let next_step = match failure.code() {
        Some("mfa_already_enrolled") => view! {
            <p>"To replace your authenticator app, reset MFA on your "<a href="/account">"account page"</a>" first."</p>
        }
        .into_any(),
        Some("unauthenticated") | Some("mfa_required") => view! {
            <p>
                <a href="/sign-in">"Sign in"</a>
                " first. Setting up an authenticator is possible after registering, with an emailed set-up link,
                 or within an hour after resetting MFA."
            </p>
        }
        .into_any(),
        _ => view! { <p><a href="/setup-mfa" rel="external">"Try again"</a></p> }.into_any(),
    };
    view! {
        <div class="alert alert-error" role="alert"><p>{failure.detail()}</p></div>
        {next_step}
    }
}

/// "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP": easier to read and type in groups of four.
fn grouped(secret: &str) -> String {
    let characters: Vec<char> = secret.chars().collect();
    characters.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}
