//! The start page: a welcome for the signed-in; everyone else is sent on to where their sign-in stands.

use leptos::prelude::*;

use crate::components::{SignedInOnly, set_title};
use crate::session::{Session, display_name};

#[component]
pub fn Home() -> impl IntoView {
    set_title("Home");
    view! {
        <SignedInOnly>
            <Welcome />
        </SignedInOnly>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    let session = Session::get();
    let name = move || session.signed_in_account().map(|me| display_name(&me)).unwrap_or_default();
    let recovered = move || session.signed_in_account().is_some_and(|me| me.recovery_code_used);
    view! {
        <section class="card">
            <h1>"Welcome, " {name}</h1>
            {move || recovered().then(|| view! {
                <p class="alert alert-warning">
                    "You signed in with your recovery code, which is now used up. "
                    <a href="/account/recovered">"Reset MFA or make a new recovery code"</a>"."
                </p>
            })}
            <p>"Your projects will be listed here."</p>
            <p>
                "Manage your profile, password, authenticator app and sessions on your "
                <a href="/account">"account page"</a>"."
            </p>
        </section>
    }
}
