//! The account page: profile, email, password, passkeys, authenticator, single sign-on
//! links and sessions, one section each.

mod authenticator;
mod email;
mod passkeys;
mod password;
mod profile;
mod sessions;
mod sso_links;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::components::{Chunk, SignedInOnly, lazily, set_title};

#[component]
pub fn Account() -> impl IntoView {
    set_title("Your account");
    view! { <SignedInOnly>{lazily(account_sections)}</SignedInOnly> }
}

/// The account's sections, in a wasm chunk of their own.
#[wasm_split(account, wasm_split_path = ::leptos::wasm_split, fallible)]
fn account_sections() -> Chunk {
    Ok(view! {
        <div class="page-stack">
            <h1>"Your account"</h1>
            <profile::ProfileSection />
            <email::EmailSection />
            <password::PasswordSection />
            <passkeys::PasskeysSection />
            <authenticator::AuthenticatorSection />
            <sso_links::SsoLinksSection />
            <sessions::SessionsSection />
        </div>
    }
    .into_any())
}
