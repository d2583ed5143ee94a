//! Portico's browser app: a Leptos single-page app talking to the API on the same origin.

mod api;
mod components;
mod layout;
mod pages;
mod passkey;
mod router;
mod session;

use leptos::prelude::*;

use crate::components::dynamic;
use crate::pages::*;

fn main() {
    leptos::mount::mount_to_body(App);
}

/// The app's pages, by address.
#[derive(Clone, Copy, PartialEq)]
enum Page {
    Home,
    Status,
    ConfirmSubscription,
    Unsubscribe,
    SignIn,
    SignInMfa,
    SetupMfa,
    Invitation,
    ForgotPassword,
    ResetPassword,
    EnrolMfa,
    VerifyEmail,
    Unlock,
    Account,
    Recovered,
    /// `/admin/<section>`: projects, users, maintenance, audit, password-policy, single-sign-on.
    Administration,
    /// `/<project guid>/<section>` (dashboard, users, tokens, deployments, ...).
    Project,
    NotFound,
}

impl Page {
    fn at(path: &str) -> Page {
        let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
        match path {
            "/" => Page::Home,
            "/status" => Page::Status,
            "/status/confirm" => Page::ConfirmSubscription,
            "/status/unsubscribe" => Page::Unsubscribe,
            "/sign-in" => Page::SignIn,
            "/sign-in/mfa" => Page::SignInMfa,
            "/setup-mfa" => Page::SetupMfa,
            "/invitations" => Page::Invitation,
            "/forgot-password" => Page::ForgotPassword,
            "/reset-password" => Page::ResetPassword,
            "/enrol-mfa" => Page::EnrolMfa,
            "/verify-email" => Page::VerifyEmail,
            "/unlock" => Page::Unlock,
            "/account" => Page::Account,
            "/account/recovered" => Page::Recovered,
            _ => {
                let segments: Vec<&str> = path.split('/').skip(1).collect();
                match segments.as_slice() {
                    ["admin", section] if !section.is_empty() => Page::Administration,
                    [guid, section] if !guid.is_empty() && !section.is_empty() => Page::Project,
                    _ => Page::NotFound,
                }
            }
        }
    }
}

#[component]
fn App() -> impl IntoView {
    router::start();
    session::Session::provide();
    let path = router::path();
    // A memo: moving between the sections of one page (a project's, administration's) keeps the
    // page, which follows its segment of the path itself.
    let page = Memo::new(move |_| path.with(|path| Page::at(path)));
    view! {
        <layout::Shell>
            {dynamic(move || match page.get() {
                Page::Home => view! { <home::Home /> }.into_any(),
                Page::Status => view! { <status::Status /> }.into_any(),
                Page::ConfirmSubscription => view! { <status_link::ConfirmSubscription /> }.into_any(),
                Page::Unsubscribe => view! { <status_link::Unsubscribe /> }.into_any(),
                Page::SignIn => view! { <sign_in::SignIn /> }.into_any(),
                Page::SignInMfa => view! { <sign_in_mfa::SignInMfa /> }.into_any(),
                Page::SetupMfa => view! { <setup_mfa::SetupMfa /> }.into_any(),
                Page::Invitation => view! { <invitation::Invitation /> }.into_any(),
                Page::ForgotPassword => view! { <forgot_password::ForgotPassword /> }.into_any(),
                Page::ResetPassword => view! { <reset_password::ResetPassword /> }.into_any(),
                Page::EnrolMfa => view! { <enrol_mfa::EnrolMfa /> }.into_any(),
                Page::VerifyEmail => view! { <verify_email::VerifyEmail /> }.into_any(),
                Page::Unlock => view! { <unlock::Unlock /> }.into_any(),
                Page::Account => view! { <account::Account /> }.into_any(),
                Page::Recovered => view! { <recovered::Recovered /> }.into_any(),
                Page::Administration => view! { <admin::Administration /> }.into_any(),
                Page::Project => view! { <project::ProjectPage /> }.into_any(),
                Page::NotFound => view! { <not_found::NotFound /> }.into_any(),
            })}
        </layout::Shell>
    }
}
