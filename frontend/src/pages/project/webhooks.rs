//! The project's webhooks (Tenant Administrators): add one (URL, events, format; its signing
//! secret shown once), send a test delivery, read its delivery log and redeliver from it, turn it
//! off or on, delete it.

use leptos::prelude::*;
use portico_domain::projects::Action;
use portico_domain::webhooks::{DeliveryState, NewWebhookRequest, WebhookEvent, WebhookFormat};

use super::{ProjectContext, not_for_your_role};
use crate::api;
use crate::api::projects::{Delivery, Hook};
use crate::components::labels::tone;
use crate::components::{
    Act, Cell, Checkbox, CopyButton, ErrorAlert, FormState, Notice, SelectField, TextField, answer, fetch, format_utc,
    set_title, show, table,
};

#[component]
pub fn WebhooksPage() -> AnyView {
    set_title("Webhooks");
    let context = ProjectContext::get();
    if !context.can(Action::ManageWebhook) {
        return not_for_your_role("Webhooks");
    }
    let guid = context.guid;
    let hooks = answer::<Vec<Hook>>();
    let reload = Callback::new(move |()| fetch(hooks, api::projects::webhooks(guid)));
    reload.run(());
    let created = RwSignal::new(None::<Hook>);
    // The webhook whose deliveries are shown, and its log.
    let opened = RwSignal::new(None::<Hook>);
    let log = answer::<Vec<Delivery>>();
    let show_log = Callback::new(move |hook: Hook| {
        fetch(log, api::projects::webhook_deliveries(guid, hook.id));
        opened.set(Some(hook));
    });
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let test = Callback::new(move |hook: Hook| {
        notice.set(None);
        form.run(async move {
            let delivery = api::projects::test_webhook(guid, hook.id).await?.read()?;
            notice.set(Some(tested(&delivery)));
            if opened.get_untracked().is_some_and(|o| o.id == hook.id) {
                show_log.run(hook);
            }
            Ok(())
        });
    });
    let switch = Callback::new(move |hook: Hook| {
        notice.set(None);
        form.run(async move {
            let on = !hook.enabled;
            api::projects::switch_webhook(guid, hook.id, on).await?;
            reload.run(());
            notice.set(Some(format!("The webhook {} is {}.", hook.url, if on { "enabled" } else { "disabled" })));
            Ok(())
        });
    });
    let remove = Callback::new(move |hook: Hook| {
        notice.set(None);
        form.run(async move {
            api::projects::delete_webhook(guid, hook.id).await?;
            if opened.get_untracked().is_some_and(|o| o.id == hook.id) {
                opened.set(None);
            }
            reload.run(());
            notice.set(Some(format!("The webhook {} is deleted.", hook.url)));
            Ok(())
        });
    });
    let redeliver = Callback::new(move |delivery: Delivery| {
        let Some(hook) = opened.get_untracked() else { return };
        notice.set(None);
        form.run(async move {
            api::projects::redeliver(guid, hook.id, delivery.id).await?;
            show_log.run(hook);
            notice.set(Some(format!("The {} delivery is queued again.", delivery.event.as_str())));
            Ok(())
        });
    });
    let acts = Acts { test, show_log, switch, remove };
    view! {
        <section class="card" aria-labelledby="webhooks-title">
            <h1 id="webhooks-title">"Webhooks"</h1>
            <p>
                "Each webhook gets the events it wants as an HTTP POST: Portico's JSON signed with "
                <code>"X-Portico-Signature: sha256=…"</code>
                " (the HMAC-SHA256 of "<code>"{X-Portico-Timestamp}.{body}"</code>
                " under its signing secret), a Slack message or a Microsoft Teams card. Failed deliveries are
                 retried; a webhook failing for 3 days is disabled and you are emailed."
            </p>
            {move || created.get().map(|hook| secret_panel(hook, created))}
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(hooks, "the webhooks", move |list: Vec<Hook>| {
                if list.is_empty() {
                    return view! { <p>"No webhooks: alerts reach people by email only."</p> }.into_any();
                }
                let rows = list.into_iter().map(|hook| webhook_row(hook, acts)).collect();
                table("Webhooks, oldest first", HEADERS, rows, form.busy())
            })}
        </section>
        {move || opened.get().map(|hook| view! {
            <section class="card" aria-labelledby="deliveries-title">
                <h2 id="deliveries-title">"Deliveries to " {hook.url.clone()}</h2>
                <p class="hint">"The last 100, newest first, with what the receiver answered."</p>
                {show(log, "the deliveries", move |list: Vec<Delivery>| {
                    if list.is_empty() {
                        return view! { <p>"Nothing delivered yet."</p> }.into_any();
                    }
                    let rows = list.into_iter().map(|delivery| delivery_row(delivery, redeliver, hook.enabled)).collect();
                    table("Deliveries, newest first", DELIVERY_HEADERS, rows, form.busy())
                })}
            </section>
        })}
        <NewWebhook created on_added=reload />
    }
    .into_any()
}

/// What a row's buttons do.
#[derive(Clone, Copy)]
struct Acts {
    test: Callback<Hook>,
    show_log: Callback<Hook>,
    switch: Callback<Hook>,
    remove: Callback<Hook>,
}

const HEADERS: &[&str] = &["URL", "Events", "Format", "Status", ""];

fn webhook_row(hook: Hook, acts: Acts) -> Vec<Cell> {
    let events = hook.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ");
    let status = match (&hook.disabled_reason, &hook.failing_since) {
        (Some(reason), _) => format!("Disabled: {reason}"),
        (None, Some(since)) => format!("Failing since {}", format_utc(since)),
        (None, None) => "Enabled".to_owned(),
    };
    let by = hook.created_by.clone().map(|by| format!("Added by {by}")).unwrap_or_default();
    let button = |label: &'static str, run: Callback<Hook>| {
        let for_run = hook.clone();
        Act::Button { label, subject: hook.url.clone(), run: Callback::new(move |()| run.run(for_run.clone())) }
    };
    let mut row_acts = vec![
        button("Send test delivery", acts.test),
        button("Deliveries", acts.show_log),
        button(if hook.enabled { "Disable" } else { "Enable" }, acts.switch),
    ];
    let for_remove = hook.clone();
    row_acts.push(Act::Confirm {
        label: "Delete",
        subject: hook.url.clone(),
        question: format!("Delete the webhook {}? Its deliveries stop at once and its log is gone.", hook.url),
        confirm: "Yes, delete",
        run: Callback::new(move |()| acts.remove.run(for_remove.clone())),
    });
    vec![
        Cell::TwoLines(hook.url.clone(), by),
        Cell::Text(events),
        Cell::Text(hook.format.label().to_owned()),
        Cell::Badge(tone(hook.enabled && hook.failing_since.is_none(), !hook.enabled), status),
        Cell::Actions(row_acts),
    ]
}

const DELIVERY_HEADERS: &[&str] = &["Event", "Queued", "State", "Attempts", "Answer", ""];

fn delivery_row(delivery: Delivery, redeliver: Callback<Delivery>, enabled: bool) -> Vec<Cell> {
    let state = match delivery.state {
        DeliveryState::Pending => "Pending",
        DeliveryState::Delivered => "Delivered",
        DeliveryState::Failed => "Failed",
    };
    let answered = match (delivery.response_status, delivery.duration_ms) {
        (Some(status), Some(ms)) => format!("HTTP {status} in {ms} ms"),
        _ => delivery.error.clone().unwrap_or_else(|| "Not sent yet".to_owned()),
    };
    let body = delivery.response_body.clone().unwrap_or_default();
    let mut acts = Vec::new();
    if enabled {
        let subject = format!("{} of {}", delivery.event.as_str(), format_utc(&delivery.created_at));
        let for_run = delivery.clone();
        acts.push(Act::Button {
            label: "Redeliver",
            subject,
            run: Callback::new(move |()| redeliver.run(for_run.clone())),
        });
    }
    vec![
        Cell::Code(delivery.event.as_str().to_owned()),
        Cell::Text(format_utc(&delivery.created_at)),
        Cell::Badge(
            tone(delivery.state == DeliveryState::Delivered, delivery.state == DeliveryState::Failed),
            state.to_owned(),
        ),
        Cell::Text(delivery.attempts.to_string()),
        Cell::TwoLines(answered, body),
        Cell::Actions(acts),
    ]
}

/// What a test delivery found, in a sentence.
fn tested(delivery: &Delivery) -> String {
    match (delivery.state, delivery.response_status, delivery.duration_ms) {
        (DeliveryState::Delivered, Some(status), Some(ms)) => {
            format!("Test delivery delivered: the receiver answered HTTP {status} in {ms} ms.")
        }
        (_, Some(status), Some(ms)) => format!("Test delivery failed: the receiver answered HTTP {status} in {ms} ms."),
        _ => format!("Test delivery failed: {}.", delivery.error.clone().unwrap_or_default()),
    }
}

/// The add form: URL, the events (alerts chosen to begin with) and the format.
#[component]
fn NewWebhook(created: RwSignal<Option<Hook>>, on_added: Callback<()>) -> impl IntoView {
    let context = ProjectContext::get();
    let url = RwSignal::new(String::new());
    let chosen: Vec<(WebhookEvent, RwSignal<bool>)> = WebhookEvent::SUBSCRIBABLE
        .into_iter()
        .map(|event| (event, RwSignal::new(matches!(event, WebhookEvent::AlertRaised | WebhookEvent::AlertResolved))))
        .collect();
    let format = RwSignal::new(WebhookFormat::Portico.as_str().to_owned());
    let form = FormState::new();
    let boxes = chosen.clone();
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let events: Vec<WebhookEvent> =
            chosen.iter().filter(|(_, on)| on.get_untracked()).map(|(event, _)| *event).collect();
        let request = NewWebhookRequest {
            url: url.get_untracked().trim().to_owned(),
            events,
            format: WebhookFormat::parse(&format.get_untracked()),
        };
        form.run(async move {
            let hook = api::projects::create_webhook(context.guid, &request).await?.read()?;
            url.set(String::new());
            created.set(Some(hook));
            on_added.run(());
            Ok(())
        });
    };
    let formats = WebhookFormat::ALL.iter().map(|f| (f.as_str().to_owned(), f.label().to_owned())).collect();
    view! {
        <form class="card stack narrow-form" on:submit=add aria-labelledby="new-webhook-title">
            <h2 id="new-webhook-title">"Add a webhook"</h2>
            <TextField
                id="webhook-url"
                label="Webhook URL"
                hint="An https address accepting POSTs (for Slack or Teams: the address they give you)."
                value=url
                input_type="url"
                required=true
                field="url"
                form=form
            />
            <fieldset>
                <legend>"Events"</legend>
                {boxes
                    .into_iter()
                    .map(|(event, on)| view! {
                        <Checkbox id=format!("event-{}", event.as_str().replace('.', "-")) label=event.label() checked=on />
                    })
                    .collect_view()}
            </fieldset>
            <SelectField id="webhook-format" label="Format" value=format options=formats field="format" form=form />
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Add webhook"</button>
            </div>
        </form>
    }
}

/// The signing secret, in the answer that added the webhook only.
fn secret_panel(hook: Hook, created: RwSignal<Option<Hook>>) -> AnyView {
    let secret = hook.secret.clone().unwrap_or_default();
    let to_copy = secret.clone();
    view! {
        <section class="secret-panel" aria-labelledby="webhook-secret-title">
            <h2 id="webhook-secret-title">"Signing secret of " {hook.url}</h2>
            <p class="alert alert-warning">
                <strong>"Copy it now: it is shown only this once. "</strong>
                "Your receiver checks signatures with it. Lost? Delete the webhook and add it again."
            </p>
            <p><code class="secret" data-testid="webhook-secret">{secret}</code></p>
            <div class="actions">
                <CopyButton text=to_copy subject="the signing secret" />
                <button type="button" class="secondary" on:click=move |_| created.set(None)>"I have stored it"</button>
            </div>
        </section>
    }
    .into_any()
}
