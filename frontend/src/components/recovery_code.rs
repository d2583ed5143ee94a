//! A new recovery code, shown once: copy it, download it, or write it down now.

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::js_sys::encode_uri_component;

#[derive(Debug, Clone, Copy, PartialEq)]
enum CopyState {
    NotYet,
    Copied,
    Failed,
}

#[component]
pub fn RecoveryCodePanel(code: String) -> impl IntoView {
    let copy_state = RwSignal::new(CopyState::NotYet);
    let file_text = format!(
        "Portico recovery code\n\n{code}\n\nIt works once, instead of a code from your authenticator app. \
         Keep it somewhere safe and away from the device that runs the app.\n"
    );
    let download_href = format!("data:text/plain;charset=utf-8,{}", String::from(encode_uri_component(&file_text)));
    let code_to_copy = code.clone();
    view! {
        <section class="recovery-code-panel" aria-labelledby="recovery-code-title">
            <h2 id="recovery-code-title">"Your recovery code"</h2>
            <p class="alert alert-warning">
                <strong>"Save it now: it is shown only this once. "</strong>
                "If you lose your phone or authenticator app, this code is the only way to sign in without
                 an Administrator. It works once."
            </p>
            <p><code class="recovery-code" data-testid="recovery-code">{code}</code></p>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| copy_to_clipboard(&code_to_copy, copy_state)>
                    "Copy"
                </button>
                <a class="button secondary" download="portico-recovery-code.txt" href=download_href>"Download"</a>
            </div>
            <p role="status" class="hint">
                {move || match copy_state.get() {
                    CopyState::NotYet => "",
                    CopyState::Copied => "Copied to the clipboard.",
                    CopyState::Failed => "The browser did not allow copying: select the code and copy it, or download it.",
                }}
            </p>
        </section>
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
