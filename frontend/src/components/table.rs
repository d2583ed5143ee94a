//! Tables as data: pages describe rows as [`Cell`]s and one renderer draws every table. (Each
//! hand-written table would add its own copy of the rendering code to the wasm.)

use leptos::prelude::*;

use crate::components::ConfirmButton;

/// One cell of a row.
pub enum Cell {
    /// The row's header cell (`<th scope="row">`): what the row is about, with marks after it.
    Head(String, Vec<Mark>),
    Text(String),
    /// Text with marks after it (e.g. a role with the primary contact's crown).
    Marked(String, Vec<Mark>),
    /// Text with a smaller second line.
    TwoLines(String, String),
    Code(String),
    /// A status word with a class from `labels::tone`.
    Badge(&'static str, String),
    Link(String, String),
    Actions(Vec<Act>),
}

/// Something said about a row's subject, after its name.
pub enum Mark {
    /// The primary contact's crown (read out as "Primary contact").
    Crown,
    /// A quiet remark, e.g. "(you)".
    Hint(&'static str),
    /// A label, e.g. "Built-in".
    Badge(&'static str),
}

/// A button in a row's actions cell: `label` shows, `subject` follows it for screen readers
/// ("Remove" + " Ann Smith").
pub enum Act {
    Button {
        label: &'static str,
        subject: String,
        run: Callback<()>,
    },
    /// Asks `question` first (see [`ConfirmButton`]).
    Confirm {
        label: &'static str,
        subject: String,
        question: String,
        confirm: &'static str,
        run: Callback<()>,
    },
}

/// A table with a caption for screen readers; an empty header is the (unnamed) actions column.
/// A wide table scrolls sideways inside its wrapper, so the wrapper is a named region in the
/// Tab order: keyboard users scroll it with the arrow keys (WCAG 2.1.1), even when no cell holds
/// a control (audit logs).
pub fn table(
    caption: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
    busy: Signal<bool>,
) -> AnyView {
    view! {
        <div class="table-wrap" role="region" aria-label=caption tabindex="0">
            <table>
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        {headers.iter().map(|header| {
                            let (text, class) = if header.is_empty() { ("Actions", "sr-only") } else { (*header, "") };
                            view! { <th scope="col"><span class=class>{text}</span></th> }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|cells| view! {
                        <tr>{cells.into_iter().map(|cell| cell_view(cell, busy)).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn cell_view(cell: Cell, busy: Signal<bool>) -> AnyView {
    match cell {
        Cell::Head(text, marks) => view! {
            <th scope="row">{text} {marks.into_iter().map(mark_view).collect_view()}</th>
        }
        .into_any(),
        Cell::Text(text) => view! { <td>{text}</td> }.into_any(),
        Cell::Marked(text, marks) => {
            view! { <td>{text} {marks.into_iter().map(mark_view).collect_view()}</td> }.into_any()
        }
        // The space keeps the two lines apart in the row's accessible name.
        Cell::TwoLines(text, second) => {
            view! { <td>{text} " " <br /><span class="hint">{second}</span></td> }.into_any()
        }
        Cell::Code(text) => view! { <td><code>{text}</code></td> }.into_any(),
        Cell::Badge(class, text) => view! { <td><span class=class>{text}</span></td> }.into_any(),
        Cell::Link(href, text) => view! { <td><a href=href>{text}</a></td> }.into_any(),
        Cell::Actions(acts) => view! {
            <td class="row-actions">{acts.into_iter().map(|act| act_view(act, busy)).collect_view()}</td>
        }
        .into_any(),
    }
}

fn mark_view(mark: Mark) -> AnyView {
    match mark {
        Mark::Crown => view! {
            " "
            <span class="crown" title="Primary contact">
                <span aria-hidden="true">"♛"</span>
                <span class="sr-only">"Primary contact"</span>
            </span>
        }
        .into_any(),
        Mark::Hint(text) => view! { " " <span class="hint">{text}</span> }.into_any(),
        Mark::Badge(text) => view! { " " <span class="badge">{text}</span> }.into_any(),
    }
}

fn act_view(act: Act, busy: Signal<bool>) -> AnyView {
    match act {
        Act::Button { label, subject, run } => view! {
            <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| run.run(())>
                {label} <span class="sr-only">" " {subject}</span>
            </button>
        }
        .into_any(),
        Act::Confirm { label, subject, question, confirm, run } => view! {
            <ConfirmButton label subject question confirm on_confirm=run disabled=busy />
        }
        .into_any(),
    }
}
