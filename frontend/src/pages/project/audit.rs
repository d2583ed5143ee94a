//! The project's audit log (Tenant Administrators).

use leptos::prelude::*;
use portico_domain::projects::Action;

use super::{ProjectContext, not_for_your_role};
use crate::components::{AuditLog, set_title};

#[component]
pub fn ProjectAudit() -> AnyView {
    set_title("Project audit log");
    let context = ProjectContext::get();
    if !context.can(Action::ViewProjectAudit) {
        return not_for_your_role("Audit log");
    }
    view! {
        <section class="card" aria-labelledby="audit-title">
            <h1 id="audit-title">"Audit log"</h1>
            <p>"Who did what in this project, newest first."</p>
            <AuditLog project=Some(context.guid) caption="Audit events of the project, newest first" />
        </section>
    }
    .into_any()
}
