//! Changing the password (the current one re-entered); the other sessions end.

use leptos::prelude::*;
use portico_domain::identity::api::ChangePasswordRequest;

use crate::api;
use crate::components::{
    ErrorAlert, FormState, NewPasswordFields, Notice, TextField, load_password_policy, new_password_problem,
};

#[component]
pub fn PasswordSection() -> impl IntoView {
    let policy = load_password_policy();
    let form = FormState::new();
    let current_password = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let changed = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        changed.set(None);
        let known_policy = policy.get_untracked().and_then(Result::ok);
        if let Some(problem) =
            new_password_problem(known_policy.as_ref(), &password.get_untracked(), &confirmation.get_untracked())
        {
            form.refuse(problem);
            return;
        }
        let request = ChangePasswordRequest {
            current_password: current_password.get_untracked(),
            new_password: password.get_untracked(),
        };
        form.run(async move {
            api::me::change_password(&request).await?;
            for field in [current_password, password, confirmation] {
                field.set(String::new());
            }
            changed.set(Some("Your password is changed. Your other sessions were signed out.".to_owned()));
            Ok(())
        });
    };
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <form class="stack narrow-form" on:submit=submit>
                <TextField
                    id="current-password"
                    label="Current password"
                    value=current_password
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    field="current_password"
                    form=form
                />
                <NewPasswordFields policy password confirmation field="new_password" form />
                <ErrorAlert failure=form.failure() />
                <Notice message=changed />
                <div class="actions">
                    <button type="submit" disabled=move || form.is_busy()>"Change password"</button>
                </div>
            </form>
        </section>
    }
}
