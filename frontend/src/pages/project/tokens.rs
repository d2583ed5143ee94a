//! Personal access tokens for deployment scripts: create one (its secret shown once), list your
//! own (a Tenant Administrator: everyone's), rename it or change its permissions, revoke it.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use portico_domain::projects::{Action, ProjectRole};
use portico_domain::tokens::{CreatedToken, Token};
use uuid::Uuid;

use super::token_form::TokenForm;
use super::upload_help::upload_help;
use super::{ProjectContext, not_for_your_role};
use crate::api;
use crate::components::labels::{permission_label, tone};
use crate::components::{
    Act, Cell, Checkbox, CopyButton, ErrorAlert, FormState, Notice, answer, fetch, format_utc, now_utc, set_title,
    show, table,
};
use crate::session::Session;

#[component]
pub fn Tokens() -> AnyView {
    set_title("Access tokens");
    let context = ProjectContext::get();
    if !(context.can(Action::DeployNonProduction) || context.can(Action::DeployProduction)) {
        return not_for_your_role("Access tokens");
    }
    view! { <TokenPages /> }.into_any()
}

#[component]
fn TokenPages() -> impl IntoView {
    let context = ProjectContext::get();
    let session = Session::get();
    let role = context.project.with_untracked(|p| p.as_ref().and_then(|p| p.as_ref().ok()).and_then(|p| p.your_role));
    let everyone = RwSignal::new(false);
    let tokens = answer();
    let reload = move || {
        fetch(tokens, api::projects::tokens(context.guid, everyone.get_untracked()));
    };
    Effect::new(move |_| {
        everyone.track();
        reload();
    });
    let created = RwSignal::new(None::<CreatedToken>);
    let editing = RwSignal::new(None::<Token>);
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let revoke = Callback::new(move |token: Token| {
        notice.set(None);
        form.run(async move {
            api::projects::revoke_token(context.guid, token.id).await?;
            reload();
            notice.set(Some(format!(
                "The token {} is revoked; scripts using it are refused from now on.",
                token.display_name
            )));
            Ok(())
        });
    });
    let edit = Callback::new(move |token: Token| {
        notice.set(None);
        editing.set(Some(token));
    });
    let me = session.signed_in_account().map(|me| me.id);
    let may_see_all = context.can(Action::ManageOthersTokens);
    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h1 id="tokens-title">"Access tokens"</h1>
            <p>"Deployment scripts authenticate with a personal access token. It can do no more than your role allows."</p>
            {move || match created.get() {
                Some(token) => new_secret(token, Callback::new(move |()| created.set(None))),
                None => ().into_any(),
            }}
            {match role {
                Some(role) => view! {
                    <TokenForm role existing=None created on_done=Callback::new(move |_: Option<String>| {
                        notice.set(None);
                        reload();
                    }) />
                }
                .into_any(),
                None => view! { <p class="hint">"Only members of the project create tokens in it."</p> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="token-list-title">
            <h2 id="token-list-title">{move || if everyone.get() { "Everyone's tokens" } else { "Your tokens" }}</h2>
            {may_see_all.then(|| view! { <Checkbox id="all-tokens" label="Show everyone's tokens" checked=everyone /> })}
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(tokens, "the tokens", move |list: Vec<Token>| {
                if list.is_empty() {
                    return view! { <p>"No tokens yet."</p> }.into_any();
                }
                let now = now_utc();
                let rows = list.into_iter().map(|token| token_row(token, me, now, edit, revoke)).collect();
                table("Access tokens, newest first", HEADERS, rows, form.busy())
            })}
            {move || match (editing.get(), role) {
                (Some(token), Some(role)) => view! {
                    <TokenForm role existing=Some(token) created on_done=Callback::new(move |saved: Option<String>| {
                        editing.set(None);
                        if saved.is_some() {
                            notice.set(saved);
                            reload();
                        }
                    }) />
                }
                .into_any(),
                _ => ().into_any(),
            }}
        </section>
        {match (may_see_all, role) {
            (true, Some(role)) => view! { <ProjectTokens role /> }.into_any(),
            _ => ().into_any(),
        }}
        {upload_help()}
    }
}

/// Project access tokens (Tenant Administrators): owned by the project, acting as a role, so a
/// pipeline keeps working whoever leaves.
#[component]
fn ProjectTokens(role: ProjectRole) -> impl IntoView {
    let context = ProjectContext::get();
    let tokens = answer();
    let reload = move || fetch(tokens, api::projects::project_tokens(context.guid));
    reload();
    let created = RwSignal::new(None::<CreatedToken>);
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let revoke = Callback::new(move |token: Token| {
        notice.set(None);
        form.run(async move {
            api::projects::revoke_project_token(context.guid, token.id).await?;
            reload();
            notice.set(Some(format!("The project token {} is revoked.", token.display_name)));
            Ok(())
        });
    });
    let never = Callback::new(|_: Token| {});
    view! {
        <section class="card" aria-labelledby="project-tokens-title">
            <h2 id="project-tokens-title">"Project tokens"</h2>
            <p>
                "A project token belongs to the project, not to you: it acts as the role you give it and keeps
                 working when people leave. Every Tenant Administrator is told before it expires."
            </p>
            {move || match created.get() {
                Some(token) => new_secret(token, Callback::new(move |()| created.set(None))),
                None => ().into_any(),
            }}
            <TokenForm role existing=None created project=true on_done=Callback::new(move |_: Option<String>| {
                notice.set(None);
                reload();
            }) />
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(tokens, "the project tokens", move |list: Vec<Token>| {
                if list.is_empty() {
                    return view! { <p>"No project tokens yet."</p> }.into_any();
                }
                let now = now_utc();
                let rows = list.into_iter().map(|token| token_row(token, None, now, never, revoke)).collect();
                table("Project tokens, newest first", PROJECT_HEADERS, rows, form.busy())
            })}
        </section>
    }
}

const PROJECT_HEADERS: &[&str] = &["Name", "Acts as", "Permissions", "Expires", "Last used", "Status", ""];

const HEADERS: &[&str] = &["Name", "Owner", "Permissions", "Expires", "Last used", "Status", ""];

fn token_row(
    token: Token,
    me: Option<Uuid>,
    now: DateTime<Utc>,
    edit: Callback<Token>,
    revoke: Callback<Token>,
) -> Vec<Cell> {
    let own = Some(token.owner_id) == me;
    let revoked = token.revoked_at.is_some();
    let expired = token.expires_at <= now;
    let status = if revoked {
        "Revoked"
    } else if expired {
        "Expired"
    } else {
        "Active"
    };
    let live = !revoked && !expired;
    let permissions = token.permissions.iter().map(|p| permission_label(*p)).collect::<Vec<_>>().join("; ");
    let last_used = match (&token.last_used_at, &token.last_used_ip) {
        (Some(at), Some(ip)) => format!("{} from {ip}", format_utc(at)),
        (Some(at), None) => format_utc(at),
        _ => "Never".to_owned(),
    };
    let mut acts = Vec::new();
    if own && live {
        let for_edit = token.clone();
        acts.push(Act::Button {
            label: "Edit",
            subject: token.display_name.clone(),
            run: Callback::new(move |()| edit.run(for_edit.clone())),
        });
    }
    if live {
        let for_revoke = token.clone();
        acts.push(Act::Confirm {
            label: "Revoke",
            subject: token.display_name.clone(),
            question: format!("Revoke {}? Scripts using it stop working at once.", token.display_name),
            confirm: "Yes, revoke",
            run: Callback::new(move |()| revoke.run(for_revoke.clone())),
        });
    }
    // A project token's column says the role it acts as and who created it.
    let holder = match (token.role, &token.created_by) {
        (Some(role), Some(by)) => format!("{} (created by {by})", role.label()),
        (Some(role), None) => role.label().to_owned(),
        (None, _) => token.owner.clone(),
    };
    vec![
        Cell::TwoLines(token.display_name.clone(), token.hint.clone()),
        Cell::Text(holder),
        Cell::Text(permissions),
        Cell::Text(format_utc(&token.expires_at)),
        Cell::Text(last_used),
        Cell::Badge(tone(live, revoked), status.to_owned()),
        Cell::Actions(acts),
    ]
}

/// The secret of a token just created: shown here once, never again.
fn new_secret(token: CreatedToken, on_done: Callback<()>) -> AnyView {
    let secret = token.token.clone();
    view! {
        // Not `new-token-title`: the create form under it has that id.
        <section class="secret-panel" aria-labelledby="token-secret-title">
            <h2 id="token-secret-title">"Your new token " {token.details.display_name.clone()}</h2>
            <p class="alert alert-warning">
                <strong>"Copy it now: it is shown only this once. "</strong>
                "Portico keeps only a fingerprint of it. Store it in your CI system's secret store; if it is lost, revoke
                 it and create another."
            </p>
            <p><code class="secret" data-testid="token-secret">{token.token}</code></p>
            <div class="actions">
                <CopyButton text=secret subject="the token" />
                <button type="button" class="secondary" on:click=move |_| on_done.run(())>"I have stored it"</button>
            </div>
        </section>
    }
    .into_any()
}
