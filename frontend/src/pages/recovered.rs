//! After signing in with the recovery code: the code is used up, so the person either resets MFA
//! (to set up a new authenticator app) or, if they still have the app, makes a new recovery code.

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

use crate::components::{Chunk, ResetMfaForm, SignedInOnly, lazily, set_title};

#[component]
pub fn Recovered() -> impl IntoView {
    set_title("Recovery code used");
    view! { <SignedInOnly>{lazily(recovered_page)}</SignedInOnly> }
}

/// In a wasm chunk of its own (with the reset form the account page shares).
#[wasm_split(recovered, wasm_split_path = ::leptos::wasm_split, fallible)]
fn recovered_page() -> Chunk {
    Ok(view! {
            <section class="card narrow">
                <h1>"Your recovery code is used up"</h1>
                <p>
                    "You signed in with your recovery code. It worked this once and cannot be used again, so
                     you have no way back in if you lose access to your authenticator app now."
                </p>
                <h2>"Lost your authenticator app? Reset MFA"</h2>
                <p>
                    "Enter your password to remove the old authenticator app. You will be signed out everywhere.
                     Sign in again within one hour to set up a new app and get a new recovery code."
                </p>
                <ResetMfaForm />
                <h2>"Still have your authenticator app?"</h2>
                <p>
                    "Then keep it, and "<a href="/account#recovery-code">"make a new recovery code on your account page"</a>
                    " with a code from the app."
                </p>
            </section>
    }
    .into_any())
}
