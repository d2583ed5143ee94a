//! Form plumbing: one submission at a time, its failure kept for the alert, and labelled fields
//! that show the server's message for their own field.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiFailure;

/// The state of one form: whether it is being sent, and why the last attempt failed.
///
/// Reads use `try_get`: a submission that succeeds may replace the form (the set-up page shows the
/// recovery code instead), and a view update queued for the old form then finds its signals
/// disposed; it must see "nothing" rather than panic.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    busy: RwSignal<bool>,
    failure: RwSignal<Option<ApiFailure>>,
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

impl FormState {
    pub fn new() -> Self {
        Self { busy: RwSignal::new(false), failure: RwSignal::new(None) }
    }

    /// Sends one submission; a second click while it runs does nothing. The work may navigate
    /// away: setting a signal of a page that is gone is a no-op.
    pub fn run(self, work: impl Future<Output = Result<(), ApiFailure>> + 'static) {
        self.run_boxed(Box::pin(work));
    }

    /// The one copy of the submission logic; each form only boxes its own work.
    fn run_boxed(self, work: Pin<Box<dyn Future<Output = Result<(), ApiFailure>>>>) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.failure.set(None);
        spawn_local(async move {
            let outcome = work.await;
            self.busy.set(false);
            if let Err(failure) = outcome {
                self.failure.set(Some(failure));
            }
        });
    }

    /// Shows a problem found before sending (the same rule the server would apply).
    pub fn refuse(&self, message: impl Into<String>) {
        self.failure.set(Some(ApiFailure::Invalid(message.into())));
    }

    pub fn is_busy(&self) -> bool {
        self.busy.try_get().unwrap_or(false)
    }

    /// Why the last attempt failed (reactive).
    pub fn current_failure(&self) -> Option<ApiFailure> {
        self.failure.try_get().flatten()
    }

    /// The stable code of the last failure (reactive), e.g. `link_used`.
    pub fn failure_code(&self) -> Option<String> {
        self.current_failure().and_then(|failure| failure.code().map(str::to_owned))
    }

    /// Whether a submission is under way, as a signal (to disable buttons elsewhere).
    pub fn busy(&self) -> Signal<bool> {
        let form = *self;
        Signal::derive(move || form.is_busy())
    }

    pub fn failure(&self) -> Signal<Option<ApiFailure>> {
        let form = *self;
        Signal::derive(move || form.current_failure())
    }
}

/// The six-digit code of an authenticator app, sent as the request's `code` field; [`entered_code`]
/// reads it as the server wants it (digits only).
#[component]
pub fn TotpCodeField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    form: FormState,
    #[prop(default = None, into)] hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <TextField
            id
            label
            hint
            value
            autocomplete="one-time-code"
            inputmode="numeric"
            maxlength=7
            required=true
            field="code"
            form
        />
    }
}

/// What was typed into a [`TotpCodeField`], without spaces.
pub fn entered_code(value: RwSignal<String>) -> String {
    value.get_untracked().trim().replace(' ', "")
}

/// A labelled input bound to `value`. With `field` (the request's field name) the server's
/// message for that field appears under the input and is tied to it with `aria-describedby`.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(default = None, into)] hint: Option<&'static str>,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional)] form: Option<FormState>,
) -> impl IntoView {
    let error = Signal::derive(move || {
        let field = field?;
        form?.current_failure()?.field_message(field)
    });
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> = [hint.map(|_| hint_id.as_str()), error.get().map(|_| error_id.as_str())]
                .into_iter()
                .flatten()
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                required=required
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
                bind:value=value
            />
            {move || (error.get().map(|message| view! {
                <p class="field-error" id=error_id.clone()>{message}</p>
            })).into_any()}
        </div>
    }
}

/// Names the page in the browser tab (and for screen readers, which read the title on navigation).
pub fn set_title(page: &str) {
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        document.set_title(&format!("{page} · Portico"));
    }
}

/// A labelled checkbox bound to `checked`.
#[component]
pub fn Checkbox(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    checked: RwSignal<bool>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input type="checkbox" id=id.clone() name=id.clone() bind:checked=checked disabled=move || disabled.get() />
            <label for=id>{label}</label>
        </div>
    }
}

/// A labelled `<select>` bound to `value`; `options` are (value, label) pairs.
#[component]
pub fn SelectField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional)] form: Option<FormState>,
) -> impl IntoView {
    let error = Signal::derive(move || form?.current_failure()?.field_message(field?));
    let error_id = format!("{id}-error");
    let current = value.get_untracked();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                name=id
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby={
                    let error_id = error_id.clone();
                    move || error.get().map(|_| error_id.clone())
                }
                bind:value=value
            >
                // `selected` too: the select gets its value before its options exist.
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        let selected = option == current;
                        view! { <option value=option selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {move || (error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })).into_any()}
        </div>
    }
}
