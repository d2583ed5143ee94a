//! Asking for a password-reset link by email.

use leptos::prelude::*;
use portico_domain::identity::api::ForgotPasswordRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, TextField, set_title};

#[component]
pub fn ForgotPassword() -> impl IntoView {
    set_title("Forgot your password");
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let sent_to = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = ForgotPasswordRequest { email: email.get_untracked().trim().to_owned() };
        form.run(async move {
            api::auth::request_password_reset(&request).await?;
            sent_to.set(Some(request.email));
            Ok(())
        });
    };
    view! {
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            {move || match sent_to.get() {
                // The server answers the same whether or not the account exists, and so does this page.
                Some(address) => view! {
                    <div role="status" class="alert alert-ok">
                        <p>"If "<strong>{address}</strong>" belongs to a Portico account, an email with a reset link is on its way."</p>
                        <p>"The link works once. Your authenticator app is still needed at the next sign-in."</p>
                    </div>
                    <p><a href="/sign-in">"Back to sign-in"</a></p>
                }
                .into_any(),
                None => view! {
                    <p>"Enter the email address of your account and we will send you a link to choose a new password."</p>
                    <form class="stack" on:submit=submit>
                        <TextField
                            id="email"
                            label="Email"
                            value=email
                            input_type="email"
                            autocomplete="email"
                            required=true
                            field="email"
                            form=form
                        />
                        <ErrorAlert failure=form.failure() />
                        <button type="submit" disabled=move || form.is_busy()>"Send reset link"</button>
                    </form>
                    <p><a href="/sign-in">"Back to sign-in"</a></p>
                }
                .into_any(),
            }}
        </section>
    }
}
