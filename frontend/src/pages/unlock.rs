//! Following an unlock link from the lockout email (`/unlock#TOKEN`): sign-in works again at once.

use leptos::prelude::*;
use portico_domain::identity::api::TokenRequest;

use crate::api;
use crate::components::{ErrorAlert, FormState, Notice, set_title, take_fragment_token};

#[component]
pub fn Unlock() -> impl IntoView {
    set_title("Unlock your account");
    let form = FormState::new();
    let unlocked = RwSignal::new(None::<String>);
    match take_fragment_token() {
        Some(token) => form.run(async move {
            api::auth::unlock(&TokenRequest { token }).await?;
            unlocked.set(Some("Your account is unlocked: you can sign in again.".to_owned()));
            Ok(())
        }),
        None => {
            form.refuse("This address has no unlock code. Open the link from the email again, copying the whole link.")
        }
    }
    view! {
        <section class="card narrow">
            <h1>"Unlock your account"</h1>
            {move || (form.is_busy().then(|| view! { <p aria-busy="true">"Unlocking…"</p> })).into_any()}
            <Notice message=unlocked />
            <ErrorAlert failure=form.failure() />
            {move || (form.current_failure().is_some().then(|| view! {
                <p>"The lock also ends by itself after a few minutes. If you forgot your password, "
                    <a href="/forgot-password">"ask for a reset link"</a>"."</p>
            })).into_any()}
            <p><a href="/sign-in">"Go to sign-in"</a></p>
        </section>
    }
}
