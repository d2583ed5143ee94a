//! The account's sessions: where and when it is signed in; end any but this one.

use leptos::prelude::*;
use portico_domain::identity::api::SessionInfo;

use crate::api;
use crate::components::{ErrorAlert, FormState, Loaded, format_utc, load, loaded};

#[component]
pub fn SessionsSection() -> impl IntoView {
    let sessions: Loaded<Vec<SessionInfo>> = loaded();
    let reload = move || load(sessions, api::get("/api/v1/me/sessions"));
    reload();
    let form = FormState::new();
    let end_one = move |id: String| {
        form.run(async move {
            api::delete(&format!("/api/v1/me/sessions/{id}")).await?;
            reload();
            Ok(())
        })
    };
    let end_others = move |_| {
        form.run(async move {
            api::delete("/api/v1/me/sessions").await?;
            reload();
            Ok(())
        })
    };
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Sessions"</h2>
            <ErrorAlert failure=form.failure() />
            {move || match sessions.get() {
                    None => view! { <p aria-busy="true">"Loading sessions…"</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <div class="table-wrap">
                            <table>
                                <caption class="sr-only">"Your sessions, most recently active first"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Signed in"</th>
                                        <th scope="col">"Last seen"</th>
                                        <th scope="col">"IP address"</th>
                                        <th scope="col">"Browser"</th>
                                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|session| view! { <SessionRow session end_one /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any(),
                    Some(Err(failure)) => view! { <p class="alert alert-error" role="alert">{failure.detail()}</p> }.into_any(),
            }}
            <div class="actions">
                <button type="button" class="secondary" on:click=end_others disabled=move || form.is_busy()>
                    "End all other sessions"
                </button>
            </div>
        </section>
    }
}

#[component]
fn SessionRow(session: SessionInfo, end_one: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let id = session.id.to_string();
    let browser = session.user_agent.clone().unwrap_or_else(|| "Unknown".to_owned());
    view! {
        <tr class:current=session.current>
            <td>{format_utc(&session.created_at)}</td>
            <td>{format_utc(&session.last_seen_at)}</td>
            <td>{session.ip.clone().unwrap_or_else(|| "Unknown".to_owned())}</td>
            <td class="user-agent">{browser}</td>
            <td>
                {if session.current {
                    view! { <strong>"This session"</strong> }.into_any()
                } else {
                    view! {
                        <button type="button" class="secondary" on:click=move |_| end_one(id.clone())>
                            "End" <span class="sr-only">" the session last seen " {format_utc(&session.last_seen_at)}</span>
                        </button>
                    }
                    .into_any()
                }}
            </td>
        </tr>
    }
}
