//! The start page: an invitation waiting for its invitee to sign in comes first; then a member's
//! first project (its dashboard); else a welcome that says how projects come about. Everyone
//! else is sent on to where their sign-in stands.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::components::{SignedInOnly, dynamic, pending_invitation, set_title};
use crate::session::{Session, display_name};

#[component]
pub fn Home() -> impl IntoView {
    set_title("Home");
    view! {
        <SignedInOnly>
            <Welcome />
        </SignedInOnly>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let recovered = move || session.signed_in_account().is_some_and(|me| me.recovery_code_used);
    // Where to go instead of this page, decided once the account is known.
    let onward = Memo::new(move |_| {
        let me = session.signed_in_account()?;
        if pending_invitation().is_some() {
            return Some("/invitations".to_owned());
        }
        if me.recovery_code_used {
            return None;
        }
        me.projects.first().map(|project| format!("/{}/dashboard", project.guid))
    });
    Effect::new(move |_| {
        if let Some(path) = onward.get() {
            navigate(&path, NavigateOptions { replace: true, ..Default::default() });
        }
    });
    let name = move || session.signed_in_account().map(|me| display_name(&me)).unwrap_or_default();
    dynamic(move || {
        if onward.get().is_some() {
            return view! { <p aria-busy="true">"Loading…"</p> }.into_any();
        }
        let has_projects = !session.projects().is_empty();
        view! {
            <section class="card">
                <h1>"Welcome, " {name}</h1>
                {recovered().then(|| view! {
                    <p class="alert alert-warning">
                        "You signed in with your recovery code, which is now used up. "
                        <a href="/account/recovered">"Reset MFA or make a new recovery code"</a>"."
                    </p>
                })}
                {if has_projects {
                    view! { <p>"Choose a project in the project selector at the top."</p> }.into_any()
                } else if session.is_administrator() {
                    view! {
                        <p>"There are no projects of yours yet. As an Administrator you can "
                            <a href="/admin/projects">"create a project"</a>
                            " and invite its primary contact."</p>
                    }
                    .into_any()
                } else {
                    view! {
                        <p>"You are not a member of any project yet. When a Tenant Administrator invites you, the
                            invitation email has a link to join."</p>
                    }
                    .into_any()
                }}
                <p>
                    "Manage your profile, password, authenticator app and sessions on your "
                    <a href="/account">"account page"</a>"."
                </p>
            </section>
        }
        .into_any()
    })
}
