//! A destructive action asked twice: the first click shows the question and a confirm button
//! (focused, so a keyboard user lands on it), the second does it. Nothing leaves the page, so
//! no native dialog is needed.

use crate::components::dynamic;
use leptos::html::Button;
use leptos::prelude::*;

/// `label` (e.g. "Remove") is the button; `subject` follows it for screen readers ("Remove Ann
/// Smith"); `question` is asked before `on_confirm` runs; `confirm` names the confirming button.
#[component]
pub fn ConfirmButton(
    label: &'static str,
    #[prop(into)] subject: String,
    #[prop(into)] question: String,
    confirm: &'static str,
    on_confirm: Callback<()>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let confirm_button = NodeRef::<Button>::new();
    Effect::new(move |_| {
        if asking.get()
            && let Some(button) = confirm_button.get()
        {
            let _ = button.focus();
        }
    });
    dynamic(move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group" aria-label=format!("{label} {subject}").trim_end().to_owned()>
                    <span class="confirm-question">{question.clone()}</span>
                    <button
                        type="button"
                        class="danger"
                        node_ref=confirm_button
                        disabled=move || disabled.get()
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| asking.set(false)>"Cancel"</button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class="secondary" disabled=move || disabled.get() on:click=move |_| asking.set(true)>
                    {label}
                    {(!subject.is_empty()).then(|| view! { <span class="sr-only">" " {subject.clone()}</span> })}
                </button>
            }
            .into_any()
        }
    })
}
