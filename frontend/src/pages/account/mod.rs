//! The account page: profile, email, password, authenticator and sessions, one section each.

mod authenticator;
mod email;
mod password;
mod profile;
mod sessions;

use leptos::prelude::*;

use crate::components::{SignedInOnly, set_title};

#[component]
pub fn Account() -> impl IntoView {
    set_title("Your account");
    view! {
        <SignedInOnly>
            <div class="page-stack">
                <h1>"Your account"</h1>
                <profile::ProfileSection />
                <email::EmailSection />
                <password::PasswordSection />
                <authenticator::AuthenticatorSection />
                <sessions::SessionsSection />
            </div>
        </SignedInOnly>
    }
}
