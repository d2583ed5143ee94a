//! Following an email verification link (`/verify-email#TOKEN`): the new address takes effect.

use leptos::prelude::*;
use portico_domain::identity::api::TokenRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, Notice, set_title, take_fragment_token};
use crate::session::Session;

#[component]
pub fn VerifyEmail() -> impl IntoView {
    set_title("Confirm your email address");
    let session = Session::get();
    let form = FormState::new();
    let confirmed = RwSignal::new(None::<String>);
    match take_fragment_token() {
        Some(token) => form.run(async move {
            api::auth::verify_email(&TokenRequest { token }).await?;
            confirmed.set(Some("Your new email address is confirmed: Portico uses it from now on.".to_owned()));
            // A signed-in header and account page should show the new address.
            session.refresh();
            Ok(())
        }),
        None => form.refuse(
            "This address has no confirmation code. Open the link from the email again, copying the whole link.",
        ),
    }
    view! {
        <section class="card narrow">
            <h1>"Confirm your email address"</h1>
            {move || (form.is_busy().then(|| view! { <p aria-busy="true">"Confirming…"</p> })).into_any()}
            <Notice message=confirmed />
            <ErrorAlert failure=form.failure() />
            {move || (form.current_failure().is_some().then(|| view! {
                <p>"You can ask for a new link by changing your email again on your "<a href="/account">"account page"</a>"."</p>
            })).into_any()}
        </section>
    }
}
