//! The project's alerts, newest first, filtered by environment, severity, time (picked in the
//! viewer's time zone) and "active only"; Tenant Administrators and DevOps Engineers resolve them.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use portico_domain::alerts::{Alert, Severity};
use portico_domain::paging::Page;
use portico_domain::projects::{Action, Environment};

use super::ProjectContext;
use crate::api::projects::AlertFilter;
use crate::api::{self, ApiFailure};
use crate::components::labels::tone;
use crate::components::{
    Act, Cell, Checkbox, DateTimeField, ErrorAlert, FormState, Notice, SelectField, answer, fetch, format_utc,
    local_input_to_utc, pager, set_title, show, table,
};

const PER_PAGE: u32 = 25;
const HEADERS: &[&str] = &["Raised", "Environment", "Alert", "Severity", "Message", "State", ""];

#[component]
pub fn Alerts() -> impl IntoView {
    set_title("Alerts");
    let context = ProjectContext::get();
    let environment = RwSignal::new(String::new());
    let severity = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let active = RwSignal::new(false);
    // The filters as last applied; `applied` counts the times they were.
    let filter = StoredValue::new(AlertFilter::default());
    let applied = RwSignal::new(0u32);
    let page = RwSignal::new(1u32);
    let alerts = answer();
    let reload = move || {
        let call =
            filter.with_value(|filter| api::projects::alerts(context.guid, page.get_untracked(), PER_PAGE, filter));
        fetch(alerts, call);
    };
    Effect::new(move |_| {
        page.track();
        applied.track();
        reload();
    });
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    // A filter that cannot be sent (a half-typed time).
    let invalid = RwSignal::new(None::<ApiFailure>);
    let apply = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        invalid.set(None);
        let times = time_filter("Raised from", &from.get_untracked())
            .and_then(|from| Ok((from, time_filter("Raised before", &to.get_untracked())?)));
        let (from, to) = match times {
            Ok(times) => times,
            Err(failure) => return invalid.set(Some(failure)),
        };
        page.set(1);
        filter.set_value(AlertFilter {
            environment: Environment::parse(&environment.get_untracked()),
            severity: Severity::parse(&severity.get_untracked()),
            from,
            to,
            active_only: active.get_untracked(),
        });
        applied.set(applied.get_untracked() + 1);
    };
    let resolver = context.can(Action::ResolveAlerts);
    let resolve = Callback::new(move |alert: Alert| {
        notice.set(None);
        form.run(async move {
            api::projects::resolve_alert(context.guid, alert.id).await?;
            reload();
            notice.set(Some(format!("The {} alert on {} is resolved.", alert.kind.label(), alert.environment.label())));
            Ok(())
        });
    });
    let environments = context.current().map(|p| p.environments).unwrap_or_else(|| Environment::ALL.to_vec());
    let environment_options = std::iter::once((String::new(), "Every environment".to_owned()))
        .chain(environments.into_iter().map(|e| (e.as_str().to_owned(), e.label().to_owned())))
        .collect();
    let severity_options = std::iter::once((String::new(), "Every severity".to_owned()))
        .chain(Severity::ALL.into_iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())))
        .collect();
    view! {
        <section class="card" aria-labelledby="alerts-title">
            <h1 id="alerts-title">"Alerts"</h1>
            <form class="filters" on:submit=apply aria-label="Filter the alerts">
                <SelectField id="alerts-environment" label="Environment" value=environment options=environment_options />
                <SelectField id="alerts-severity" label="Severity" value=severity options=severity_options />
                <DateTimeField id="alerts-from" label="Raised from" value=from />
                <DateTimeField id="alerts-to" label="Raised before" value=to />
                <Checkbox id="alerts-active" label="Active only" checked=active />
                <button type="submit">"Apply filters"</button>
            </form>
            <ErrorAlert failure=invalid />
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(alerts, "the alerts", move |list: Page<Alert>| {
                if list.items.is_empty() {
                    return view! { <p>"No alerts match."</p> }.into_any();
                }
                let total = list.total;
                let rows = list.items.into_iter().map(|alert| alert_row(alert, resolver, resolve)).collect();
                view! {
                    <p class="hint">{format!("{total} alerts")}</p>
                    {table("Alerts, newest first", HEADERS, rows, form.busy())}
                    {pager(page, PER_PAGE, total)}
                }
                .into_any()
            })}
        </section>
    }
}

/// A time filter as typed (in the viewer's time zone), or why it cannot be sent; None when empty.
fn time_filter(label: &str, text: &str) -> Result<Option<DateTime<Utc>>, ApiFailure> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    local_input_to_utc(text)
        .map(Some)
        .ok_or_else(|| ApiFailure::Invalid(format!("{label}: enter a complete date and time, or leave it empty.")))
}

fn alert_row(alert: Alert, resolver: bool, resolve: Callback<Alert>) -> Vec<Cell> {
    let subject = format!("{} on {}", alert.kind.label(), alert.environment.label());
    let state = match (&alert.resolved_at, &alert.resolved_by) {
        (Some(at), Some(by)) => Cell::TwoLines("Resolved".to_owned(), format!("by {by}, {}", format_utc(at))),
        (Some(at), None) => Cell::TwoLines("Resolved".to_owned(), format_utc(at)),
        _ => Cell::Text("Active".to_owned()),
    };
    let mut acts = Vec::new();
    if resolver && alert.active {
        let for_resolve = alert.clone();
        acts.push(Act::Button {
            label: "Resolve",
            subject,
            run: Callback::new(move |()| resolve.run(for_resolve.clone())),
        });
    }
    let severity = alert.severity;
    vec![
        Cell::Text(format_utc(&alert.raised_at)),
        Cell::Text(alert.environment.label().to_owned()),
        Cell::Head(alert.kind.label().to_owned(), Vec::new()),
        Cell::Badge(tone(false, severity != Severity::Warning), severity.label().to_owned()),
        Cell::Text(alert.message),
        state,
        Cell::Actions(acts),
    ]
}
