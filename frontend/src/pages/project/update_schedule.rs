//! The project's update schedule: the weekly 3-hour UTC slots in which its customer
//! infrastructure update may run after a platform maintenance window. Every member reads it;
//! Tenant Administrators and DevOps Engineers change it. Slots blocked platform-wide cannot be
//! chosen, and at least one slot must be.

use leptos::prelude::*;
use portico_domain::maintenance::{Day, SLOT_HOURS, SLOT_LENGTH_HOURS, Slot, UpdateSchedule};
use portico_domain::projects::Action;

use super::ProjectContext;
use crate::api;
use crate::components::maintenance::both_zones;
use crate::components::{Answer, ErrorAlert, FormState, GridBox, Notice, answer, check_grid, fetch, set_title, show};
use crate::session::Session;

/// "Monday"
fn day_label(day: Day) -> &'static str {
    match day {
        Day::Monday => "Monday",
        Day::Tuesday => "Tuesday",
        Day::Wednesday => "Wednesday",
        Day::Thursday => "Thursday",
        Day::Friday => "Friday",
        Day::Saturday => "Saturday",
        Day::Sunday => "Sunday",
    }
}

/// "03:00–06:00"
fn hours_label(start_hour: u32) -> String {
    format!("{:02}:00–{:02}:00", start_hour, (i64::from(start_hour) + SLOT_LENGTH_HOURS) % 24)
}

#[component]
pub fn UpdateSchedulePage() -> impl IntoView {
    set_title("Update schedule");
    let context = ProjectContext::get();
    let schedule = answer();
    fetch(schedule, api::projects::update_schedule(context.guid));
    let saved = RwSignal::new(None::<String>);
    let form = FormState::new();
    view! {
        <section class="card" aria-labelledby="schedule-title">
            <h1 id="schedule-title">"Update schedule"</h1>
            <p>
                "After each platform maintenance window, the customer infrastructure update runs in the first
                 preferred slot (3-hour slots, UTC)."
            </p>
            {show(schedule, "the update schedule", move |loaded| schedule_editor(loaded, schedule, form, saved))}
        </section>
    }
}

/// The grid for `schedule`; a save puts the server's answer into `answer`, which redraws the grid
/// from what is now in force (one reader of the schedule in the wasm, not two).
fn schedule_editor(
    schedule: UpdateSchedule,
    answer: Answer<UpdateSchedule>,
    form: FormState,
    saved: RwSignal<Option<String>>,
) -> AnyView {
    let context = ProjectContext::get();
    let session = Session::get();
    let editable = context.can(Action::EditUpdateSchedule);
    let UpdateSchedule { slots, blocked, next_infrastructure_update } = schedule;
    let chosen = RwSignal::new(slots);
    let none_chosen = Signal::derive(move || chosen.with(Vec::is_empty));
    let rows = SLOT_HOURS
        .into_iter()
        .map(|start_hour| {
            let boxes = Day::ALL
                .into_iter()
                .map(|day| {
                    let slot = Slot { day, start_hour };
                    let is_blocked = blocked.contains(&slot);
                    let label = format!(
                        "{} {} UTC{}",
                        day_label(day),
                        hours_label(start_hour),
                        if is_blocked { ", blocked platform-wide" } else { "" }
                    );
                    GridBox {
                        label,
                        checked: Signal::derive(move || chosen.with(|slots| slots.contains(&slot))),
                        on_change: Callback::new(move |ticked: bool| {
                            saved.set(None);
                            chosen.update(|slots| {
                                slots.retain(|s| *s != slot);
                                if ticked {
                                    slots.push(slot);
                                    slots.sort();
                                }
                            });
                        }),
                        disabled: Signal::derive(move || is_blocked || !editable || form.is_busy()),
                        note: is_blocked.then_some("Blocked"),
                    }
                })
                .collect();
            (hours_label(start_hour), boxes)
        })
        .collect();
    let columns = Day::ALL.into_iter().map(|day| day_label(day).to_owned()).collect();
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(None);
        let slots = chosen.get_untracked();
        if slots.is_empty() {
            return form.refuse("Choose at least one slot.");
        }
        form.run(async move {
            let reply = api::projects::save_update_schedule(context.guid, &slots).await?;
            saved.set(Some("The update schedule is saved.".to_owned()));
            answer.set(Ok(reply));
            // The banner names the next update too (from `GET /me`).
            session.refresh();
            Ok(())
        });
    };
    view! {
        <p data-testid="next-infrastructure-update">
            {match next_infrastructure_update {
                Some(at) => format!(
                    "Next customer infrastructure update: {}. Production site availability may be affected.",
                    both_zones(&at)
                ),
                None => "No update is planned: no maintenance window is scheduled.".to_owned(),
            }}
        </p>
        <form class="stack" on:submit=save aria-labelledby="schedule-title">
            <fieldset>
                <legend>"Preferred slots (UTC)"</legend>
                <p class="hint" id="blocked-note">
                    "\u{201c}Blocked\u{201d} slots are reserved platform-wide and cannot be chosen."
                </p>
                {(!editable).then(|| view! {
                    <p class="alert alert-warning">
                        "Read only: Tenant Administrators and DevOps Engineers change the update schedule."
                    </p>
                })}
                {check_grid("Preferred update slots: days across, 3-hour UTC slots down".to_owned(), "UTC", columns, rows)}
            </fieldset>
            {editable.then(|| view! {
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| chosen.set(Vec::new())>"Clear all"</button>
                    <button type="submit" aria-describedby="schedule-empty" disabled=move || none_chosen.get() || form.is_busy()>
                        "Save schedule"
                    </button>
                    <p class="hint" id="schedule-empty">
                        {move || if none_chosen.get() { "Choose at least one slot." } else { "" }}
                    </p>
                </div>
            })}
            <ErrorAlert failure=form.failure() />
            <Notice message=saved />
        </form>
    }
    .into_any()
}
