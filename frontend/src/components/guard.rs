//! Pages for signed-in people only: everyone else is sent where their sign-in stands.

use leptos::prelude::*;
use portico_domain::identity::{SessionStage, SystemRole};

use crate::components::dynamic;
use crate::router;
use crate::session::{Session, SessionState};

#[derive(Debug, Clone, PartialEq)]
enum Access {
    Checking,
    Allowed,
    AdministratorsOnly,
    Unreachable(String),
    /// Being sent to another page.
    Elsewhere(&'static str),
}

/// Renders `children` for a fully signed-in account (an Administrator when `administrators`);
/// sends anyone else to sign-in, the second step or MFA set-up.
#[component]
pub fn SignedInOnly(#[prop(optional)] administrators: bool, children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    // A memo, so that a refreshed profile (same access) does not rebuild the page and lose its state.
    let access = Memo::new(move |_| match session.state() {
        SessionState::Checking => Access::Checking,
        SessionState::Unreachable(message) => Access::Unreachable(message),
        SessionState::SignedOut => Access::Elsewhere("/sign-in"),
        SessionState::AwaitingSecondFactor => Access::Elsewhere("/sign-in/mfa"),
        SessionState::Account(me) => match me.stage {
            SessionStage::SignedIn if administrators && me.system_role != SystemRole::Administrator => {
                Access::AdministratorsOnly
            }
            SessionStage::SignedIn => Access::Allowed,
            SessionStage::Enrolment => Access::Elsewhere("/setup-mfa"),
            SessionStage::PreAuth => Access::Elsewhere("/sign-in/mfa"),
        },
    });
    Effect::new(move |_| {
        if let Access::Elsewhere(path) = access.get() {
            router::replace(path);
        }
    });
    dynamic(move || match access.get() {
        Access::Allowed => children().into_any(),
        Access::Checking | Access::Elsewhere(_) => view! { <p aria-busy="true">"Loading…"</p> }.into_any(),
        Access::AdministratorsOnly => view! {
            <section class="card narrow">
                <h1>"Administrators only"</h1>
                <p>"This page is for Portico Administrators. "<a href="/">"Go to the start page"</a>"."</p>
            </section>
        }
        .into_any(),
        Access::Unreachable(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
    })
}
