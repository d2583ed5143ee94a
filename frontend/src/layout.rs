//! The frame around every page.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Portico"</a>
            <nav aria-label="Main">
                <A href="/status">"Status"</A>
                <A href="/sign-in">"Sign in"</A>
            </nav>
        </header>
        <main id="main">{children()}</main>
    }
}
