//! A project's pages, under `/<guid>/<section>` like Xperience Portal (addresses worth sharing):
//! the project is loaded once and shared by its sections; the section navigation shows only what
//! the caller's role allows (`your_actions` from the API, decided by the domain's matrix).

mod alerts;
mod audit;
mod dashboard;
mod deployment_log;
mod deployments;
mod invitations;
mod notifications;
mod promote;
mod token_form;
mod tokens;
mod update_schedule;
mod upload_help;
mod users;
mod webhooks;

use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use portico_domain::projects::api::{Project, ProjectSummary};
use portico_domain::projects::{Action, ProjectStatus};
use uuid::Uuid;

use crate::api;
use crate::components::labels::project_status_label;
use crate::components::{Chunk, Loaded, SignedInOnly, dynamic, lazily, load, loaded, project_in_path};
use crate::pages::not_found::NotFound;
use crate::router::{self, A};
use crate::session::Session;

/// The project open now, for its sections.
#[derive(Debug, Clone, Copy)]
pub struct ProjectContext {
    pub guid: Uuid,
    pub project: Loaded<Project>,
}

impl ProjectContext {
    pub fn get() -> Self {
        expect_context::<ProjectContext>()
    }

    /// `/<guid>/<section>`
    pub fn page(&self, section: &str) -> String {
        format!("/{}/{section}", self.guid)
    }

    /// Loads the dashboard again (after a change that may alter it: role, seats, membership).
    pub fn reload(&self) {
        load(self.project, api::projects::project(self.guid));
    }

    /// The project as loaded (reactive); None until it is.
    pub fn current(&self) -> Option<Project> {
        self.project.get().and_then(Result::ok)
    }

    /// Whether the caller is a member here (not only an Administrator looking in); not reactive.
    pub fn is_member(&self) -> bool {
        self.project.with_untracked(|project| {
            project.as_ref().and_then(|p| p.as_ref().ok()).is_some_and(|p| p.your_role.is_some())
        })
    }

    /// Whether the caller may take `action` here, as the project stands now (not reactive: a
    /// section is drawn once the project is loaded).
    pub fn can(&self, action: Action) -> bool {
        self.project.with_untracked(|project| {
            project.as_ref().and_then(|p| p.as_ref().ok()).is_some_and(|p| p.your_actions.contains(&action))
        })
    }
}

/// A section of a project: its address (`/<guid>/<address>`), its link in the navigation, who is
/// shown that link, and its page.
struct Section {
    address: &'static str,
    label: &'static str,
    shown_to: Audience,
    page: Page,
}

/// The sections of a project, in the order of the navigation; the first is where a project opens.
static SECTIONS: [Section; 9] = [
    Section { address: "dashboard", label: "Dashboard", shown_to: Audience::Everyone, page: Page::Dashboard },
    // Everyone sees who is in the project; only Tenant Administrators change it.
    Section { address: "users", label: "Users", shown_to: Audience::Everyone, page: Page::Users },
    // Tokens are for deploying.
    Section { address: "tokens", label: "Tokens", shown_to: Audience::Deployers, page: Page::Tokens },
    Section { address: "deployments", label: "Deployments", shown_to: Audience::Everyone, page: Page::Deployments },
    Section {
        address: "update-schedule",
        label: "Update schedule",
        shown_to: Audience::Everyone,
        page: Page::UpdateSchedule,
    },
    Section { address: "alerts", label: "Alerts", shown_to: Audience::Everyone, page: Page::Alerts },
    // Preferences are a member's own.
    Section {
        address: "notifications",
        label: "Notifications",
        shown_to: Audience::Members,
        page: Page::Notifications,
    },
    Section {
        address: "webhooks",
        label: "Webhooks",
        shown_to: Audience::Allowed(Action::ManageWebhook),
        page: Page::Webhooks,
    },
    Section {
        address: "audit",
        label: "Audit log",
        shown_to: Audience::Allowed(Action::ViewProjectAudit),
        page: Page::Audit,
    },
];

/// The page of a section, drawn by [`Page::draw`].
#[derive(Clone, Copy)]
enum Page {
    Dashboard,
    Users,
    Tokens,
    Deployments,
    UpdateSchedule,
    Alerts,
    Notifications,
    Webhooks,
    Audit,
}

impl Page {
    // One `match` rather than a function pointer per section: the pages' views then sit in one
    // function of the wasm, which compresses about 2 KB (gzip) better than nine apart.
    #[inline(always)]
    fn draw(self) -> AnyView {
        match self {
            Page::Dashboard => view! { <dashboard::Dashboard /> }.into_any(),
            Page::Users => view! { <users::Users /> }.into_any(),
            Page::Tokens => view! { <tokens::Tokens /> }.into_any(),
            Page::Deployments => view! { <deployments::Deployments /> }.into_any(),
            Page::UpdateSchedule => view! { <update_schedule::UpdateSchedulePage /> }.into_any(),
            Page::Alerts => view! { <alerts::Alerts /> }.into_any(),
            Page::Notifications => view! { <notifications::Notifications /> }.into_any(),
            Page::Webhooks => view! { <webhooks::WebhooksPage /> }.into_any(),
            Page::Audit => view! { <audit::ProjectAudit /> }.into_any(),
        }
    }
}

/// Who sees a section's link. (The page checks again: an address can be typed.)
#[derive(Clone, Copy)]
enum Audience {
    Everyone,
    /// Members of the project, not an Administrator looking in.
    Members,
    /// Any role that deploys somewhere.
    Deployers,
    /// Roles that may take the action.
    Allowed(Action),
}

impl Audience {
    fn includes(self, context: &ProjectContext) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Members => context.is_member(),
            Audience::Deployers => context.can(Action::DeployNonProduction) || context.can(Action::DeployProduction),
            Audience::Allowed(action) => context.can(action),
        }
    }
}

/// The section at `address`, if there is one.
fn section_at(address: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|section| section.address == address)
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    let path = router::path();
    let guid = Memo::new(move |_| path.with(|path| project_in_path(path)));
    let section = router::segment(1);
    // Only a change of project (or a section that does not exist) builds the frame anew.
    let target = Memo::new(move |_| guid.get().filter(|_| section_at(&section.get()).is_some()));
    dynamic(move || match target.get() {
        Some(guid) => view! {
            <SignedInOnly>{lazily(move || project_frame(guid, section))}</SignedInOnly>
        }
        .into_any(),
        None => view! { <NotFound /> }.into_any(),
    })
}

/// A project's frame and sections, in a wasm chunk of their own.
#[wasm_split(project, wasm_split_path = ::leptos::wasm_split, fallible)]
fn project_frame(guid: Uuid, section: Memo<String>) -> Chunk {
    Ok(view! { <ProjectFrame guid section /> }.into_any())
}

#[component]
fn ProjectFrame(guid: Uuid, section: Memo<String>) -> impl IntoView {
    let session = Session::get();
    let context = ProjectContext { guid, project: loaded() };
    provide_context(context);
    context.reload();
    // The selector lists a project its viewer is not a member of (an Administrator's visit) too.
    Effect::new(move |_| {
        let visited = context.current().map(|project| ProjectSummary {
            guid: project.guid,
            name: project.name,
            status: project.status,
            your_role: project.your_role,
        });
        session.set_visited_project(visited);
    });
    on_cleanup(move || session.set_visited_project(None));
    let announcement = follow_setup(context, session);
    // Drawn when the first answer arrives; a reload (after a change) keeps the section as it is.
    let answered = Memo::new(move |_| context.project.with(Option::is_some));
    dynamic(move || {
        if !answered.get() {
            return view! { <p aria-busy="true">"Loading the project…"</p> }.into_any();
        }
        if let Some(Err(failure)) = context.project.get_untracked() {
            return view! {
                <section class="card narrow">
                    <h1>"Project not available"</h1>
                    <p class="alert alert-error" role="alert">{failure.detail()}</p>
                    <p><a href="/">"Go to the start page"</a></p>
                </section>
            }
            .into_any();
        }
        view! {
            <div class="page-stack">
                <p class="sr-only" role="status" data-testid="project-status-announcement">{announcement}</p>
                {project_nav(context)}
                {move || section_at(&section.get()).unwrap_or(&SECTIONS[0]).page.draw()}
            </div>
        }
        .into_any()
    })
}

/// The first wait before a project being set up is asked again; each later wait is half as long
/// again, up to [`SETUP_POLL_MAX`].
const SETUP_POLL_FIRST: Duration = Duration::from_secs(2);
const SETUP_POLL_MAX: Duration = Duration::from_secs(10);

/// While the project is being set up (provisioning, or waiting for its primary contact), its facts
/// are asked again with a growing wait, so the dashboard turns Active and shows the salt without a
/// reload. A change of status is announced (the returned text, for a polite live region) and
/// refreshes the account's project list (the selector).
fn follow_setup(context: ProjectContext, session: Session) -> RwSignal<String> {
    let announcement = RwSignal::new(String::new());
    let wait = StoredValue::new(SETUP_POLL_FIRST);
    let timer_pending = StoredValue::new(false);
    Effect::new(move |previous: Option<Option<ProjectStatus>>| {
        let project = context.current();
        let status = project.as_ref().map(|project| project.status);
        if let (Some(Some(before)), Some(project)) = (previous, &project)
            && before != project.status
        {
            announcement.set(format!("{} is now {}.", project.name, project_status_label(project.status)));
            session.refresh();
        }
        if !status.is_some_and(ProjectStatus::is_being_set_up) {
            wait.set_value(SETUP_POLL_FIRST);
        } else if !timer_pending.get_value() {
            let delay = wait.get_value();
            wait.set_value(delay.mul_f32(1.5).min(SETUP_POLL_MAX));
            timer_pending.set_value(true);
            set_timeout(
                move || {
                    // The project's page may be gone by now.
                    if timer_pending.try_set_value(false).is_none() {
                        context.reload();
                    }
                },
                delay,
            );
        }
        status
    });
    announcement
}

/// The project's sections the caller may open.
fn project_nav(context: ProjectContext) -> AnyView {
    view! {
        <nav class="subnav" aria-label="Project sections">
            {SECTIONS
                .iter()
                .filter(|section| section.shown_to.includes(&context))
                .map(|section| view! { <A href=context.page(section.address)>{section.label}</A> })
                .collect_view()}
        </nav>
    }
    .into_any()
}

/// What a section says to a role that may not use it (its link is hidden, but an address can be typed).
pub fn not_for_your_role(what: &'static str) -> AnyView {
    view! {
        <section class="card">
            <h1>{what}</h1>
            <p class="alert alert-warning">
                "Your role in this project does not include this. Ask a Tenant Administrator of the project."
            </p>
        </section>
    }
    .into_any()
}
