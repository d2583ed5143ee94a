//! Platform administration (system role Administrator): projects, user accounts, maintenance
//! windows, the platform audit log, the password policy and single sign-on providers.

pub mod audit;
mod identity_providers;
mod maintenance;
mod password_policy;
mod project_form;
mod project_invitations;
pub mod projects;
mod user_form;
pub mod users;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::components::{Chunk, SignedInOnly, dynamic, lazily};
use crate::pages::not_found::NotFound;
use crate::router::{self, A};

/// `/admin/<section>`: one route for every administration page.
#[component]
pub fn Administration() -> impl IntoView {
    let section = router::segment(1);
    view! { <SignedInOnly administrators=true>{lazily(move || administration(section))}</SignedInOnly> }
}

/// The administration pages, in a wasm chunk of their own.
#[wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible)]
fn administration(section: Memo<String>) -> Chunk {
    Ok(view! {
        <div class="page-stack">
            {admin_nav()}
            {dynamic(move || match section.get().as_str() {
                "projects" => view! { <projects::AdminProjects /> }.into_any(),
                "users" => view! { <users::AdminUsers /> }.into_any(),
                "maintenance" => view! { <maintenance::AdminMaintenance /> }.into_any(),
                "audit" => view! { <audit::AdminAudit /> }.into_any(),
                "password-policy" => view! { <password_policy::AdminPasswordPolicy /> }.into_any(),
                "single-sign-on" => view! { <identity_providers::AdminIdentityProviders /> }.into_any(),
                _ => view! { <NotFound /> }.into_any(),
            })}
        </div>
    }
    .into_any())
}

/// The Administration menu, atop every administration page.
fn admin_nav() -> AnyView {
    let sections = [
        ("projects", "Projects"),
        ("users", "Users"),
        ("maintenance", "Maintenance"),
        ("audit", "Audit log"),
        ("password-policy", "Password policy"),
        ("single-sign-on", "Single sign-on"),
    ];
    view! {
        <nav class="subnav" aria-label="Administration">
            {sections
                .into_iter()
                .map(|(section, label)| view! { <A href=format!("/admin/{section}")>{label}</A> })
                .collect_view()}
        </nav>
    }
    .into_any()
}
