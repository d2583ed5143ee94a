//! An audit log, newest first, a page at a time: the project's (Tenant Administrators) and the
//! platform's (Administrators) look the same.

use leptos::prelude::*;
use portico_domain::admin::AuditEvent;
use portico_domain::paging::Page;
use uuid::Uuid;

use crate::api;
use crate::components::{Cell, answer, fetch, format_utc_seconds, pager, show, table};

const PER_PAGE: u32 = 50;
const HEADERS: &[&str] = &["When", "Event", "Outcome", "By", "IP address", "Details"];

/// The events of the project `project`, or of the platform (None).
#[component]
pub fn AuditLog(project: Option<Uuid>, caption: &'static str) -> impl IntoView {
    let page = RwSignal::new(1u32);
    let events = answer();
    Effect::new(move |_| {
        let page = page.get();
        let call = match project {
            Some(guid) => api::projects::audit(guid, page, PER_PAGE),
            None => api::admin::audit(page, PER_PAGE),
        };
        fetch(events, call);
    });
    view! {
        {show(events, "the audit log", move |list: Page<AuditEvent>| {
            if list.items.is_empty() {
                return view! { <p>"Nothing recorded yet."</p> }.into_any();
            }
            let total = list.total;
            let rows = list
                .items
                .into_iter()
                .map(|event| {
                    vec![
                        Cell::Text(format_utc_seconds(&event.occurred_at)),
                        Cell::Code(event.action),
                        Cell::Text(event.outcome),
                        Cell::Text(event.actor.unwrap_or_default()),
                        Cell::Text(event.ip.unwrap_or_default()),
                        Cell::Text(details(&event.details)),
                    ]
                })
                .collect();
            view! { {table(caption, HEADERS, rows, Signal::stored(false))} {pager(page, PER_PAGE, total)} }.into_any()
        })}
    }
}

/// `{"role":"developer"}` -> `role: developer`; nothing for an empty object.
fn details(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Object(fields) => fields
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| match value {
                serde_json::Value::String(text) => format!("{key}: {text}"),
                // `serde_json::to_string`, not `Display`, which brings a pretty printer along.
                other => format!("{key}: {}", serde_json::to_string(other).unwrap_or_default()),
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Null => String::new(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
