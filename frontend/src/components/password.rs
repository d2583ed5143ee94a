//! Choosing a new password: the policy in force (`GET /auth/password-policy`) checked as the
//! person types, with the very rules the server applies (`PasswordPolicy::violations`).

use leptos::prelude::*;
use portico_domain::identity::PasswordPolicy;

use crate::api;
use crate::components::form::FormState;
use crate::components::loaded::{Loaded, load, loaded};

pub type PasswordPolicyLoaded = Loaded<PasswordPolicy>;

pub fn load_password_policy() -> PasswordPolicyLoaded {
    let policy = loaded();
    load(policy, api::auth::password_policy());
    policy
}

/// A password every policy refuses (it is on the common-password list): checking it reveals the
/// wording of the common-password rule, which an empty password does not break.
const KNOWN_COMMON_PASSWORD: &str = "password";

/// Every rule of `policy` with whether `password` meets it. The domain only says which rules a
/// password breaks, so the full list is what an empty and a common password break. Nothing is
/// ticked before anything is typed (an empty password is not "not a common password").
fn checklist(policy: &PasswordPolicy, password: &str) -> Vec<(String, bool)> {
    let broken = policy.violations(password);
    let mut rules = policy.violations("");
    // Rules only a given password can break (the common list, the maximum length) join the list too.
    for rule in policy.violations(KNOWN_COMMON_PASSWORD).into_iter().chain(broken.iter().cloned()) {
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    rules
        .into_iter()
        .map(|rule| {
            let met = !password.is_empty() && !broken.contains(&rule);
            (rule, met)
        })
        .collect()
}

/// Why the new password cannot be sent yet, in one sentence; None when it can.
pub fn new_password_problem(policy: Option<&PasswordPolicy>, password: &str, confirmation: &str) -> Option<String> {
    if let Some(explanation) = policy.and_then(|policy| policy.explain(password)) {
        return Some(explanation);
    }
    (password != confirmation).then(|| "The two passwords are not the same. Type the new password again.".to_owned())
}

/// The new password, its confirmation and the live checklist of the policy's rules.
#[component]
pub fn NewPasswordFields(
    policy: PasswordPolicyLoaded,
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
    /// The request field the server reports errors for (`password` or `new_password`).
    field: &'static str,
    form: FormState,
    #[prop(default = "New password")] label: &'static str,
) -> impl IntoView {
    let known_policy = Signal::derive(move || policy.get().and_then(Result::ok));
    let items = Memo::new(move |_| known_policy.get().map(|policy| checklist(&policy, &password.get())));
    let server_error = Signal::derive(move || form.current_failure().and_then(|failure| failure.field_message(field)));
    let mismatch = Signal::derive(move || {
        let confirmation = confirmation.get();
        (!confirmation.is_empty() && confirmation != password.get()).then_some("Not the same as the new password.")
    });
    view! {
        <div class="field">
            <label for="new-password">{label}</label>
            <input
                id="new-password"
                name="new-password"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby="password-rules"
                aria-invalid=move || server_error.get().map(|_| "true")
                bind:value=password
            />
            {move || (server_error.get().map(|message| view! { <p class="field-error">{message}</p> })).into_any()}
        </div>
        <div id="password-rules" class="password-rules">
            {move || match (items.get(), policy.get()) {
                (Some(items), _) => {
                    let met = items.iter().filter(|(_, met)| *met).count();
                    let total = items.len();
                    view! {
                        <p class="hint" id="password-rules-title">"The password needs:"</p>
                        <ul class="checklist" aria-labelledby="password-rules-title">
                            {items.into_iter().map(|(rule, met)| view! {
                                <li class=if met { "rule met" } else { "rule unmet" }>
                                    <span class="mark" aria-hidden="true">{if met { "✓" } else { "✗" }}</span>
                                    {rule}
                                    <span class="sr-only">{if met { " (done)" } else { " (not yet)" }}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="hint" aria-live="polite">
                            {if met == total { "Every rule is met.".to_owned() } else { format!("{met} of {total} rules met.") }}
                        </p>
                    }
                    .into_any()
                }
                (None, Some(Err(_))) => view! {
                    <p class="hint">"The password rules could not be loaded; they are checked when you submit."</p>
                }
                .into_any(),
                (None, _) => view! { <p class="hint" aria-busy="true">"Loading the password rules…"</p> }.into_any(),
            }}
        </div>
        <div class="field">
            <label for="confirm-password">"Confirm " {label.to_ascii_lowercase()}</label>
            <input
                id="confirm-password"
                name="confirm-password"
                type="password"
                autocomplete="new-password"
                required
                aria-invalid=move || mismatch.get().map(|_| "true")
                aria-describedby=move || mismatch.get().map(|_| "confirm-password-error")
                bind:value=confirmation
            />
            {move || (mismatch.get().map(|message| view! {
                <p class="field-error" id="confirm-password-error">{message}</p>
            })).into_any()}
        </div>
    }
}
