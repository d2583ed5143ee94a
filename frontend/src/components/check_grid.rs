//! A grid of checkboxes (the update schedule's week, the alert notifications per environment),
//! drawn by one renderer from data: a real table whose row and column headers name each box,
//! and each box labelled in full for screen readers ("Monday 03:00–06:00 UTC").

use leptos::prelude::*;

/// One box of the grid.
pub struct GridBox {
    /// Its full name, read out (the headers say it visually).
    pub label: String,
    pub checked: Signal<bool>,
    pub on_change: Callback<bool>,
    pub disabled: Signal<bool>,
    /// A word shown beside a box, e.g. "Blocked" (so no state is told by colour alone).
    pub note: Option<&'static str>,
}

/// A table with a caption, `corner` atop the row headers, a header per column, and rows of boxes.
pub fn check_grid(
    caption: String,
    corner: &'static str,
    columns: Vec<String>,
    rows: Vec<(String, Vec<GridBox>)>,
) -> AnyView {
    view! {
        <div class="table-wrap">
            <table class="check-grid">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{corner}</th>
                        {columns.into_iter().map(|column| view! { <th scope="col">{column}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(head, boxes)| view! {
                        <tr>
                            <th scope="row">{head}</th>
                            {boxes.into_iter().map(box_view).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn box_view(grid_box: GridBox) -> AnyView {
    let GridBox { label, checked, on_change, disabled, note } = grid_box;
    view! {
        <td>
            <input
                type="checkbox"
                aria-label=label
                prop:checked=move || checked.get()
                disabled=move || disabled.get()
                on:change=move |event| on_change.run(event_target_checked(&event))
            />
            {note.map(|note| view! { " " <span class="hint">{note}</span> })}
        </td>
    }
    .into_any()
}
