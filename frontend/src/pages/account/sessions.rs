//! The account's sessions: where and when it is signed in; end any but this one.

use leptos::prelude::*;
use portico_domain::identity::api::SessionInfo;
use uuid::Uuid;

use crate::api;
use crate::components::{Act, Cell, ErrorAlert, FormState, answer, fetch, format_utc, show, table};

#[component]
pub fn SessionsSection() -> impl IntoView {
    let sessions = answer();
    let reload = move || fetch(sessions, api::me::sessions());
    reload();
    let form = FormState::new();
    let end_one = Callback::new(move |id: Uuid| {
        form.run(async move {
            api::me::end_session(id).await?;
            reload();
            Ok(())
        })
    });
    let end_others = move |_| {
        form.run(async move {
            api::me::end_other_sessions().await?;
            reload();
            Ok(())
        })
    };
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Sessions"</h2>
            <ErrorAlert failure=form.failure() />
            {show(sessions, "sessions", move |list: Vec<SessionInfo>| {
                let rows = list.into_iter().map(|session| session_row(session, end_one)).collect();
                table("Your sessions, most recently active first", HEADERS, rows, form.busy())
            })}
            <div class="actions">
                <button type="button" class="secondary" on:click=end_others disabled=move || form.is_busy()>
                    "End all other sessions"
                </button>
            </div>
        </section>
    }
}

const HEADERS: &[&str] = &["Signed in", "How", "Last seen", "IP address", "Browser", ""];

/// `password+passkey` -> "Password and passkey"; the provider's name for single sign-on.
fn how(session: &SessionInfo) -> String {
    let Some(method) = &session.sign_in_method else { return "Unknown".to_owned() };
    let words: Vec<String> = method
        .split('+')
        .map(|factor| match factor {
            "password" => "password".to_owned(),
            "totp" => "authenticator app".to_owned(),
            "passkey" => "passkey".to_owned(),
            "recovery_code" => "recovery code".to_owned(),
            "invitation" => "invitation".to_owned(),
            "enrolment_link" => "set-up link".to_owned(),
            "oidc" => session.sign_in_provider.clone().unwrap_or_else(|| "single sign-on".to_owned()),
            other => other.replace('_', " "),
        })
        .collect();
    let text = words.join(" and ");
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn session_row(session: SessionInfo, end_one: Callback<Uuid>) -> Vec<Cell> {
    let id = session.id;
    let last_seen = format_utc(&session.last_seen_at);
    let action = if session.current {
        Cell::Text("This session".to_owned())
    } else {
        Cell::Actions(vec![Act::Button {
            label: "End",
            subject: format!("the session last seen {last_seen}"),
            run: Callback::new(move |()| end_one.run(id)),
        }])
    };
    let how = how(&session);
    vec![
        Cell::Text(format_utc(&session.created_at)),
        Cell::Text(how),
        Cell::Text(last_seen),
        Cell::Text(session.ip.unwrap_or_else(|| "Unknown".to_owned())),
        Cell::Text(session.user_agent.unwrap_or_else(|| "Unknown".to_owned())),
        action,
    ]
}
