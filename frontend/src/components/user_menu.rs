//! The user menu at the top right (the WAI-ARIA menu button pattern): the signed-in person's name
//! opens Profile, the notification preferences and personal access tokens of the current project,
//! and Sign out. Enter, Space or the down arrow open it on the first item, the up arrow on the
//! last; the arrows, Home and End move between items; Escape closes it and returns to the button;
//! Tab or a click elsewhere closes it.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::router;
use crate::session::Session;

/// The project a path belongs to: `/<guid>/dashboard` -> the GUID.
pub fn project_in_path(path: &str) -> Option<Uuid> {
    path.trim_start_matches('/').split('/').next()?.parse().ok()
}

/// Items of the menu that lead to a page.
fn destinations(project: Option<Uuid>) -> Vec<(&'static str, String)> {
    let mut items = vec![("Profile", "/account".to_owned())];
    if let Some(guid) = project {
        items.push(("Notifications", format!("/{guid}/notifications")));
        items.push(("Personal access tokens", format!("/{guid}/tokens")));
    }
    items
}

#[component]
pub fn UserMenu(name: String, on_sign_out: Callback<()>) -> impl IntoView {
    let session = Session::get();
    let location = router::path();
    let open = RwSignal::new(false);
    // Which item gets the focus when the menu opens (None: the menu opened by a click).
    let focus_on = RwSignal::new(None::<isize>);
    let button = NodeRef::<html::Button>::new();
    let menu = NodeRef::<html::Ul>::new();
    // The project open now when the account is a member of it, else the account's first.
    let project = move || {
        let projects = session.projects();
        let open_now = project_in_path(&location.get());
        open_now.filter(|guid| projects.iter().any(|p| p.guid == *guid)).or_else(|| projects.first().map(|p| p.guid))
    };
    // The item that has the focus, counted from the first (negative: from the last).
    let active = RwSignal::new(0isize);
    let focus_item = move |index: isize| {
        let Some(list) = menu.get_untracked() else { return };
        let items = list.children();
        let count = items.length() as isize;
        if count == 0 {
            return;
        }
        let at = index.rem_euclid(count);
        active.set(at);
        // Each `<li role="none">` holds one item.
        if let Some(item) = items.item(at as u32).and_then(|li| li.first_element_child()) {
            let _ = item.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    // After the menu is drawn open: a hidden item cannot take the focus.
    Effect::new(move |_| {
        if open.get()
            && let Some(index) = focus_on.get()
        {
            request_animation_frame(move || focus_item(index));
        }
    });
    let close = move |back_to_button: bool| {
        open.set(false);
        if back_to_button && let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    let on_button_key = move |event: KeyboardEvent| {
        let first = match event.key().as_str() {
            "ArrowDown" | "Enter" | " " => 0,
            "ArrowUp" => -1,
            "Tab" | "Escape" => return open.set(false),
            _ => return,
        };
        event.prevent_default();
        focus_on.set(Some(first));
        open.set(true);
    };
    let on_menu_key = move |event: KeyboardEvent| {
        let current = active.get_untracked();
        match event.key().as_str() {
            "ArrowDown" => focus_item(current + 1),
            "ArrowUp" => focus_item(current - 1),
            "Home" => focus_item(0),
            "End" => focus_item(-1),
            "Escape" => close(true),
            "Tab" => return open.set(false),
            _ => return,
        }
        event.prevent_default();
    };
    let label = format!("{name}, user menu");
    view! {
        <div class="user-menu">
            // A click anywhere else lands on this invisible layer under the open menu, and closes it.
            <div class="menu-backdrop" hidden=move || !open.get() on:click=move |_| open.set(false)></div>
            <button
                type="button"
                class="user-menu-button"
                id="user-menu-button"
                // The visible name first (WCAG's label in name), then what the button is.
                aria-label=label
                aria-haspopup="menu"
                aria-controls="user-menu"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                node_ref=button
                on:click=move |event: leptos::ev::MouseEvent| {
                    // A click of no mouse (a screen reader's Enter in browse mode) goes on into
                    // the menu, as the keys do.
                    focus_on.set((event.detail() == 0).then_some(0));
                    open.update(|open| *open = !*open);
                }
                on:keydown=on_button_key
            >
                <span class="who">{name}</span>
                <span aria-hidden="true">" ▾"</span>
            </button>
            <ul
                id="user-menu"
                role="menu"
                aria-labelledby="user-menu-button"
                node_ref=menu
                hidden=move || !open.get()
                on:keydown=on_menu_key
            >
                {move || destinations(project()).into_iter().map(|(label, href)| view! {
                    <li role="none">
                        <a role="menuitem" tabindex="-1" href=href on:click=move |_| open.set(false)>{label}</a>
                    </li>
                }).collect_view()}
                <li role="none">
                    <button
                        type="button"
                        role="menuitem"
                        tabindex="-1"
                        on:click=move |_| {
                            open.set(false);
                            on_sign_out.run(());
                        }
                    >
                        "Sign out"
                    </button>
                </li>
            </ul>
        </div>
    }
}
