//! Paging for the API's lists (`?page=&per_page=` answered with `total`).

use leptos::prelude::*;

/// "Page 2 of 5" with Previous / Next, drawn with the list it pages; nothing while everything
/// fits on one page.
pub fn pager(page: RwSignal<u32>, per_page: u32, total: u64) -> AnyView {
    let pages = total.div_ceil(u64::from(per_page)).max(1) as u32;
    let current = page.get_untracked();
    if pages <= 1 {
        return ().into_any();
    }
    view! {
        <nav class="pager" aria-label="Pages">
            <button type="button" class="secondary" disabled=current <= 1 on:click=move |_| page.set(current - 1)>
                "Previous page"
            </button>
            <span>{format!("Page {current} of {pages}")}</span>
            <button type="button" class="secondary" disabled=current >= pages on:click=move |_| page.set(current + 1)>
                "Next page"
            </button>
        </nav>
    }
    .into_any()
}
