//! How a page says that something failed (an alert, read out at once) or worked (a status).

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::components::dynamic;

/// The failure of the last submission, with the server's per-field messages, in a
/// `role="alert"` element so screen readers announce it. Renders nothing while there is none.
#[component]
pub fn ErrorAlert(#[prop(into)] failure: Signal<Option<ApiFailure>>) -> impl IntoView {
    dynamic(move || {
        let Some(failure) = failure.try_get().flatten() else { return ().into_any() };
        let fields = failure.field_messages();
        view! {
            <div class="alert alert-error" role="alert">
                <p>{failure.detail()}</p>
                {(!fields.is_empty()).then(|| view! {
                    <ul>{fields.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                })}
            </div>
        }
        .into_any()
    })
}

/// A success message (`role="status"`: announced politely). Renders nothing while empty.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    dynamic(move || match message.try_get().flatten() {
        Some(message) => view! { <p class="alert alert-ok" role="status">{message}</p> }.into_any(),
        None => ().into_any(),
    })
}
