//! Creating and editing an access token: a name, an expiry and the permissions the caller's role
//! allows (`TokenPermission::allowed_for`: only Tenant Administrators and DevOps Engineers may
//! hold `deploy_production`).

use chrono::{NaiveTime, TimeZone, Utc};
use leptos::prelude::*;
use portico_domain::projects::ProjectRole;
use portico_domain::tokens::{CreateTokenRequest, CreatedToken, Token, TokenPermission, UpdateTokenRequest};

use super::ProjectContext;
use crate::api;
use crate::components::labels::permission_label;
use crate::components::{Checkbox, ErrorAlert, FormState, TextField, format_date, parse_date, today};

/// One checkbox per permission the role may hold.
#[derive(Debug, Clone, Copy)]
struct Permissions([(TokenPermission, RwSignal<bool>); 3]);

impl Permissions {
    fn new(chosen: &[TokenPermission]) -> Self {
        Self(TokenPermission::ALL.map(|permission| (permission, RwSignal::new(chosen.contains(&permission)))))
    }

    fn chosen(&self, role: ProjectRole) -> Vec<TokenPermission> {
        self.0
            .iter()
            .filter(|(permission, checked)| permission.allowed_for(role) && checked.get_untracked())
            .map(|(permission, _)| *permission)
            .collect()
    }
}

fn permission_choices(permissions: Permissions, role: ProjectRole, prefix: &'static str) -> AnyView {
    view! {
        <fieldset class="stack">
            <legend>"Permissions"</legend>
            // The guide's advice (Xperience Portal, "Deployment API access tokens").
            <p class="hint">
                "Deploy to QA is suitable for most usual cases; the others are for emergency deployments."
            </p>
            {permissions.0.into_iter().filter(|(permission, _)| permission.allowed_for(role)).map(|(permission, checked)| view! {
                <Checkbox id=format!("{prefix}-{}", permission.as_str()) label=permission_label(permission) checked />
            }).collect_view()}
            {(!TokenPermission::DeployProduction.allowed_for(role)).then(|| view! {
                <p class="hint">"Deploying to production (STG, PROD) needs the role Tenant Administrator or DevOps Engineer."</p>
            })}
        </fieldset>
    }
    .into_any()
}

/// Creating a token (`existing` None: the answer, with its secret, goes to `created`) or editing
/// one (its owner: name and permissions). `on_done` gets a message when something was saved.
#[component]
pub fn TokenForm(
    role: ProjectRole,
    existing: Option<Token>,
    created: RwSignal<Option<CreatedToken>>,
    on_done: Callback<Option<String>>,
) -> impl IntoView {
    let context = ProjectContext::get();
    let form = FormState::new();
    let editing = existing.is_some();
    let name = RwSignal::new(existing.as_ref().map(|token| token.display_name.clone()).unwrap_or_default());
    let expires_on = RwSignal::new(String::new());
    let permissions = Permissions::new(existing.as_ref().map_or(&[TokenPermission::DeployQa][..], |t| &t.permissions));
    let guid = context.guid;
    let id = existing.as_ref().map(|token| token.id);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = permissions.chosen(role);
        if chosen.is_empty() {
            return form.refuse("Choose at least one permission.");
        }
        let display_name = name.get_untracked().trim().to_owned();
        if let Some(id) = id {
            let request = UpdateTokenRequest { display_name: Some(display_name), permissions: Some(chosen) };
            return form.run(async move {
                api::projects::update_token(guid, id, &request).await?;
                on_done.run(Some("The token is saved.".to_owned()));
                Ok(())
            });
        }
        let expires_at = match expires_on.get_untracked().trim() {
            "" => None,
            text => match parse_date(text) {
                // The start of the chosen day (UTC): a token chosen to end "on" a date stops that day.
                Some(date) if date > today() => Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))),
                _ => return form.refuse("Expires on: choose a date after today, or leave it empty for one year."),
            },
        };
        let request = CreateTokenRequest { display_name, expires_at, permissions: chosen };
        form.run(async move {
            let answer = api::projects::create_token(guid, &request).await?;
            name.set(String::new());
            expires_on.set(String::new());
            created.set(Some(answer));
            on_done.run(None);
            Ok(())
        });
    };
    let tomorrow = today().succ_opt().map(|date| format_date(&date)).unwrap_or_default();
    let (title, prefix) = match &existing {
        Some(token) => (format!("Edit the token {}", token.display_name), "edit"),
        None => ("Create a token".to_owned(), "new"),
    };
    view! {
        <form class="stack narrow-form" on:submit=submit aria-labelledby=format!("{prefix}-token-title")>
            <h2 id=format!("{prefix}-token-title")>{title}</h2>
            <TextField
                id=if editing { "edit-token-name" } else { "token-name" }
                label="Token name"
                hint="What uses it, e.g. \"CI pipeline\"."
                value=name
                required=true
                maxlength=100
                field="display_name"
                form=form
            />
            {(!editing).then(|| view! {
                <div class="field">
                    <label for="token-expires">"Expires on"</label>
                    <p class="hint" id="token-expires-hint">"Leave empty for one year from today."</p>
                    <input id="token-expires" name="token-expires" type="date" min=tomorrow aria-describedby="token-expires-hint" bind:value=expires_on />
                </div>
            })}
            {permission_choices(permissions, role, prefix)}
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>{if editing { "Save token" } else { "Create token" }}</button>
                {editing.then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Cancel"</button>
                })}
            </div>
        </form>
    }
}
