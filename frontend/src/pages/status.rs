//! The public status page: what `GET /api/v1/status` says, refreshed every 30 seconds: the
//! service's state, maintenance in progress and to come (in the viewer's time and UTC), and the
//! calendar feed to subscribe to.

use leptos::prelude::*;
use portico_domain::status::{CheckState, ServiceState, StatusReport, SubscribeRequest};

use portico_domain::maintenance::MaintenanceWindow;

use crate::api;
use crate::components::maintenance::window_summary;
use crate::components::{ErrorAlert, FormState, Loaded, Notice, TextField, format_utc_seconds, load, loaded};

#[component]
pub fn Status() -> impl IntoView {
    let report: Loaded<StatusReport> = loaded();
    let refresh = move || load(report, api::status::report());
    refresh();
    let handle = set_interval_with_handle(refresh, std::time::Duration::from_secs(30));
    on_cleanup(move || {
        if let Ok(handle) = handle {
            handle.clear();
        }
    });
    view! {
        <section class="card">
            <h1>"Service status"</h1>
            {move || match report.get() {
                None => view! { <p aria-busy="true">"Checking…"</p> }.into_any(),
                Some(Ok(report)) => view! { <StatusDetails report /> }.into_any(),
                Some(Err(failure)) => view! {
                    <p class="state state-degraded" role="alert" data-testid="status-state">
                        "Portico cannot be reached: " {failure.message()}
                    </p>
                }.into_any(),
            }}
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
            <li>"Checked at " {format_utc_seconds(&report.checked_at)}</li>
        </ul>
        {windows("status-current", "Maintenance in progress", "No maintenance is in progress.", report.current)}
        {windows("status-upcoming", "Upcoming maintenance", "No maintenance is scheduled.", report.upcoming)}
        <p>
            // A link people follow, not a call of the app: a literal, so the view keeps it in its
            // static template (see `api::status`).
            <a href="/api/v1/status/maintenance.ics" type="text/calendar" data-testid="maintenance-feed">
                "Subscribe to the maintenance calendar (iCalendar feed)"
            </a>
        </p>
        <SubscribeByEmail />
    }
}

/// Anyone may have the announcements mailed: the address confirms by a link first. The answer
/// is the same for every address, so the page says what happens in either case.
#[component]
fn SubscribeByEmail() -> impl IntoView {
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = SubscribeRequest { email: email.get_untracked().trim().to_owned() };
        form.run(async move {
            api::status::subscribe(&request).await?;
            sent.set(Some(format!(
                "Check the inbox of {}: unless it is subscribed already, a link to confirm the subscription is on its way.",
                request.email
            )));
            Ok(())
        });
    };
    view! {
        <section aria-labelledby="status-subscribe">
            <h2 id="status-subscribe">"Get maintenance announcements by email"</h2>
            <p class="hint">"Every announcement has a link to unsubscribe with one click."</p>
            <form class="stack narrow-form" on:submit=submit>
                <TextField id="subscribe-email" label="Email" value=email input_type="email" autocomplete="email" required=true field="email" form=form />
                <ErrorAlert failure=form.failure() />
                <Notice message=sent />
                <button type="submit" disabled=move || form.is_busy()>"Subscribe"</button>
            </form>
        </section>
    }
}

/// A titled list of windows, or `none` when there are none.
fn windows(id: &'static str, title: &'static str, none: &'static str, windows: Vec<MaintenanceWindow>) -> AnyView {
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {if windows.is_empty() {
                view! { <p>{none}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain windows">
                        {windows.iter().map(|window| view! {
                            <li class="window">
                                {window.emergency.then(|| view! {
                                    <p><strong>"Emergency maintenance"</strong>": it could not wait for the usual notice."</p>
                                })}
                                {window_summary(window)}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}
