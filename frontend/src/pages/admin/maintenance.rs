//! Administration -> Maintenance: platform maintenance windows, newest first, with their state;
//! schedule one (times typed in UTC, the platform's clock; each is shown back in the
//! Administrator's time zone), reschedule or edit
//! one that has not ended, cancel one. Every change is emailed to Tenant Administrators and
//! subscribers by the server.

use leptos::prelude::*;
use portico_domain::maintenance::{
    AffectedFeature, CreateWindowRequest, MaintenanceWindow, UpdateWindowRequest, WindowState,
};
use portico_domain::paging::Page;

use crate::api;
use crate::components::labels::tone;
use crate::components::maintenance::{features_text, local_range, utc_range, window_state_label};
use crate::components::{
    Act, Cell, Checkbox, DateTimeField, ErrorAlert, FormState, Notice, answer, fetch, format_utc, pager, set_title,
    show, table, utc_input, utc_input_to_utc,
};
use crate::session::Session;

const PER_PAGE: u32 = 50;
const HEADERS: &[&str] = &["Description", "Your time", "UTC", "Affected", "State", ""];

#[component]
pub fn AdminMaintenance() -> impl IntoView {
    set_title("Maintenance");
    let session = Session::get();
    let page = RwSignal::new(1u32);
    let windows = answer();
    let reload = move || {
        fetch(windows, api::admin::maintenance_windows(page.get_untracked(), PER_PAGE));
        // The Administrator's own banner shows the change too.
        session.refresh();
    };
    Effect::new(move |_| {
        page.track();
        reload();
    });
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<MaintenanceWindow>);
    let done = Callback::new(move |message: Option<String>| {
        editing.set(None);
        if message.is_some() {
            notice.set(message);
            reload();
        }
    });
    let cancel = Callback::new(move |window: MaintenanceWindow| {
        notice.set(None);
        form.run(async move {
            api::admin::cancel_maintenance(window.id).await?;
            done.run(Some(format!(
                "The window \u{201c}{}\u{201d} is cancelled; everyone was told.",
                window.description
            )));
            Ok(())
        });
    });
    let edit = Callback::new(move |window: MaintenanceWindow| {
        notice.set(None);
        editing.set(Some(window));
    });
    view! {
        <section class="card" aria-labelledby="maintenance-title">
            <h1 id="maintenance-title">"Maintenance"</h1>
            <p>"Scheduling, moving or cancelling a window emails Tenant Administrators and subscribers."</p>            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(windows, "the maintenance windows", move |list: Page<MaintenanceWindow>| {
                if list.items.is_empty() {
                    return view! { <p>"No maintenance scheduled yet."</p> }.into_any();
                }
                let total = list.total;
                let rows = list.items.into_iter().map(|window| window_row(window, edit, cancel)).collect();
                view! { {table("Maintenance windows, newest first", HEADERS, rows, form.busy())} {pager(page, PER_PAGE, total)} }
                    .into_any()
            })}
        </section>
        {move || editing.get().map(|window| view! { <section class="card"><WindowForm existing=Some(window) on_done=done /></section> })}
        <section class="card">
            <WindowForm existing=None on_done=done />
        </section>
    }
}

fn window_row(
    window: MaintenanceWindow,
    edit: Callback<MaintenanceWindow>,
    cancel: Callback<MaintenanceWindow>,
) -> Vec<Cell> {
    let state = window.state;
    let mut acts = Vec::new();
    if matches!(state, WindowState::Scheduled | WindowState::InProgress) {
        let subject = window.description.clone();
        let for_edit = window.clone();
        acts.push(Act::Button {
            label: "Reschedule",
            subject: subject.clone(),
            run: Callback::new(move |()| edit.run(for_edit.clone())),
        });
        let for_cancel = window.clone();
        acts.push(Act::Confirm {
            label: "Cancel",
            subject,
            question: "Cancel this window? Everyone who was told is told again.".to_owned(),
            confirm: "Yes, cancel the window",
            run: Callback::new(move |()| cancel.run(for_cancel.clone())),
        });
    }
    vec![
        Cell::Head(window.description.clone(), Vec::new()),
        Cell::Text(local_range(&window)),
        Cell::Text(utc_range(&window)),
        Cell::Text(features_text(&window)),
        Cell::Badge(
            tone(state == WindowState::Completed, state == WindowState::InProgress),
            window_state_label(state).to_owned(),
        ),
        Cell::Actions(acts),
    ]
}

/// Schedules a window (`existing` None) or reschedules one; `on_done` gets a message when saved.
#[component]
fn WindowForm(existing: Option<MaintenanceWindow>, on_done: Callback<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let prefix = if existing.is_some() { "edit" } else { "new" };
    let starts_text = existing.as_ref().map(|w| utc_input(&w.starts_at)).unwrap_or_default();
    let starts = RwSignal::new(starts_text.clone());
    let ends = RwSignal::new(existing.as_ref().map(|w| utc_input(&w.ends_at)).unwrap_or_default());
    let description = RwSignal::new(existing.as_ref().map(|w| w.description.clone()).unwrap_or_default());
    // A new window affects every feature unless unticked (the API's default too).
    let features: Vec<(AffectedFeature, RwSignal<bool>)> = AffectedFeature::ALL
        .into_iter()
        .map(|feature| (feature, RwSignal::new(existing.as_ref().is_none_or(|w| w.affected.contains(&feature)))))
        .collect();
    let chosen = features.clone();
    let emergency = RwSignal::new(existing.as_ref().is_some_and(|w| w.emergency));
    let id = existing.as_ref().map(|w| w.id);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(starts_at), Some(ends_at)) =
            (utc_input_to_utc(&starts.get_untracked()), utc_input_to_utc(&ends.get_untracked()))
        else {
            return form.refuse("Enter the start and the end as complete dates and times.");
        };
        let affected: Vec<String> = chosen
            .iter()
            .filter(|(_, ticked)| ticked.get_untracked())
            .map(|(feature, _)| feature.as_str().to_owned())
            .collect();
        if affected.is_empty() {
            return form.refuse("Affected features: tick at least one.");
        }
        let text = description.get_untracked().trim().to_owned();
        let when = format!("from {} to {}", format_utc(&starts_at), format_utc(&ends_at));
        match id {
            Some(id) => {
                // The start is sent only when changed: a window in progress keeps its start.
                let moved = starts.get_untracked() != starts_text;
                let request = UpdateWindowRequest {
                    starts_at: moved.then_some(starts_at),
                    ends_at: Some(ends_at),
                    description: Some(text),
                    affected: Some(affected),
                    emergency: Some(emergency.get_untracked()),
                };
                form.run(async move {
                    api::admin::update_maintenance(id, &request).await?;
                    on_done.run(Some(format!("The window is rescheduled {when}; everyone was told.")));
                    Ok(())
                });
            }
            None => {
                let request = CreateWindowRequest {
                    starts_at,
                    ends_at,
                    description: text,
                    affected: Some(affected),
                    emergency: emergency.get_untracked(),
                };
                form.run(async move {
                    api::admin::schedule_maintenance(&request).await?;
                    // Blank again for the next window (the features stay as ticked).
                    for field in [starts, ends, description] {
                        field.set(String::new());
                    }
                    emergency.set(false);
                    on_done.run(Some(format!("Maintenance is scheduled {when}; Tenant Administrators are emailed.")));
                    Ok(())
                });
            }
        }
    };
    let title = if existing.is_some() { "Reschedule the window" } else { "Schedule maintenance" };
    let description_id = if existing.is_some() { "edit-window-description" } else { "new-window-description" };
    let description_error = Signal::derive(move || form.current_failure()?.field_message("description"));
    view! {
        <form class="stack narrow-form" on:submit=submit aria-labelledby=format!("{prefix}-window-title")>
            <h2 id=format!("{prefix}-window-title")>{title}</h2>
            <DateTimeField
                id=if existing.is_some() { "edit-window-starts" } else { "new-window-starts" }
                label="Starts (UTC)"
                utc=true
                value=starts
                required=true
                field="starts_at"
                form=form
            />
            <DateTimeField
                id=if existing.is_some() { "edit-window-ends" } else { "new-window-ends" }
                label="Ends (UTC)"
                utc=true
                value=ends
                required=true
                field="ends_at"
                form=form
            />
            <div class="field">
                <label for=description_id>"Description"</label>
                <p class="hint" id=format!("{description_id}-hint")>"What happens and what users will notice."</p>
                <textarea
                    id=description_id
                    name=description_id
                    rows="3"
                    maxlength="2000"
                    required
                    aria-describedby=format!("{description_id}-hint {description_id}-error")
                    aria-invalid=move || description_error.get().map(|_| "true")
                    bind:value=description
                ></textarea>
                <p class="field-error" id=format!("{description_id}-error")>{move || description_error.get()}</p>
            </div>
            <fieldset class="stack">
                <legend>"Affected features"</legend>
                {features
                    .into_iter()
                    .map(|(feature, ticked)| view! {
                        <Checkbox id=format!("{prefix}-affects-{}", feature.as_str()) label=feature.label() checked=ticked />
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <Checkbox id=format!("{prefix}-window-emergency") label="Emergency maintenance" checked=emergency />
                <p class="hint">
                    "Windows are announced 72 hours ahead (PORTICO_MAINTENANCE_NOTICE); an emergency may start sooner
                     and is shown as an emergency in the banner, on the status page and in the emails."
                </p>
            </div>
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>
                    {if existing.is_some() { "Save window" } else { "Schedule window" }}
                </button>
                {existing.is_some().then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Discard changes"</button>
                })}
            </div>
        </form>
    }
}
