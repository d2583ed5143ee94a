//! Forms of user administration: inviting an account with a system role, and editing one
//! (user name, names, email, system role, enabled).

use leptos::prelude::*;
use portico_domain::admin::{AdminInviteRequest, AdminUpdateUserRequest, AdminUser};
use portico_domain::identity::SystemRole;

use crate::api;
use crate::components::labels::system_role_label;
use crate::components::{Checkbox, ErrorAlert, FormState, SelectField, TextField};

fn system_roles() -> Vec<(String, String)> {
    [SystemRole::User, SystemRole::Administrator]
        .into_iter()
        .map(|role| (role.as_str().to_owned(), system_role_label(role).to_owned()))
        .collect()
}

#[component]
pub fn InviteUserForm(on_invited: Callback<String>) -> impl IntoView {
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(SystemRole::User.as_str().to_owned());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let system_role = SystemRole::parse(&role.get_untracked()).unwrap_or(SystemRole::User);
        let request = AdminInviteRequest { email: email.get_untracked().trim().to_owned(), system_role };
        form.run(async move {
            api::admin::invite_user(&request).await?;
            email.set(String::new());
            on_invited.run(request.email);
            Ok(())
        });
    };
    view! {
        <form class="inline-form" on:submit=submit aria-labelledby="invite-user-title">
            <h2 id="invite-user-title" class="sr-only">"Invite a user"</h2>
            <TextField id="invite-user-email" label="Email address" value=email input_type="email" required=true field="email" form=form />
            <SelectField id="invite-user-role" label="System role" value=role options=system_roles() field="system_role" form=form />
            <button type="submit" disabled=move || form.is_busy()>"Invite user"</button>
        </form>
        <ErrorAlert failure=form.failure() />
    }
}

#[component]
pub fn EditUserForm(user: AdminUser, on_done: Callback<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let user_name = RwSignal::new(user.user_name.clone());
    let first_name = RwSignal::new(user.first_name.clone());
    let last_name = RwSignal::new(user.last_name.clone());
    let email = RwSignal::new(user.email.clone());
    let role = RwSignal::new(user.system_role.as_str().to_owned());
    let enabled = RwSignal::new(user.enabled);
    let id = user.id;
    let original = user.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        // Only what changed is sent.
        let changed = |now: String, before: &str| (now != before).then_some(now);
        let request = AdminUpdateUserRequest {
            user_name: changed(user_name.get_untracked().trim().to_owned(), &original.user_name),
            first_name: changed(first_name.get_untracked().trim().to_owned(), &original.first_name),
            last_name: changed(last_name.get_untracked().trim().to_owned(), &original.last_name),
            email: changed(email.get_untracked().trim().to_owned(), &original.email),
            system_role: SystemRole::parse(&role.get_untracked()).filter(|role| *role != original.system_role),
            enabled: Some(enabled.get_untracked()).filter(|enabled| *enabled != original.enabled),
        };
        let saved_email = request.email.clone().unwrap_or_else(|| original.email.clone());
        form.run(async move {
            api::admin::update_user(id, &request).await?;
            on_done.run(Some(saved_email));
            Ok(())
        });
    };
    let builtin = user.builtin;
    view! {
        <form class="stack narrow-form" on:submit=submit aria-labelledby="edit-user-title">
            <h2 id="edit-user-title">"Edit the user " {user.email.clone()}</h2>
            <TextField
                id="edit-user-name"
                label="User name"
                hint="Letters, digits, dots, dashes and underscores; no spaces."
                value=user_name
                required=true
                field="user_name"
                form=form
            />
            <TextField id="edit-first-name" label="First name" value=first_name field="first_name" form=form />
            <TextField id="edit-last-name" label="Last name" value=last_name field="last_name" form=form />
            <TextField id="edit-email" label="Email" value=email input_type="email" required=true field="email" form=form />
            <SelectField id="edit-system-role" label="System role" value=role options=system_roles() field="system_role" form=form />
            <Checkbox id="edit-enabled" label="Enabled (can sign in)" checked=enabled disabled=Signal::derive(move || builtin) />
            {builtin.then(|| view! { <p class="hint">"The built-in Administrator can be neither disabled nor deleted."</p> })}
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Save user"</button>
                <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Cancel"</button>
            </div>
        </form>
    }
}
