//! Changing the email address, with the password: it changes only when the link mailed to the new
//! address is followed.

use leptos::prelude::*;
use portico_domain::identity::api::ChangeEmailRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, Notice, TextField};
use crate::session::Session;

#[component]
pub fn EmailSection() -> impl IntoView {
    let session = Session::get();
    let current = move || session.signed_in_account().map(|me| me.email).unwrap_or_default();
    let pending = move || session.signed_in_account().and_then(|me| me.pending_email);
    let form = FormState::new();
    let new_email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        sent.set(None);
        let request = ChangeEmailRequest {
            email: new_email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        form.run(async move {
            api::me::change_email(&request).await?;
            sent.set(Some(format!(
                "A message is on its way to {}: follow its link to confirm the address. Your email changes when you do.",
                request.email
            )));
            new_email.set(String::new());
            password.set(String::new());
            session.reload().await;
            Ok(())
        });
    };
    view! {
        <section class="card" aria-labelledby="email-title">
            <h2 id="email-title">"Email address"</h2>
            <p>"Current address: "<strong>{current}</strong></p>
            {move || (pending().map(|address| view! {
                <p class="alert alert-warning">
                    "Waiting for confirmation: "<strong>{address}</strong>
                    ". Follow the link sent to that address to start using it."
                </p>
            })).into_any()}
            <form class="stack narrow-form" on:submit=submit>
                <TextField
                    id="new-email"
                    label="New email address"
                    value=new_email
                    input_type="email"
                    autocomplete="email"
                    required=true
                    field="email"
                    form=form
                />
                <TextField
                    id="email-change-password"
                    label="Confirm with your password"
                    value=password
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    field="password"
                    form=form
                />
                <ErrorAlert failure=form.failure() />
                <Notice message=sent />
                <div class="actions">
                    <button type="submit" disabled=move || form.is_busy()>"Change email"</button>
                </div>
            </form>
        </section>
    }
}
