//! A date and time picked in the viewer's own time zone, or typed in UTC where a person plans in
//! UTC (platform maintenance); under the label, the same instant in the other zone, so nobody
//! has to convert in their head. Shows the server's message for its field.

use leptos::prelude::*;

use crate::components::{FormState, format_local, format_utc, local_input_to_utc, utc_input_to_utc};

/// `<input type="datetime-local" step="1">` (seconds allowed) bound to `value`, read in the
/// browser's time zone, or in UTC when `utc`; `field` names the request field whose error is
/// shown here.
#[component]
pub fn DateTimeField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] utc: bool,
    #[prop(optional)] required: bool,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional)] form: Option<FormState>,
) -> impl IntoView {
    let error = Signal::derive(move || form?.current_failure()?.field_message(field?));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = format!("{hint_id} {error_id}");
    let other_zone = move || {
        let text = value.get();
        match (utc, if utc { utc_input_to_utc(&text) } else { local_input_to_utc(&text) }) {
            (true, Some(at)) => format!("That is {} in your time zone.", format_local(&at)),
            (false, Some(at)) => format!("That is {}.", format_utc(&at)),
            (true, None) => "In UTC; shown in your time zone once complete.".to_owned(),
            (false, None) => "In your local time; shown in UTC once complete.".to_owned(),
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <p class="hint" id=hint_id aria-live="polite">{other_zone}</p>
            <input
                id=id
                name=id
                type="datetime-local"
                step="1"
                required=required
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
                bind:value=value
            />
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </div>
    }
}
