//! Creating and editing an access token: a name, an expiry and the permissions the caller's role
//! allows (`TokenPermission::allowed_for`: only Tenant Administrators and DevOps Engineers may
//! hold `deploy_production`).

use chrono::{NaiveTime, TimeZone, Utc};
use leptos::prelude::*;
use portico_domain::projects::ProjectRole;
use portico_domain::tokens::{
    CreateProjectTokenRequest, CreateTokenRequest, CreatedToken, Token, TokenPermission, UpdateTokenRequest,
};

use super::ProjectContext;
use crate::api;
use crate::components::labels::permission_label;
use crate::components::{Checkbox, ErrorAlert, FormState, SelectField, TextField, format_date, parse_date, today};

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
/// With `project`, a project access token: it also gets the role it acts as (at most `role`,
/// the creator's).
#[component]
pub fn TokenForm(
    role: ProjectRole,
    existing: Option<Token>,
    created: RwSignal<Option<CreatedToken>>,
    on_done: Callback<Option<String>>,
    #[prop(optional)] project: bool,
) -> impl IntoView {
    let context = ProjectContext::get();
    let form = FormState::new();
    let editing = existing.is_some();
    let name = RwSignal::new(existing.as_ref().map(|token| token.display_name.clone()).unwrap_or_default());
    let expires_on = RwSignal::new(String::new());
    let permissions = Permissions::new(existing.as_ref().map_or(&[TokenPermission::DeployQa][..], |t| &t.permissions));
    let acts_as = RwSignal::new(ProjectRole::Developer.as_str().to_owned());
    let guid = context.guid;
    let id = existing.as_ref().map(|token| token.id);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = permissions.chosen(role);
        if chosen.is_empty() {
            return form.refuse("Choose at least one permission.");
        }
        let token_role = ProjectRole::parse(&acts_as.get_untracked()).unwrap_or(ProjectRole::Developer);
        if project && let Some(refused) = chosen.iter().find(|p| !p.allowed_for(token_role)) {
            return form.refuse(format!("A {} token cannot hold {}.", token_role.label(), permission_label(*refused)));
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
            let answer = if project {
                let CreateTokenRequest { display_name, expires_at, permissions } = request;
                let request = CreateProjectTokenRequest { display_name, expires_at, permissions, role: token_role };
                api::projects::create_project_token(guid, &request).await?
            } else {
                api::projects::create_token(guid, &request).await?
            };
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
        None if project => ("Create a project token".to_owned(), "project"),
        None => ("Create a token".to_owned(), "new"),
    };
    let roles = ProjectRole::ALL
        .into_iter()
        .filter(|r| role.covers(*r))
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect();
    view! {
        <form class="stack narrow-form" on:submit=submit aria-labelledby=format!("{prefix}-token-title")>
            <h2 id=format!("{prefix}-token-title")>{title}</h2>
            <TextField
                id=match prefix { "edit" => "edit-token-name", "project" => "project-token-name", _ => "token-name" }
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
                    <label for=format!("{prefix}-token-expires")>"Expires on"</label>
                    <p class="hint" id=format!("{prefix}-token-expires-hint")>"Leave empty for one year from today."</p>
                    <input id=format!("{prefix}-token-expires") type="date" min=tomorrow aria-describedby=format!("{prefix}-token-expires-hint") bind:value=expires_on />
                </div>
            })}
            {project.then(|| view! {
                <SelectField id="project-token-role" label="Acts as" value=acts_as options=roles field="role" form=form />
            })}
            {permission_choices(permissions, role, prefix)}
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>
                    {match prefix { "edit" => "Save token", "project" => "Create project token", _ => "Create token" }}
                </button>
                {editing.then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Cancel"</button>
                })}
            </div>
        </form>
    }
}
