//! A button that copies a text (a recovery code, a token secret, a GUID) to the clipboard and
//! says, politely, whether it worked.

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

#[derive(Debug, Clone, Copy, PartialEq)]
enum CopyState {
    NotYet,
    Copied,
    Failed,
}

/// "Copy" (or `label`), with `subject` read out to screen readers after it ("Copy the GUID").
#[component]
pub fn CopyButton(
    text: String,
    #[prop(default = "Copy")] label: &'static str,
    #[prop(optional)] subject: &'static str,
) -> impl IntoView {
    let state = RwSignal::new(CopyState::NotYet);
    view! {
        <span class="copy">
            <button type="button" class="secondary" on:click=move |_| copy_to_clipboard(&text, state)>
                {label}
                {(!subject.is_empty()).then(|| view! { <span class="sr-only">" " {subject}</span> })}
            </button>
            <span role="status" class="hint">
                {move || match state.get() {
                    CopyState::NotYet => "",
                    CopyState::Copied => "Copied to the clipboard.",
                    CopyState::Failed => "The browser did not allow copying: select the text and copy it.",
                }}
            </span>
        </span>
    }
}

fn copy_to_clipboard(text: &str, state: RwSignal<CopyState>) {
    let Some(window) = web_sys::window() else { return };
    let promise = window.navigator().clipboard().write_text(text);
    let on_copied = Closure::<dyn FnMut(JsValue)>::new(move |_| state.set(CopyState::Copied));
    let on_refused = Closure::<dyn FnMut(JsValue)>::new(move |_| state.set(CopyState::Failed));
    let _ = promise.then2(&on_copied, &on_refused);
    // The promise calls one of them later, so they must outlive this function: a few bytes per click.
    on_copied.forget();
    on_refused.forget();
}
