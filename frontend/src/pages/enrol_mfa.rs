//! Following an MFA set-up link (`/enrol-mfa#TOKEN`, sent after an Administrator reset the
//! authenticator or for an imported account): the link opens a set-up session, then set-up begins.

use leptos::prelude::*;
use portico_domain::identity::api::TokenRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, set_title, take_fragment_token};
use crate::router;
use crate::session::Session;

#[component]
pub fn EnrolMfa() -> impl IntoView {
    set_title("Set up your authenticator app");
    let session = Session::get();
    let form = FormState::new();
    match take_fragment_token() {
        Some(token) => form.run(async move {
            api::auth::open_enrolment_link(&TokenRequest { token }).await?;
            session.reload().await;
            router::replace("/setup-mfa");
            Ok(())
        }),
        None => {
            form.refuse("This address has no set-up code. Open the link from the email again, copying the whole link.")
        }
    }
    view! {
        <section class="card narrow">
            <h1>"Set up your authenticator app"</h1>
            {move || (form.is_busy().then(|| view! { <p aria-busy="true">"Checking your link…"</p> })).into_any()}
            <ErrorAlert failure=form.failure() />
            {move || (form.current_failure().map(|failure| {
                let advice = if failure.code() == Some("mfa_already_enrolled") {
                    "Your authenticator app is already set up: sign in with it."
                } else {
                    "Ask a Portico Administrator to send you a new set-up link."
                };
                view! { <p>{advice}" "<a href="/sign-in">"Go to sign-in"</a></p> }
            })).into_any()}
        </section>
    }
}
