//! First and last name.

use leptos::prelude::*;
use portico_domain::identity::api::{Me, UpdateProfileRequest};

use crate::api;
use crate::components::{ErrorAlert, FormState, Notice, TextField};
use crate::session::Session;

#[component]
pub fn ProfileSection() -> impl IntoView {
    let session = Session::get();
    let me = session.signed_in_account();
    let first_name = RwSignal::new(me.as_ref().map(|me| me.first_name.clone()).unwrap_or_default());
    let last_name = RwSignal::new(me.as_ref().map(|me| me.last_name.clone()).unwrap_or_default());
    let user_name = me.map(|me| me.user_name).unwrap_or_default();
    let form = FormState::new();
    let saved = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(None);
        let request = UpdateProfileRequest {
            first_name: Some(first_name.get_untracked().trim().to_owned()),
            last_name: Some(last_name.get_untracked().trim().to_owned()),
        };
        form.run(async move {
            let me: Me = api::patch("/api/v1/me", &request).await?.json()?;
            session.set_account(me);
            saved.set(Some("Your name is saved.".to_owned()));
            Ok(())
        });
    };
    view! {
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">"Profile"</h2>
            <p>"User name: "<strong>{user_name}</strong></p>
            <form class="stack narrow-form" on:submit=submit>
                <TextField id="first-name" label="First name" value=first_name autocomplete="given-name" field="first_name" form=form />
                <TextField id="last-name" label="Last name" value=last_name autocomplete="family-name" field="last_name" form=form />
                <ErrorAlert failure=form.failure() />
                <Notice message=saved />
                <div class="actions">
                    <button type="submit" disabled=move || form.is_busy()>"Save name"</button>
                </div>
            </form>
        </section>
    }
}
