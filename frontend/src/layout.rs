//! The frame around every page: the header says which project is open (the project selector),
//! offers what the signed-in person may open and their user menu; under it, the maintenance banner.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_domain::identity::SessionStage;
use portico_domain::maintenance::WindowState;

use crate::api;
use crate::components::maintenance::{both_zones, window_summary};
use crate::components::{UserMenu, dynamic, now_utc, project_in_path};
use crate::router;
use crate::router::A;
use crate::session::{Session, SessionState, display_name};

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Portico"</a>
            <ProjectSelector />
            <nav aria-label="Main">
                <A href="/status">"Status"</A>
                <AccountLinks />
            </nav>
        </header>
        <main id="main">
            <MaintenanceBanner />
            {children()}
        </main>
    }
}

#[component]
fn AccountLinks() -> impl IntoView {
    let session = Session::get();
    let sign_out = sign_out();
    dynamic(move || match session.state() {
        // Nothing until `GET /me` answers, so a signed-in person never sees "Sign in" flash by.
        SessionState::Checking => ().into_any(),
        SessionState::Account(me) if me.stage == SessionStage::SignedIn => {
            let administrator = session.is_administrator();
            view! {
                {administrator.then(|| view! { <A href="/admin/projects">"Administration"</A> })}
                <UserMenu name=display_name(&me) on_sign_out=sign_out />
            }
            .into_any()
        }
        // Setting up the authenticator: only leaving is possible from here.
        SessionState::Account(_) => view! {
            <button type="button" class="link-button" on:click=move |_| sign_out.run(())>"Sign out"</button>
        }
        .into_any(),
        SessionState::SignedOut | SessionState::AwaitingSecondFactor | SessionState::Unreachable(_) => {
            view! { <A href="/sign-in">"Sign in"</A> }.into_any()
        }
    })
}

/// Ends the session and goes to the sign-in page, which says so.
fn sign_out() -> Callback<()> {
    let session = Session::get();
    Callback::new(move |()| {
        spawn_local(async move {
            // A session the server already ended answers 401: signed out either way.
            let _ = api::auth::sign_out().await;
            session.set_notice("You are signed out.");
            session.set_signed_out();
            router::navigate("/sign-in");
        });
    })
}

/// The open project's name; choosing another opens its dashboard (an address worth sharing).
#[component]
fn ProjectSelector() -> impl IntoView {
    let session = Session::get();
    let location = router::path();
    let current = Memo::new(move |_| project_in_path(&location.get()));
    let choose = move |event: leptos::ev::Event| {
        let guid = event_target_value(&event);
        if !guid.is_empty() {
            router::navigate(&format!("/{guid}/dashboard"));
        }
    };
    dynamic(move || {
        let projects = session.selectable_projects();
        if projects.is_empty() {
            return ().into_any();
        }
        let current = current.get();
        let known = projects.iter().any(|project| Some(project.guid) == current);
        view! {
            <div class="project-selector">
                <label for="project-selector" class="sr-only">"Current project"</label>
                <select id="project-selector" on:change=choose>
                    {(!known).then(|| view! { <option value="" selected>"Choose a project…"</option> })}
                    {projects.into_iter().map(|project| {
                        let selected = Some(project.guid) == current;
                        view! { <option value=project.guid.to_string() selected=selected>{project.name}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any()
    })
}

/// A platform maintenance window within the next 7 days (`role="status"`) or in progress
/// (`role="alert"`), from `GET /me`, for signed-in people, in their time zone and in UTC; with the
/// customer infrastructure update after it of the open project (of each of their projects
/// elsewhere). The clock is read again every 30 seconds, so the banner turns from "scheduled" to
/// "in progress" and goes away at the end by itself.
#[component]
fn MaintenanceBanner() -> impl IntoView {
    let session = Session::get();
    let location = router::path();
    // Which phase the window is in (0 scheduled, 1 in progress, 2 over): re-read every 30 seconds
    // and set only when it changes, so the banner is redrawn (and an alert read out) only then.
    let phase_now = move || {
        let window = session.signed_in_account()?.maintenance?.window;
        let now = now_utc();
        let over = window.state == WindowState::Cancelled || now >= window.ends_at;
        Some(if over { 2u32 } else { u32::from(window.starts_at <= now) })
    };
    let phase = RwSignal::new(1u32);
    let handle = set_interval_with_handle(
        move || {
            let now = phase_now().unwrap_or(2);
            if phase.get_untracked() != now {
                phase.set(now);
            }
        },
        std::time::Duration::from_secs(30),
    );
    on_cleanup(move || {
        if let Ok(handle) = handle {
            handle.clear();
        }
    });
    dynamic(move || {
        phase.track();
        let (Some(phase), Some(banner)) = (phase_now(), session.signed_in_account().and_then(|me| me.maintenance))
        else {
            return ().into_any();
        };
        let (role, class, title) = match (phase, banner.window.emergency) {
            (0, false) => ("status", "maintenance-banner", "Platform maintenance scheduled"),
            (0, true) => ("status", "maintenance-banner", "Emergency platform maintenance scheduled"),
            (1, false) => ("alert", "maintenance-banner in-progress", "Platform maintenance in progress"),
            (1, true) => ("alert", "maintenance-banner in-progress", "Emergency platform maintenance in progress"),
            _ => return ().into_any(),
        };
        let project = project_in_path(&location.get());
        let mut updates = banner.infrastructure_updates;
        updates.retain(|update| project.is_none_or(|open| open == update.project));
        view! {
            <section class=class role=role aria-label=title data-testid="maintenance-banner">
                <p class="banner-title"><strong>{title}</strong></p>
                {window_summary(&banner.window)}
                {updates.into_iter().map(|update| view! {
                    <p data-testid="infrastructure-update">
                        "Customer infrastructure update of " {update.project_name} " after it: " {both_zones(&update.at)}
                        ". Production site availability may be affected."
                    </p>
                }).collect_view()}
                <p><a href="/status">"Status page and calendar feed"</a></p>
            </section>
        }
        .into_any()
    })
}
