//! Deployment history: state, environment, build, who (and with which token), when; each
//! deployment's log (followed live while it runs); promotion of the latest succeeded package of
//! an environment; cancelling a deployment that has not ended; restarting an environment. The
//! list refreshes itself while something is queued or running. During platform maintenance the
//! page says why deployments are paused.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_domain::deployments::{Deployment, DeploymentKind, DeploymentState};
use portico_domain::paging::Page;
use portico_domain::projects::{Action, Environment};
use uuid::Uuid;

use super::ProjectContext;
use super::deployment_log::log_viewer;
use super::promote::PromoteForm;
use super::upload_help::upload_help;
use crate::api;
use crate::components::labels::{deployment_state_label, tone};
use crate::components::maintenance::deployments_paused_notice;
use crate::components::{
    Act, Answer, Cell, ConfirmButton, ErrorAlert, FormState, Notice, answer, format_utc, pager, set_title, show, table,
};

const PER_PAGE: u32 = 50;
/// How often the list is asked again while a deployment is queued or running, and otherwise (a
/// script may upload at any time).
const POLL: Duration = Duration::from_secs(2);
const IDLE_POLL: Duration = Duration::from_secs(15);

/// The list and the page it shows; `generation` ends the polling of a list no longer shown.
#[derive(Clone, Copy)]
struct History {
    context: ProjectContext,
    page: RwSignal<u32>,
    list: Answer<Page<Deployment>>,
    generation: RwSignal<u32>,
}

impl History {
    /// Loads the page now, and again every few seconds while something is under way (less often
    /// when nothing is).
    fn refresh(self) {
        let Some(generation) = self.generation.try_update(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        self.poll(generation);
    }

    fn poll(self, generation: u32) {
        let Some(page) = self.page.try_get_untracked() else { return };
        let call = api::projects::deployments(self.context.guid, page, PER_PAGE);
        spawn_local(async move {
            let answer = call.await;
            let under_way = answer.as_ref().ok().and_then(|json| json.read().ok()).is_some_and(|page| {
                page.items.iter().any(|d| matches!(d.state, DeploymentState::Queued | DeploymentState::InProgress))
            });
            // A newer request (or a page that is gone) wins.
            if self.generation.try_get_untracked() != Some(generation) {
                return;
            }
            self.list.set_if_changed(answer);
            set_timeout(move || self.poll(generation), if under_way { POLL } else { IDLE_POLL });
        });
    }
}

/// What the page shows besides the list.
#[derive(Debug, Clone, PartialEq)]
enum Panel {
    None,
    Log(Deployment),
    Promote(Deployment, Vec<Environment>),
}

#[component]
pub fn Deployments() -> impl IntoView {
    set_title("Deployments");
    let context = ProjectContext::get();
    let history = History { context, page: RwSignal::new(1), list: answer(), generation: RwSignal::new(0) };
    Effect::new(move |_| {
        history.page.track();
        history.refresh();
    });
    let panel = RwSignal::new(Panel::None);
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let cancel = Callback::new(move |(id, state): (Uuid, DeploymentState)| {
        notice.set(None);
        form.run(async move {
            api::projects::cancel_deployment(context.guid, id).await?;
            history.refresh();
            notice.set(Some(
                if state == DeploymentState::InProgress {
                    "Stopping the deployment: its command was sent SIGTERM (SIGKILL follows after 10 seconds)."
                } else {
                    "The deployment is cancelled."
                }
                .to_owned(),
            ));
            Ok(())
        });
    });
    view! {
        <section class="card" aria-labelledby="deployments-title">
            <h1 id="deployments-title">"Deployments"</h1>
            {deployments_paused_notice()}
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(history.list, "the deployments", move |page: Page<Deployment>| {
                if page.items.is_empty() {
                    return view! { <p>"Nothing deployed yet. Upload a package with an access token (see below)."</p> }.into_any();
                }
                let total = page.total;
                let rows = history_rows(page.items, panel, cancel);
                view! { {table("Deployments, newest first", HEADERS, rows, form.busy())} {pager(history.page, PER_PAGE, total)} }
                    .into_any()
            })}
        </section>
        {move || match panel.get() {
            Panel::None => ().into_any(),
            Panel::Log(deployment) => {
                let title = format!(
                    "Log of the {} {} {}",
                    deployment.environment.label(),
                    kind_label(deployment.kind).to_lowercase(),
                    deployment.build_number.clone().unwrap_or_default()
                );
                let (id, state) = (deployment.id, deployment.state);
                let stop = may_deploy(deployment.environment).then_some(Callback::new(move |()| cancel.run((id, state))));
                log_viewer(
                    deployment,
                    title.trim_end().to_owned(),
                    Callback::new(move |()| panel.set(Panel::None)),
                    Callback::new(move |()| history.refresh()),
                    stop,
                )
            }
            Panel::Promote(source, targets) => view! {
                <section class="card">
                    <PromoteForm source targets on_done=Callback::new(move |message: Option<String>| {
                        panel.set(Panel::None);
                        if message.is_some() {
                            notice.set(message);
                            history.refresh();
                        }
                    }) />
                </section>
            }
            .into_any(),
        }}
        {restart_section(form, notice, history)}
        {upload_help()}
    }
}

/// Whether the caller's role deploys to (and so cancels on and restarts) `environment`.
fn may_deploy(environment: Environment) -> bool {
    let action = if environment.is_production() { Action::DeployProduction } else { Action::DeployNonProduction };
    ProjectContext::get()
        .project
        .with_untracked(|p| p.as_ref().and_then(|p| p.as_ref().ok()).is_some_and(|p| p.your_actions.contains(&action)))
}

/// Restart buttons for the environments the caller may restart (the operator's restart command
/// runs in the deployment queue; without one the server says so).
fn restart_section(form: FormState, notice: RwSignal<Option<String>>, history: History) -> AnyView {
    let context = ProjectContext::get();
    let environments: Vec<Environment> = context.project.with_untracked(|p| {
        p.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.environments.clone()).unwrap_or_default()
    });
    let allowed: Vec<Environment> = environments.into_iter().filter(|e| may_deploy(*e)).collect();
    if allowed.is_empty() {
        return ().into_any();
    }
    let buttons = allowed
        .into_iter()
        .map(|environment| {
            let label = environment.label();
            let run = Callback::new(move |()| {
                notice.set(None);
                form.run(async move {
                    api::projects::restart_environment(context.guid, environment).await?;
                    history.refresh();
                    notice.set(Some(format!("The restart of {label} is queued; its log is in the list.")));
                    Ok(())
                });
            });
            view! {
                <li>
                    <span class="environment">{label}</span>
                    <ConfirmButton
                        label="Restart"
                        subject=label
                        question=format!("Restart the {label} application? Its restart command runs after any deployment under way.")
                        confirm="Yes, restart"
                        on_confirm=run
                        disabled=form.busy()
                    />
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="restart-title">
            <h2 id="restart-title">"Restart an environment"</h2>
            <p>"Restarting runs the operator's restart command for the environment; it appears in the list with its log."</p>
            <ul class="restart-list">{buttons}</ul>
        </section>
    }
    .into_any()
}

const HEADERS: &[&str] = &["State", "Environment", "Build", "By", "When", ""];

fn history_rows(
    items: Vec<Deployment>,
    panel: RwSignal<Panel>,
    cancel: Callback<(Uuid, DeploymentState)>,
) -> Vec<Vec<Cell>> {
    let context = ProjectContext::get();
    let environments = context.project.with_untracked(|p| {
        p.as_ref().and_then(|p| p.as_ref().ok()).map(|p| p.environments.clone()).unwrap_or_default()
    });
    let can = may_deploy;
    // Only the newest succeeded deployment of each environment can be promoted.
    let mut seen = Vec::new();
    items
        .into_iter()
        .map(|deployment| {
            let latest = deployment.state == DeploymentState::Succeeded && !seen.contains(&deployment.environment);
            if latest {
                seen.push(deployment.environment);
            }
            let targets: Vec<Environment> = if latest {
                environments.iter().copied().filter(|e| *e > deployment.environment && can(*e)).collect()
            } else {
                Vec::new()
            };
            let cancellable = matches!(
                deployment.state,
                DeploymentState::Scheduled | DeploymentState::Queued | DeploymentState::InProgress
            ) && can(deployment.environment);
            history_row(deployment, targets, cancellable, panel, cancel)
        })
        .collect()
}

fn kind_label(kind: DeploymentKind) -> &'static str {
    match kind {
        DeploymentKind::Upload => "Upload",
        DeploymentKind::Promotion => "Promotion",
        DeploymentKind::Restart => "Restart",
    }
}

fn history_row(
    deployment: Deployment,
    targets: Vec<Environment>,
    cancellable: bool,
    panel: RwSignal<Panel>,
    cancel: Callback<(Uuid, DeploymentState)>,
) -> Vec<Cell> {
    let state = deployment.state;
    let build = deployment.build_number.clone().unwrap_or_else(|| "—".to_owned());
    let kind = kind_label(deployment.kind);
    let by = match (&deployment.created_by, &deployment.token_name) {
        (Some(who), Some(token)) => format!("{who} (token {token})"),
        (Some(who), None) => who.clone(),
        (None, Some(token)) => format!("Token {token}"),
        (None, None) => "—".to_owned(),
    };
    let when = match (state, &deployment.scheduled_at, &deployment.finished_at) {
        (DeploymentState::Scheduled, Some(at), _) => format!("Scheduled for {}", format_utc(at)),
        (_, _, Some(finished)) => format!("Finished {}", format_utc(finished)),
        _ => format!("Created {}", format_utc(&deployment.created_at)),
    };
    let subject = format!("{} {} {}", deployment.environment.label(), kind.to_lowercase(), build);
    let id = deployment.id;
    let mut acts = Vec::new();
    let for_log = deployment.clone();
    acts.push(Act::Button {
        label: "View log",
        subject: format!("of {subject}"),
        run: Callback::new(move |()| panel.set(Panel::Log(for_log.clone()))),
    });
    if !targets.is_empty() {
        let for_promote = deployment.clone();
        acts.push(Act::Button {
            label: "Promote",
            subject: subject.clone(),
            run: Callback::new(move |()| panel.set(Panel::Promote(for_promote.clone(), targets.clone()))),
        });
    }
    if cancellable {
        let question = match state {
            DeploymentState::Scheduled => "Cancel this scheduled promotion?",
            DeploymentState::Queued => "Cancel this deployment before it starts?",
            _ => "Stop this deployment? Its command is sent SIGTERM, then SIGKILL 10 seconds later.",
        };
        acts.push(Act::Confirm {
            label: "Cancel",
            subject,
            question: question.to_owned(),
            confirm: "Yes, cancel it",
            run: Callback::new(move |()| cancel.run((id, state))),
        });
    }
    vec![
        Cell::Badge(
            tone(state == DeploymentState::Succeeded, state == DeploymentState::Failed),
            deployment_state_label(state).to_owned(),
        ),
        Cell::Text(deployment.environment.label().to_owned()),
        Cell::TwoLines(build, kind.to_owned()),
        Cell::Text(by),
        Cell::Text(when),
        Cell::Actions(acts),
    ]
}
