//! Promoting a succeeded package to a later environment, now or at a time chosen in the browser's
//! own time zone (sent as UTC).

use leptos::prelude::*;
use portico_domain::deployments::{Deployment, PromoteRequest};
use portico_domain::projects::Environment;

use super::ProjectContext;
use crate::api;
use crate::components::{ErrorAlert, FormState, SelectField, format_utc, local_input_to_utc, now_utc};

#[component]
pub fn PromoteForm(source: Deployment, targets: Vec<Environment>, on_done: Callback<Option<String>>) -> impl IntoView {
    let context = ProjectContext::get();
    let form = FormState::new();
    let target = RwSignal::new(targets.first().map(|e| e.as_str().to_owned()).unwrap_or_default());
    let when = RwSignal::new(String::new());
    let in_utc = move || {
        let text = when.get();
        match local_input_to_utc(&text) {
            Some(at) => format!("That is {} (the server runs promotions in UTC).", format_utc(&at)),
            None if text.is_empty() => "Leave empty to promote now.".to_owned(),
            None => "Not a complete date and time yet.".to_owned(),
        }
    };
    let (guid, id) = (context.guid, source.id);
    let build = source.build_number.clone().unwrap_or_else(|| "the package".to_owned());
    let from = source.environment.label();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(environment) = Environment::parse(&target.get_untracked()) else { return };
        let text = when.get_untracked();
        let scheduled_at = match local_input_to_utc(&text) {
            Some(at) if at <= now_utc() => {
                return form.refuse("Promote at: choose a time in the future, or leave it empty.");
            }
            Some(at) => Some(at),
            None if text.trim().is_empty() => None,
            None => return form.refuse("Promote at: enter a complete date and time, or leave it empty."),
        };
        form.run(async move {
            api::projects::promote(guid, id, &PromoteRequest { environment, scheduled_at }).await?;
            let message = match scheduled_at {
                Some(at) => format!("The promotion to {} is scheduled for {}.", environment.label(), format_utc(&at)),
                None => format!("The promotion to {} is queued.", environment.label()),
            };
            on_done.run(Some(message));
            Ok(())
        });
    };
    let options = targets.iter().map(|e| (e.as_str().to_owned(), e.label().to_owned())).collect();
    view! {
        <form class="stack narrow-form" on:submit=submit aria-labelledby="promote-title">
            <h2 id="promote-title">"Promote build " {build} " from " {from}</h2>
            <SelectField id="promote-environment" label="To environment" value=target options field="environment" form=form />
            <div class="field">
                <label for="promote-at">"Promote at (your local time)"</label>
                <p class="hint" id="promote-at-hint" aria-live="polite">{in_utc}</p>
                <input id="promote-at" name="promote-at" type="datetime-local" aria-describedby="promote-at-hint" bind:value=when />
            </div>
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Promote"</button>
                <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Cancel"</button>
            </div>
        </form>
    }
}
