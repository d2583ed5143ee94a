//! The project forms of Administration: creating a project (which invites its primary contact)
//! and changing its name, plan, expiry and environments. The domain decides which environments
//! a plan allows (`environments_for`: UAT on the Custom plan only).

use chrono::Months;
use leptos::prelude::*;
use portico_domain::projects::api::{CreateProjectRequest, Project, UpdateProjectRequest};
use portico_domain::projects::{Environment, REGIONS, ServicePlan, environments_for};

use crate::api;
use crate::components::{Checkbox, ErrorAlert, FormState, SelectField, TextField, format_date, parse_date, today};

/// The fields both forms share, as typed.
#[derive(Debug, Clone, Copy)]
struct PlanFields {
    plan: RwSignal<String>,
    expires_on: RwSignal<String>,
    stg: RwSignal<bool>,
    uat: RwSignal<bool>,
}

impl PlanFields {
    fn new(plan: ServicePlan, expires_on: String, environments: &[Environment]) -> Self {
        Self {
            plan: RwSignal::new(plan.as_str().to_owned()),
            expires_on: RwSignal::new(expires_on),
            stg: RwSignal::new(environments.contains(&Environment::Stg)),
            uat: RwSignal::new(environments.contains(&Environment::Uat)),
        }
    }

    /// The plan, expiry and environments to send, or what is wrong with them.
    fn read(&self) -> Result<(ServicePlan, chrono::NaiveDate, Vec<Environment>), String> {
        let plan = ServicePlan::parse(&self.plan.get_untracked()).ok_or("Choose a service plan.")?;
        let expires_on = parse_date(&self.expires_on.get_untracked())
            .filter(|date| *date > today())
            .ok_or("Expires on: choose a date after today.")?;
        let mut requested = Vec::new();
        if self.stg.get_untracked() {
            requested.push(Environment::Stg);
        }
        if self.uat.get_untracked() {
            requested.push(Environment::Uat);
        }
        let environments = environments_for(plan, &requested).map_err(|message| format!("Environments: {message}."))?;
        Ok((plan, expires_on, environments))
    }
}

fn plan_inputs(fields: PlanFields, prefix: &'static str, form: FormState) -> AnyView {
    let plans = ServicePlan::ALL.into_iter().map(|plan| (plan.as_str().to_owned(), plan.label().to_owned())).collect();
    let plan_id = if prefix == "new" { "new-plan" } else { "edit-plan" };
    let expires_id = format!("{prefix}-expires");
    let custom = Signal::derive(move || fields.plan.get() == ServicePlan::Custom.as_str());
    view! {
        <SelectField id=plan_id label="Service plan" value=fields.plan options=plans field="service_plan" form=form />
        <div class="field">
            <label for=expires_id.clone()>"Expires on"</label>
            <input id=expires_id.clone() name=expires_id type="date" required bind:value=fields.expires_on />
        </div>
        <fieldset class="stack">
            <legend>"Environments"</legend>
            <p class="hint">"QA and PROD are always there."</p>
            <Checkbox id=format!("{prefix}-env-stg") label="STG (staging)" checked=fields.stg />
            <Checkbox
                id=format!("{prefix}-env-uat")
                label="UAT (Custom plan only)"
                checked=fields.uat
                disabled=Signal::derive(move || !custom.get())
            />
        </fieldset>
    }
    .into_any()
}

/// A new project (`existing` None: region and primary contact too; the primary contact gets an
/// invitation as Tenant Administrator), or the name, plan, expiry and environments of one.
/// `on_done` gets a message when something was saved.
#[component]
pub fn ProjectForm(existing: Option<Project>, on_done: Callback<Option<String>>) -> impl IntoView {
    let form = FormState::new();
    let creating = existing.is_none();
    let name = RwSignal::new(existing.as_ref().map(|project| project.name.clone()).unwrap_or_default());
    let region = RwSignal::new(REGIONS[0].0.to_owned());
    let contact = RwSignal::new(String::new());
    let fields = match &existing {
        Some(project) => PlanFields::new(project.service_plan, format_date(&project.expires_on), &project.environments),
        None => {
            let in_a_year = today().checked_add_months(Months::new(12)).map(|d| format_date(&d)).unwrap_or_default();
            PlanFields::new(ServicePlan::Level1, in_a_year, &[])
        }
    };
    let guid = existing.as_ref().map(|project| project.guid);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (service_plan, expires_on, environments) = match fields.read() {
            Ok(read) => read,
            Err(problem) => return form.refuse(problem),
        };
        let name_now = name.get_untracked().trim().to_owned();
        if let Some(guid) = guid {
            let request = UpdateProjectRequest {
                name: Some(name_now.clone()),
                service_plan: Some(service_plan),
                expires_on: Some(expires_on),
                environments: Some(environments),
            };
            return form.run(async move {
                api::projects::update(guid, &request).await?;
                on_done.run(Some(format!("{name_now} is saved.")));
                Ok(())
            });
        }
        let request = CreateProjectRequest {
            name: name_now,
            service_region: region.get_untracked(),
            service_plan,
            expires_on,
            primary_contact_email: contact.get_untracked().trim().to_owned(),
            // QA and PROD are always there; the request names the extra ones.
            environments: environments
                .into_iter()
                .filter(|e| matches!(e, Environment::Stg | Environment::Uat))
                .collect(),
        };
        form.run(async move {
            api::projects::create(&request).await?;
            name.set(String::new());
            contact.set(String::new());
            on_done.run(Some(format!(
                "{} is created and being provisioned; the invitation is on its way to {}.",
                request.name, request.primary_contact_email
            )));
            Ok(())
        });
    };
    let (title, prefix) = match &existing {
        Some(project) => (format!("Edit the project {}", project.name), "edit"),
        None => ("Create a project".to_owned(), "new"),
    };
    view! {
        <form class="stack narrow-form" on:submit=submit aria-labelledby=format!("{prefix}-project-title")>
            <h2 id=format!("{prefix}-project-title")>{title}</h2>
            <TextField
                id=if creating { "new-project-name" } else { "edit-project-name" }
                label="Project name"
                value=name
                required=true
                maxlength=100
                field="name"
                form=form
            />
            {creating.then(|| {
                let regions = REGIONS.iter().map(|(code, label)| ((*code).to_owned(), (*label).to_owned())).collect();
                view! { <SelectField id="new-region" label="Region" value=region options=regions field="service_region" form=form /> }
            })}
            {plan_inputs(fields, prefix, form)}
            {creating.then(|| view! {
                <TextField
                    id="new-contact"
                    label="Primary contact email"
                    hint="Invited as the project's Tenant Administrator; the project waits for them to join."
                    value=contact
                    input_type="email"
                    required=true
                    field="primary_contact_email"
                    form=form
                />
            })}
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>
                    {if creating { "Create project" } else { "Save project" }}
                </button>
                {(!creating).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Cancel"</button>
                })}
            </div>
        </form>
    }
}
