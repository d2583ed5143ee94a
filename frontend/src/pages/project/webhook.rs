//! The project's alert webhook (Tenant Administrators): every alert is POSTed there as JSON,
//! signed with HMAC-SHA256. Setting it (or replacing it) makes a new signing secret, shown once.

use leptos::prelude::*;
use portico_domain::alerts::WebhookRequest;
use portico_domain::projects::Action;

use super::{ProjectContext, not_for_your_role};
use crate::api;
use crate::components::{
    ConfirmButton, CopyButton, ErrorAlert, FormState, Notice, TextField, answer, failed, fetch, format_utc, loading,
    set_title,
};

#[component]
pub fn WebhookPage() -> AnyView {
    set_title("Webhook");
    let context = ProjectContext::get();
    if !context.can(Action::ManageWebhook) {
        return not_for_your_role("Webhook");
    }
    let current = answer();
    let guid = context.guid;
    let reload = Callback::new(move |()| fetch(current, api::projects::webhook(guid)));
    reload.run(());
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let url = RwSignal::new(String::new());
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        let request = WebhookRequest { url: url.get_untracked().trim().to_owned() };
        form.run(async move {
            // The answer carries the signing secret (this once): shown from it, until reloaded.
            let reply = api::projects::set_webhook(guid, &request).await?;
            url.set(String::new());
            current.set(Ok(reply));
            Ok(())
        });
    };
    let remove = Callback::new(move |()| {
        notice.set(None);
        form.run(async move {
            api::projects::delete_webhook(guid).await?;
            reload.run(());
            notice.set(Some("The webhook is deleted.".to_owned()));
            Ok(())
        });
    });
    view! {
        <section class="card" aria-labelledby="webhook-title">
            <h1 id="webhook-title">"Webhook"</h1>
            <p>
                "Every alert of this project is POSTed as JSON to this address, with the header "
                <code>"X-Portico-Signature: sha256=…"</code>
                ", the HMAC-SHA256 of "<code>"{X-Portico-Timestamp}.{body}"</code>" under the signing secret."
            </p>
            {move || match current.read() {
                None => loading("the webhook"),
                Some(Ok(webhook)) => view! {
                    {webhook.signing_secret.map(|secret| secret_panel(secret, reload))}
                    <dl class="facts">
                        <dt>"URL"</dt>
                        <dd><code data-testid="webhook-url">{webhook.url}</code></dd>
                        <dt>"Set"</dt>
                        <dd>{format_utc(&webhook.created_at)}</dd>
                    </dl>
                    <div class="actions">
                        <ConfirmButton
                            label="Delete webhook"
                            subject=""
                            question="Delete the webhook? Alerts stop being posted to it at once."
                            confirm="Yes, delete"
                            on_confirm=remove
                            disabled=form.busy()
                        />
                    </div>
                }
                .into_any(),
                Some(Err(failure)) if failure.code() == Some("webhook_not_found") => {
                    view! { <p>"No webhook: alerts reach people by email only."</p> }.into_any()
                }
                Some(Err(failure)) => failed(&failure),
            }}
            <form class="stack narrow-form" on:submit=save aria-labelledby="webhook-form-title">
                <h2 id="webhook-form-title">"Set the webhook"</h2>
                <TextField
                    id="webhook-url"
                    label="Webhook URL"
                    hint="An https address accepting JSON POSTs; replaces the current one and its secret."
                    value=url
                    input_type="url"
                    required=true
                    field="url"
                    form=form
                />
                <ErrorAlert failure=form.failure() />
                <Notice message=notice />
                <div class="actions">
                    <button type="submit" disabled=move || form.is_busy()>"Save webhook"</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// The signing secret, in the answer that set the webhook only; "I have stored it" reloads the
/// webhook, which no longer carries it.
fn secret_panel(secret: String, reload: Callback<()>) -> AnyView {
    let to_copy = secret.clone();
    view! {
        <section class="secret-panel" aria-labelledby="webhook-secret-title">
            <h2 id="webhook-secret-title">"Signing secret"</h2>
            <p class="alert alert-warning">
                <strong>"Copy it now: it is shown only this once. "</strong>
                "Your receiver checks signatures with it. Lost? Set the webhook again."
            </p>
            <p><code class="secret" data-testid="webhook-secret">{secret}</code></p>
            <div class="actions">
                <CopyButton text=to_copy subject="the signing secret" />
                <button type="button" class="secondary" on:click=move |_| reload.run(())>"I have stored it"</button>
            </div>
        </section>
    }
    .into_any()
}
