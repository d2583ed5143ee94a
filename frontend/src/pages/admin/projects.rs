//! Administration of projects: every project, a page at a time; create one, edit or archive it.

use leptos::prelude::*;
use portico_domain::paging::Page;
use portico_domain::projects::ProjectStatus;
use portico_domain::projects::api::{Project, ProjectSummary};
use uuid::Uuid;

use super::project_form::ProjectForm;
use crate::api::{self, ApiFailure};
use crate::components::labels::{project_status_label, tone};
use crate::components::{
    Act, Cell, ErrorAlert, FormState, Loaded, Notice, answer, failed, fetch, load, loaded, pager, set_title, show,
    table,
};

const PER_PAGE: u32 = 50;

#[component]
pub fn AdminProjects() -> impl IntoView {
    set_title("Projects");
    view! {
        <ProjectAdministration />
    }
}

#[component]
fn ProjectAdministration() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let projects = answer();
    let reload = move || {
        fetch(projects, api::projects::projects(page.get_untracked(), PER_PAGE));
    };
    Effect::new(move |_| {
        page.track();
        reload();
    });
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let editing: Loaded<Project> = loaded();
    let edit = Callback::new(move |guid: Uuid| {
        notice.set(None);
        load(editing, api::projects::project(guid));
    });
    let archive = Callback::new(move |(guid, name): (Uuid, String)| {
        notice.set(None);
        form.run(async move {
            api::projects::archive(guid).await?;
            reload();
            notice.set(Some(format!("{name} is archived: read-only, and its tokens no longer work.")));
            Ok::<(), ApiFailure>(())
        });
    });
    view! {
        <section class="card" aria-labelledby="projects-title">
            <h1 id="projects-title">"Projects"</h1>
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(projects, "the projects", move |list: Page<ProjectSummary>| {
                if list.items.is_empty() {
                    return view! { <p>"No projects yet: create the first one below."</p> }.into_any();
                }
                let total = list.total;
                let rows = list.items.into_iter().map(|project| project_row(project, edit, archive)).collect();
                view! { {table("All projects", HEADERS, rows, form.busy())} {pager(page, PER_PAGE, total)} }.into_any()
            })}
        </section>
        {move || match editing.get() {
            Some(Ok(project)) => view! {
                <section class="card">
                    <ProjectForm existing=Some(project) on_done=Callback::new(move |saved: Option<String>| {
                        editing.set(None);
                        if saved.is_some() {
                            notice.set(saved);
                            reload();
                        }
                    }) />
                </section>
            }
            .into_any(),
            Some(Err(failure)) => failed(&failure),
            None => ().into_any(),
        }}
        <section class="card">
            <ProjectForm existing=None on_done=Callback::new(move |message: Option<String>| {
                notice.set(message);
                reload();
            }) />
        </section>
    }
}

const HEADERS: &[&str] = &["Name", "Status", "GUID", ""];

fn project_row(project: ProjectSummary, edit: Callback<Uuid>, archive: Callback<(Uuid, String)>) -> Vec<Cell> {
    let ProjectSummary { guid, name, status, .. } = project;
    let archived = status == ProjectStatus::Archived;
    let mut acts = Vec::new();
    if !archived {
        acts.push(Act::Button { label: "Edit", subject: name.clone(), run: Callback::new(move |()| edit.run(guid)) });
        let archive_name = name.clone();
        acts.push(Act::Confirm {
            label: "Archive",
            subject: name.clone(),
            question: format!("Archive {name}? It becomes read-only and its tokens stop working."),
            confirm: "Yes, archive",
            run: Callback::new(move |()| archive.run((guid, archive_name.clone()))),
        });
    }
    vec![
        Cell::Link(format!("/{guid}/dashboard"), name),
        Cell::Badge(tone(status == ProjectStatus::Active, archived), project_status_label(status).to_owned()),
        Cell::Code(guid.to_string()),
        Cell::Actions(acts),
    ]
}
