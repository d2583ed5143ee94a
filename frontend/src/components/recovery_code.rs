//! A new recovery code, shown once: copy it, download it, or write it down now.

use leptos::prelude::*;
use web_sys::js_sys::encode_uri_component;

use crate::components::CopyButton;

#[component]
pub fn RecoveryCodePanel(code: String) -> impl IntoView {
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
                <CopyButton text=code_to_copy />
                <a class="button secondary" download="portico-recovery-code.txt" href=download_href>"Download"</a>
            </div>
        </section>
    }
}
