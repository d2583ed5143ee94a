//! The frame around every page: the header says who is signed in and offers what they may open.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use portico_domain::identity::SessionStage;

use crate::api;
use crate::session::{Session, SessionState, display_name};

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Portico"</a>
            <nav aria-label="Main">
                <A href="/status">"Status"</A>
                <AccountLinks />
            </nav>
        </header>
        <main id="main">{children()}</main>
    }
}

#[component]
fn AccountLinks() -> impl IntoView {
    let session = Session::get();
    move || match session.state() {
        // Nothing until `GET /me` answers, so a signed-in person never sees "Sign in" flash by.
        SessionState::Checking => ().into_any(),
        SessionState::Account(me) if me.stage == SessionStage::SignedIn => {
            let administrator = session.is_administrator();
            view! {
                <span class="who">{display_name(&me)}</span>
                <A href="/account">"Account"</A>
                {administrator.then(|| view! { <A href="/admin/password-policy">"Administration"</A> })}
                <SignOutButton />
            }
            .into_any()
        }
        // Setting up the authenticator: only leaving is possible from here.
        SessionState::Account(_) => view! { <SignOutButton /> }.into_any(),
        SessionState::SignedOut | SessionState::AwaitingSecondFactor | SessionState::Unreachable(_) => {
            view! { <A href="/sign-in">"Sign in"</A> }.into_any()
        }
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // A session the server already ended answers 401: signed out either way.
            let _ = api::post_empty("/api/v1/auth/sign-out").await;
            session.set_notice("You are signed out.");
            session.set_signed_out();
            navigate("/sign-in", NavigateOptions::default());
        });
    };
    view! { <button type="button" class="link-button" on:click=sign_out>"Sign out"</button> }
}
