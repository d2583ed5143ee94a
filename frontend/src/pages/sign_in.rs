//! Sign-in, first step: email or user name, and password. The answer says what comes next.

use leptos::prelude::*;
use portico_domain::identity::api::{NextStep, SignInRequest};
use portico_domain::identity::sso::SsoProviderSummary;

use crate::api;
use crate::components::{ErrorAlert, FormState, Notice, TextField, set_title};
use crate::router;
use crate::session::Session;

#[component]
pub fn SignIn() -> impl IntoView {
    set_title("Sign in");
    let session = Session::get();
    let notice = RwSignal::new(session.take_notice());
    let form = FormState::new();
    let identifier = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        let request = sign_in_request(&identifier.get_untracked(), password.get_untracked());
        form.run(async move {
            let step = api::auth::sign_in(&request).await?;
            let next = match step.next {
                NextStep::MfaRequired => {
                    session.set_awaiting_second_factor(step.second_factors);
                    "/sign-in/mfa"
                }
                NextStep::MfaSetupRequired => {
                    session.reload().await;
                    "/setup-mfa"
                }
                NextStep::SignedIn => {
                    session.reload().await;
                    "/"
                }
            };
            router::navigate(next);
            Ok(())
        });
    };

    let providers = RwSignal::new(Vec::<SsoProviderSummary>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::auth::sign_in_providers().await {
            providers.set(list);
        }
    });
    let sso_error = sso_error_message();
    let passkey_form = FormState::new();
    let with_passkey = move |_| {
        notice.set(None);
        passkey_form.run(async move {
            crate::passkey::sign_in().await?;
            session.reload().await;
            router::navigate("/");
            Ok(())
        });
    };

    view! {
        <section class="card narrow">
            <h1>"Sign in to Portico"</h1>
            <Notice message=notice />
            {sso_error.map(|message| view! { <div class="alert alert-error" role="alert"><p>{message}</p></div> })}
            <form class="stack" on:submit=submit>
                <TextField id="identifier" label="Email or user name" value=identifier autocomplete="username" required=true />
                <TextField
                    id="password"
                    label="Password"
                    value=password
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <ErrorAlert failure=form.failure() />
                {move || ({
                    // The server just emailed a set-up link: the next step is in the inbox, not here.
                    let enrolment_link_sent = form.failure_code().as_deref() == Some("mfa_enrolment_link_required");
                    enrolment_link_sent.then(|| view! {
                        <p class="hint">"Check your inbox: the email has a link to set up your authenticator app."</p>
                    })
                }).into_any()}
                <button type="submit" disabled=move || form.is_busy()>
                    {move || if form.is_busy() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <div class="stack passkey-sign-in">
                <p class="hint">"Or, with no password to type:"</p>
                <ErrorAlert failure=passkey_form.failure() />
                <button type="button" class="secondary" on:click=with_passkey disabled=move || passkey_form.is_busy()>
                    "Sign in with a passkey"
                </button>
                {move || providers.get().into_iter().map(|provider| view! {
                    <a class="button secondary" href=api::auth::sso_start_path(&provider.slug) rel="external">
                        {format!("Sign in with {}", provider.display_name)}
                    </a>
                }).collect_view()}
            </div>
            <p><a href="/forgot-password">"Forgot your password?"</a></p>
        </section>
    }
}

/// Why a single sign-on came back refused (`/sign-in?sso_error=CODE`), in words.
fn sso_error_message() -> Option<&'static str> {
    let search = web_sys::window()?.location().search().ok()?;
    let code = search.trim_start_matches('?').split('&').find_map(|pair| pair.strip_prefix("sso_error="))?.to_owned();
    Some(match code.as_str() {
        "oidc_no_account" => {
            "There is no Portico account or open invitation for your email address. Ask an administrator to invite you."
        }
        "oidc_email_unverified" => {
            "Your identity provider has not verified your email address. Verify it there, or sign in with your password."
        }
        "oidc_email_domain_not_allowed" => {
            "Your email address is not in a domain this identity provider may sign in. Sign in with your password."
        }
        "account_disabled" => "This account is disabled. Ask an administrator.",
        "mfa_enrolment_link_required" => {
            "Your account needs a second factor, set up through a link we have just emailed you."
        }
        "too_many_requests" | "locked_out" => "Too many failed sign-ins. Wait a few minutes and try again.",
        _ => "Single sign-on did not work. Start again, or sign in with your password.",
    })
}

/// An identifier with '@' is an email address; anything else is a user name.
fn sign_in_request(identifier: &str, password: String) -> SignInRequest {
    let identifier = identifier.trim().to_owned();
    if identifier.contains('@') {
        SignInRequest { email: Some(identifier), user_name: None, password }
    } else {
        SignInRequest { email: None, user_name: Some(identifier), password }
    }
}
