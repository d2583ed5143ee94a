//! The sign-in page (the form posts once identity lands in the API).

use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Sign in to Portico"</h1>
            <form class="stack" on:submit=|ev| ev.prevent_default()>
                <label for="identifier">"Email or user name"</label>
                <input id="identifier" name="identifier" type="text" autocomplete="username" required />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <button type="submit">"Sign in"</button>
            </form>
        </section>
    }
}
