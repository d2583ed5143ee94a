//! First and last name, and whether maintenance announcements are emailed.

use leptos::prelude::*;
use portico_domain::identity::api::UpdateProfileRequest;
use portico_domain::maintenance::SubscriptionRequest;

use crate::api;
use crate::components::{Checkbox, ErrorAlert, FormState, Notice, TextField};
use crate::session::Session;

#[component]
pub fn ProfileSection() -> impl IntoView {
    let session = Session::get();
    let me = session.signed_in_account();
    let first_name = RwSignal::new(me.as_ref().map(|me| me.first_name.clone()).unwrap_or_default());
    let last_name = RwSignal::new(me.as_ref().map(|me| me.last_name.clone()).unwrap_or_default());
    let subscribed = RwSignal::new(me.as_ref().is_some_and(|me| me.maintenance_announcements));
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
            let me = api::me::update_profile(&request).await?;
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
            <MaintenanceAnnouncements subscribed />
        </section>
    }
}

/// Subscribing to the platform maintenance announcements (Tenant Administrators get them anyway):
/// saved as soon as the box changes.
#[component]
fn MaintenanceAnnouncements(subscribed: RwSignal<bool>) -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let saved = RwSignal::new(None::<String>);
    // The first run only reads the box; later runs are changes. (An `Effect` of `()`, like the
    // app's others, rather than one remembering the previous `bool`: one copy of it in the wasm.)
    let armed = RwSignal::new(false);
    Effect::new(move |_| {
        let now = subscribed.get();
        if armed.get_untracked() {
            saved.set(None);
            form.run(async move {
                api::me::set_maintenance_announcements(&SubscriptionRequest { subscribed: now }).await?;
                session.refresh();
                saved.set(Some(
                    if now {
                        "You will be emailed when platform maintenance is scheduled, moved or cancelled."
                    } else {
                        "You will no longer be emailed about platform maintenance."
                    }
                    .to_owned(),
                ));
                Ok(())
            });
        } else {
            armed.set(true);
        }
    });
    view! {
        <h3 id="announcements-title">"Maintenance announcements"</h3>
        <Checkbox
            id="maintenance-announcements"
            label="Email me maintenance announcements"
            checked=subscribed
            disabled=form.busy()
        />
        <ErrorAlert failure=form.failure() />
        <Notice message=saved />
    }
}
