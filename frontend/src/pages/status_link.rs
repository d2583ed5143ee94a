//! The links of status page subscriptions: `/status/confirm#TOKEN` (the confirmation mail)
//! confirms, `/status/unsubscribe#TOKEN` (every announcement) unsubscribes, each as soon as it
//! opens: one click from the email.

use leptos::prelude::*;
use portico_domain::identity::api::TokenRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, Notice, set_title, take_fragment_token};

#[component]
pub fn ConfirmSubscription() -> impl IntoView {
    set_title("Confirm your subscription");
    follow(
        "Confirm your subscription",
        "You are subscribed: Portico's maintenance announcements come to this address from now on.",
        true,
    )
}

#[component]
pub fn Unsubscribe() -> impl IntoView {
    set_title("Unsubscribe");
    follow("Unsubscribe", "You are unsubscribed: no more maintenance announcements come to this address.", false)
}

/// Posts the link's token at once, then says how it went.
fn follow(title: &'static str, done: &'static str, confirming: bool) -> impl IntoView {
    let form = FormState::new();
    let outcome = RwSignal::new(None::<String>);
    match take_fragment_token() {
        Some(token) => form.run(async move {
            let request = TokenRequest { token };
            if confirming {
                api::status::confirm_subscription(&request).await?;
            } else {
                api::status::unsubscribe(&request).await?;
            }
            outcome.set(Some(done.to_owned()));
            Ok(())
        }),
        None => form.refuse("This address has no code. Open the link from the email again, copying the whole link."),
    }
    view! {
        <section class="card narrow">
            <h1>{title}</h1>
            {move || (form.is_busy().then(|| view! { <p aria-busy="true">"One moment…"</p> })).into_any()}
            <Notice message=outcome />
            <ErrorAlert failure=form.failure() />
            <p><a href="/status">"Go to the status page"</a></p>
        </section>
    }
}
