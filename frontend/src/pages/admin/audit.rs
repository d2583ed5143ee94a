//! The platform audit log: every recorded event, newest first.

use leptos::prelude::*;

use crate::components::{AuditLog, set_title};

#[component]
pub fn AdminAudit() -> impl IntoView {
    set_title("Audit log");
    view! {
                <section class="card" aria-labelledby="audit-title">
                    <h1 id="audit-title">"Audit log"</h1>
                    <p>"Sign-ins, account and project changes, deployments: everything Portico records, newest first."</p>
                    <AuditLog project=None caption="Platform audit events, newest first" />
                </section>
    }
}
