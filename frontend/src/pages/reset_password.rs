//! Following a password-reset link (`/reset-password#TOKEN`): choose a new password.

use leptos::prelude::*;
use portico_domain::identity::api::ResetPasswordRequest;

use crate::api;
use crate::components::{
    ErrorAlert, FormState, NewPasswordFields, load_password_policy, new_password_problem, set_title,
    take_fragment_token,
};

#[component]
pub fn ResetPassword() -> impl IntoView {
    set_title("Choose a new password");
    let token = take_fragment_token();
    let policy = load_password_policy();
    let form = FormState::new();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let has_token = token.is_some();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(token) = token.clone() else { return };
        let known_policy = policy.get_untracked().and_then(Result::ok);
        if let Some(problem) =
            new_password_problem(known_policy.as_ref(), &password.get_untracked(), &confirmation.get_untracked())
        {
            form.refuse(problem);
            return;
        }
        let request = ResetPasswordRequest { token, new_password: password.get_untracked() };
        form.run(async move {
            api::auth::reset_password(&request).await?;
            done.set(true);
            Ok(())
        });
    };
    // A link that is used up, expired or mangled cannot be retried: point to a new one.
    let link_refused =
        move || matches!(form.failure_code().as_deref(), Some("link_used" | "link_expired" | "link_invalid"));
    view! {
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            {move || if done.get() {
                view! {
                    <div role="status" class="alert alert-ok">
                        <p>"Your password was changed, and every session was signed out."</p>
                        <p>"Sign in with the new password; your authenticator app is still needed."</p>
                    </div>
                    <p><a href="/sign-in">"Sign in"</a></p>
                }
                .into_any()
            } else if !has_token {
                view! {
                    <div role="alert" class="alert alert-error">
                        <p>"This address has no reset code. Open the link from the email again, copying the whole link."</p>
                    </div>
                    <p><a href="/forgot-password">"Ask for a new link"</a></p>
                }
                .into_any()
            } else {
                view! {
                    <form class="stack" on:submit=submit.clone()>
                        <NewPasswordFields policy password confirmation field="new_password" form />
                        <ErrorAlert failure=form.failure() />
                        <button type="submit" disabled=move || form.is_busy()>"Change password"</button>
                    </form>
                    {move || (link_refused().then(|| view! {
                        <p><a href="/forgot-password">"Ask for a new reset link"</a></p>
                    })).into_any()}
                }
                .into_any()
            }}
        </section>
    }
}
