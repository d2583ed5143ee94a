//! Following an invitation link (`/invitations#TOKEN`): what the invitation is for, then either
//! registering (names and a password, checked live against the policy) or accepting with the
//! existing account. Someone not signed in yet signs in first: the token waits in sessionStorage
//! (never in an address) and the start page brings them back here.

use leptos::prelude::*;
use portico_domain::identity::api::{InvitationSummary, RegisterRequest, TokenRequest};
use portico_domain::identity::{SessionStage, SystemRole};
use portico_domain::projects::ProjectRole;

use crate::api::{self, ApiFailure};
use crate::components::{
    ErrorAlert, FormState, Loaded, NewPasswordFields, TextField, dynamic, forget_invitation, format_utc, load,
    load_password_policy, loaded, new_password_problem, pending_invitation, remember_invitation, set_title,
    take_fragment_token,
};
use crate::router;
use crate::session::{Session, SessionState};

#[component]
pub fn Invitation() -> impl IntoView {
    set_title("Invitation");
    // A link just followed wins over one kept from before signing in.
    let token = take_fragment_token().or_else(pending_invitation);
    // Answers the token with the summary, so the registration form has both.
    let lookup: Loaded<(InvitationSummary, String)> = loaded();
    load(lookup, async move {
        let token = token.ok_or_else(|| ApiFailure::Invalid(MISSING_TOKEN.to_owned()))?;
        let request = TokenRequest { token: token.clone() };
        let answer = api::invitations::look_up(&request).await;
        if answer.is_err() {
            // Expired, revoked or used: nothing to come back to after signing in.
            forget_invitation();
        }
        let summary = answer?.read()?;
        Ok((summary, token))
    });
    view! {
        <section class="card narrow">
            <h1>"Your invitation to Portico"</h1>
            {move || match lookup.get() {
                None => view! { <p aria-busy="true">"Opening the invitation…"</p> }.into_any(),
                Some(Ok((summary, token))) => view! { <InvitationDetails summary token /> }.into_any(),
                Some(Err(failure)) => view! { <InvitationRefused failure /> }.into_any(),
            }}
        </section>
    }
}

const MISSING_TOKEN: &str = "This address has no invitation code. Open the link from your invitation email again, \
     copying the whole link.";

#[component]
fn InvitationRefused(failure: ApiFailure) -> impl IntoView {
    let advice = match failure.code() {
        Some("invitation_expired") | Some("invitation_revoked") => {
            "Ask the person who invited you (or a Portico Administrator) to send a new invitation."
        }
        Some("invitation_used") => "The account is already registered: sign in instead.",
        _ => "",
    };
    view! {
        <div class="alert alert-error" role="alert">
            <p>{failure.detail()}</p>
            {(!advice.is_empty()).then(|| view! { <p>{advice}</p> })}
        </div>
        <p><a href="/sign-in">"Go to sign-in"</a></p>
    }
}

#[component]
fn InvitationDetails(summary: InvitationSummary, token: String) -> impl IntoView {
    let offer = match (&summary.project, &summary.role, summary.system_role) {
        (Some(project), role, _) => {
            let role = role.as_deref().and_then(ProjectRole::parse).map(ProjectRole::label).unwrap_or("a member");
            format!("to the project {} as {role}", project.name)
        }
        (None, _, Some(SystemRole::Administrator)) => "to Portico as an Administrator".to_owned(),
        (None, _, _) => "to Portico".to_owned(),
    };
    let inviter = summary
        .inviter
        .clone()
        .map(|name| format!("{name} invited you"))
        .unwrap_or_else(|| "You are invited".to_owned());
    let expires = format_utc(&summary.expires_at);
    view! {
        <p data-testid="invitation-summary">
            {inviter} " " {offer} "."
        </p>
        <dl class="facts">
            <dt>"Email"</dt>
            <dd>{summary.email.clone()}</dd>
            <dt>"Valid until"</dt>
            <dd>{expires}</dd>
        </dl>
        {if summary.account_exists {
            view! { <Acceptance email=summary.email token /> }.into_any()
        } else {
            view! { <Registration token /> }.into_any()
        }}
    }
}

/// An invitation for an existing account: accept it signed in as that account.
#[component]
fn Acceptance(email: String, token: String) -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let kept = token.clone();
    let accept = move || {
        let request = TokenRequest { token: token.clone() };
        form.run(async move {
            let accepted = api::invitations::accept(&request).await?;
            forget_invitation();
            // The project selector lists the new project.
            session.reload().await;
            router::navigate(&format!("/{}/dashboard", accepted.project.guid));
            Ok(())
        });
    };
    dynamic(move || match session.state() {
        SessionState::Checking => view! { <p aria-busy="true">"Loading…"</p> }.into_any(),
        SessionState::Account(me) if me.stage == SessionStage::SignedIn => {
            if !me.email.eq_ignore_ascii_case(&email) {
                return view! {
                    <h2>"Accept the invitation"</h2>
                    <p class="alert alert-warning">
                        "You are signed in as " {me.email.clone()} ", but the invitation is for " {email.clone()}
                        ". Sign out, then open the link again and sign in as " {email.clone()} "."
                    </p>
                }
                .into_any();
            }
            let accept = accept.clone();
            view! {
                <h2>"Accept the invitation"</h2>
                <p>"You are signed in with the invited email address."</p>
                <ErrorAlert failure=form.failure() />
                <div class="actions">
                    <button type="button" disabled=move || form.is_busy() on:click=move |_| accept()>
                        "Accept invitation"
                    </button>
                </div>
            }
            .into_any()
        }
        _ => {
            // Kept for this tab only, so that signing in leads back here.
            remember_invitation(&kept);
            view! {
                <h2>"Sign in to accept"</h2>
                <p>
                    "An account with this email address already exists. "
                    <a href="/sign-in">"Sign in"</a>
                    " with it; you come back here to accept the invitation."
                </p>
            }
            .into_any()
        }
    })
}

#[component]
fn Registration(token: String) -> impl IntoView {
    let session = Session::get();
    let policy = load_password_policy();
    let form = FormState::new();
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let known_policy = policy.get_untracked().and_then(Result::ok);
        if let Some(problem) =
            new_password_problem(known_policy.as_ref(), &password.get_untracked(), &confirmation.get_untracked())
        {
            form.refuse(problem);
            return;
        }
        let request = RegisterRequest {
            token: token.clone(),
            password: password.get_untracked(),
            first_name: first_name.get_untracked().trim().to_owned(),
            last_name: last_name.get_untracked().trim().to_owned(),
        };
        form.run(async move {
            api::invitations::register(&request).await?;
            session.reload().await;
            router::navigate("/setup-mfa");
            Ok(())
        });
    };
    view! {
        <h2>"Create your account"</h2>
        <form class="stack" on:submit=submit>
            <TextField id="first-name" label="First name" value=first_name autocomplete="given-name" field="first_name" form=form />
            <TextField id="last-name" label="Last name" value=last_name autocomplete="family-name" field="last_name" form=form />
            <NewPasswordFields policy password confirmation field="password" form label="Password" />
            <ErrorAlert failure=form.failure() />
            <button type="submit" disabled=move || form.is_busy()>"Create account"</button>
        </form>
        <p class="hint">"Next you will set up an authenticator app for the second sign-in step."</p>
    }
}
