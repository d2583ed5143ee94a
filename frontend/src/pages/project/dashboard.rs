//! The project dashboard: what the project is (GUID, region, plan, expiry, environments, primary
//! contact, seats, the next customer infrastructure update, hash string salt) and the caller's
//! membership, which they may leave.

use leptos::prelude::*;
use portico_domain::projects::api::Project;
use portico_domain::projects::{EXPIRY_WARNING_DAYS, ProjectStatus, days_until};

use super::ProjectContext;
use crate::api;
use crate::components::labels::{project_status_label, region_label, tone};
use crate::components::maintenance::both_zones;
use crate::components::{ConfirmButton, CopyButton, ErrorAlert, FormState, dynamic, format_date, set_title, today};
use crate::router;
use crate::session::Session;

#[component]
pub fn Dashboard() -> impl IntoView {
    let context = ProjectContext::get();
    dynamic(move || match context.current() {
        Some(project) => {
            set_title(&format!("{} dashboard", project.name));
            dashboard_panel(project)
        }
        None => ().into_any(),
    })
}

fn dashboard_panel(project: Project) -> AnyView {
    let days_left = days_until(project.expires_on, today());
    let expiry_warning = match days_left {
        days if days < 0 => Some("This project has expired.".to_owned()),
        0 => Some("This project expires today.".to_owned()),
        1 => Some("This project expires tomorrow.".to_owned()),
        days if days < EXPIRY_WARNING_DAYS => Some(format!("This project expires in {days} days.")),
        _ => None,
    };
    let environments = project.environments.iter().map(|e| e.label()).collect::<Vec<_>>().join(", ");
    let contact = match &project.primary_contact.name {
        Some(name) => format!("{name} ({})", project.primary_contact.email),
        None => format!("{} (invited, not joined yet)", project.primary_contact.email),
    };
    let status_class = tone(project.status == ProjectStatus::Active, project.status == ProjectStatus::Expired);
    let guid = project.guid.to_string();
    view! {
        <section class="card" aria-labelledby="dashboard-title">
            <h1 id="dashboard-title">{project.name.clone()}</h1>
            {expiry_warning.map(|warning| view! {
                <p class="alert alert-warning" role="status">{warning} " Ask a Portico Administrator to extend it."</p>
            })}
            <dl class="facts">
                <dt>"Project GUID"</dt>
                <dd><code data-testid="project-guid">{guid.clone()}</code> " " <CopyButton text=guid subject="the project GUID" /></dd>
                <dt>"Status"</dt>
                <dd><span class=status_class>{project_status_label(project.status)}</span></dd>
                <dt>"Region"</dt>
                <dd>{region_label(&project.service_region).to_owned()}</dd>
                <dt>"Service plan"</dt>
                <dd>{project.service_plan.label()}</dd>
                <dt>"Expires on"</dt>
                <dd>{format_date(&project.expires_on)}</dd>
                <dt>"Environments"</dt>
                <dd>{environments}</dd>
                <dt>"Primary contact"</dt>
                <dd>{contact}</dd>
                <dt>"Seats used"</dt>
                <dd>{format!("{} of {}", project.seats_used, project.seats)}</dd>
                <dt>"Next customer infrastructure update"</dt>
                <dd data-testid="dashboard-infrastructure-update">
                    {match project.next_infrastructure_update {
                        Some(at) => format!("{}. Production site availability may be affected.", both_zones(&at)),
                        None => "None planned: no maintenance window is scheduled.".to_owned(),
                    }}
                    " "
                    <a href=format!("/{}/update-schedule", project.guid)>"Update schedule"</a>
                </dd>
                <dt>"Hash string salt"</dt>
                <dd>
                    {match project.hash_string_salt.clone() {
                        Some(salt) => view! {
                            <code class="salt" data-testid="hash-string-salt">{salt.clone()}</code>
                            " "
                            <CopyButton text=salt subject="the hash string salt" />
                            <p class="hint">
                                "Set it as your .NET project's hash string salt (the "
                                <code>"CMSHashStringSalt"</code>
                                " application setting) before you deploy: the deployed site needs the same salt."
                            </p>
                        }
                        .into_any(),
                        None => view! { <span class="hint">"Being generated while the project is provisioned."</span> }.into_any(),
                    }}
                </dd>
            </dl>
        </section>
        {project.your_role.map(|role| membership(role.label(), project.name.clone()))}
    }
    .into_any()
}

/// The caller's role, and leaving the project.
fn membership(role_label: &'static str, project_name: String) -> AnyView {
    let context = ProjectContext::get();
    let session = Session::get();
    let form = FormState::new();
    let leave = Callback::new(move |()| {
        form.run(async move {
            api::projects::leave(context.guid).await?;
            session.reload().await;
            router::navigate("/");
            Ok(())
        });
    });
    view! {
        <section class="card" aria-labelledby="membership-title">
            <h2 id="membership-title">"Your membership"</h2>
            <p>"You are " <strong>{role_label}</strong> " in this project."</p>
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <ConfirmButton
                    label="Leave the project"
                    subject=""
                    question=format!("Leave {project_name}? You lose access at once and your tokens here are revoked.")
                    confirm="Yes, leave"
                    on_confirm=leave
                    disabled=Signal::derive(move || form.is_busy())
                />
            </div>
        </section>
    }
    .into_any()
}
