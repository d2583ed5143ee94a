//! Who is signed in, for every page. The session cookie is HttpOnly, so the app learns it only by
//! asking `GET /api/v1/me`; it asks at start and again after every sign-in step or sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_domain::identity::api::{Me, SecondFactor};
use portico_domain::identity::{SessionStage, SystemRole};
use portico_domain::projects::api::ProjectSummary;

use crate::api::{self, ApiFailure};

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// `GET /me` has not answered yet.
    Checking,
    SignedOut,
    /// The password was accepted; the authenticator code (or recovery code) is still due.
    AwaitingSecondFactor,
    /// Signed in, or in the enrolment stage (see `Me::stage`).
    Account(Box<Me>),
    /// The server could not be asked.
    Unreachable(String),
}

/// The session context: read it with [`Session::get`], change it after a sign-in step.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    state: RwSignal<SessionState>,
    /// A message for the next page (e.g. the sign-in page after MFA was reset and every session ended).
    notice: RwSignal<Option<String>>,
    /// The project open now, when the account is not one of its members (an Administrator looking
    /// at any project): the project selector lists it too.
    visited: RwSignal<Option<ProjectSummary>>,
    /// The second factors the account signing in has (empty when not known, after a reload).
    second_factors: RwSignal<Vec<SecondFactor>>,
}

impl Session {
    /// Creates the context and starts asking who is signed in.
    pub fn provide() -> Self {
        let session = Session {
            state: RwSignal::new(SessionState::Checking),
            notice: RwSignal::new(None),
            visited: RwSignal::new(None),
            second_factors: RwSignal::new(Vec::new()),
        };
        provide_context(session);
        session.refresh();
        session
    }

    pub fn get() -> Self {
        expect_context::<Session>()
    }

    pub fn state(&self) -> SessionState {
        self.state.get()
    }

    /// The account of a fully signed-in session.
    pub fn signed_in_account(&self) -> Option<Me> {
        match self.state.get() {
            SessionState::Account(me) if me.stage == SessionStage::SignedIn => Some(*me),
            _ => None,
        }
    }

    pub fn is_administrator(&self) -> bool {
        self.signed_in_account().is_some_and(|me| me.system_role == SystemRole::Administrator)
    }

    /// The projects the account is a member of (for the selector), sorted by name.
    pub fn projects(&self) -> Vec<ProjectSummary> {
        self.signed_in_account().map(|me| me.projects).unwrap_or_default()
    }

    /// The projects for the selector: the account's own and, when not among them, the one open now.
    pub fn selectable_projects(&self) -> Vec<ProjectSummary> {
        let mut projects = self.projects();
        if let Some(visited) = self.visited.get()
            && !projects.iter().any(|project| project.guid == visited.guid)
        {
            projects.push(visited);
        }
        projects
    }

    pub fn set_visited_project(&self, project: Option<ProjectSummary>) {
        if self.visited.get_untracked() != project {
            self.visited.set(project);
        }
    }

    /// Asks the server again, in the background.
    pub fn refresh(&self) {
        let session = *self;
        spawn_local(async move { session.reload().await });
    }

    /// Asks the server again and waits for the answer (before navigating on, so the next page
    /// sees the new state).
    pub async fn reload(&self) {
        let state = match api::me::account().await {
            Ok(me) => SessionState::Account(Box::new(me)),
            Err(failure) => state_from_failure(&failure),
        };
        self.state.set(state);
    }

    /// Replaces the account after an answer that carries the new profile (`PATCH /me`).
    pub fn set_account(&self, me: Me) {
        self.state.set(SessionState::Account(Box::new(me)));
    }

    pub fn set_awaiting_second_factor(&self, factors: Vec<SecondFactor>) {
        self.second_factors.set(factors);
        self.state.set(SessionState::AwaitingSecondFactor);
    }

    /// The second factors of the account signing in (empty when not known).
    pub fn second_factors(&self) -> Vec<SecondFactor> {
        self.second_factors.get_untracked()
    }

    /// The server ended the session (sign-out, MFA reset): forget the account at once.
    pub fn set_signed_out(&self) {
        self.state.set(SessionState::SignedOut);
    }

    pub fn set_notice(&self, message: impl Into<String>) {
        self.notice.set(Some(message.into()));
    }

    /// The pending notice, once: the page that shows it takes it.
    pub fn take_notice(&self) -> Option<String> {
        let notice = self.notice.get_untracked();
        if notice.is_some() {
            self.notice.set(None);
        }
        notice
    }
}

fn state_from_failure(failure: &ApiFailure) -> SessionState {
    match (failure.status(), failure.code()) {
        (Some(401), Some("mfa_required")) => SessionState::AwaitingSecondFactor,
        (Some(401), _) => SessionState::SignedOut,
        _ => SessionState::Unreachable(failure.detail()),
    }
}

/// "Ada Lovelace", or the user name when no name is set.
pub fn display_name(me: &Me) -> String {
    let name = format!("{} {}", me.first_name.trim(), me.last_name.trim());
    let name = name.trim();
    if name.is_empty() { me.user_name.clone() } else { name.to_owned() }
}
