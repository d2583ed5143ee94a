//! The public status page: what `GET /api/v1/status` says, refreshed every 30 seconds.

use leptos::prelude::*;
use portico_domain::status::{CheckState, ServiceState, StatusReport};

use crate::api;

#[component]
pub fn Status() -> impl IntoView {
    let report = LocalResource::new(|| api::get::<StatusReport>("/api/v1/status"));
    let handle = set_interval_with_handle(move || report.refetch(), std::time::Duration::from_secs(30));
    on_cleanup(move || {
        if let Ok(handle) = handle {
            handle.clear();
        }
    });
    view! {
        <section class="card">
            <h1>"Service status"</h1>
            <Transition fallback=|| view! { <p aria-busy="true">"Checking…"</p> }>
                {move || report.get().map(|result| match result {
                    Ok(report) => view! { <StatusDetails report /> }.into_any(),
                    Err(failure) => view! {
                        <p class="state state-degraded" role="alert" data-testid="status-state">
                            "Portico cannot be reached: " {failure.message()}
                        </p>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatusDetails(report: StatusReport) -> impl IntoView {
    let (class, summary) = match report.state {
        ServiceState::Operational => ("state state-ok", "All systems operational"),
        ServiceState::Degraded => ("state state-degraded", "Degraded service"),
    };
    let database = match report.database {
        CheckState::Ok => "Database: reachable",
        CheckState::Failing => "Database: not reachable",
    };
    view! {
        <p class=class data-testid="status-state">{summary}</p>
        <ul class="plain">
            <li>{database}</li>
            <li>"Version " {report.version}</li>
            <li>"Checked at " {report.checked_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</li>
        </ul>
    }
}
