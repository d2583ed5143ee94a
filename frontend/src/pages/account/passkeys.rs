//! Passkeys and security keys: list them (name, added, last used), add one (with the password
//! again), rename or remove one.

use leptos::prelude::*;
use portico_domain::identity::passkeys::{PasskeyInfo, RenamePasskeyRequest};
use uuid::Uuid;

use crate::api;
use crate::components::{Act, Cell, ErrorAlert, FormState, TextField, answer, fetch, format_utc, show, table};

#[component]
pub fn PasskeysSection() -> impl IntoView {
    let passkeys = answer();
    let reload = Callback::new(move |()| fetch(passkeys, api::me::passkeys()));
    reload.run(());
    let form = FormState::new();
    let renaming = RwSignal::new(None::<(Uuid, String)>);
    let remove = Callback::new(move |id: Uuid| {
        form.run(async move {
            api::me::remove_passkey(id).await?;
            reload.run(());
            Ok(())
        })
    });
    view! {
        <section class="card" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">"Passkeys"</h2>
            <p>
                "A passkey or security key is a second factor that cannot be phished: your fingerprint, face or PIN
                 unlocks it. It also signs you in on its own, with “Sign in with a passkey”."
            </p>
            <ErrorAlert failure=form.failure() />
            {show(passkeys, "passkeys", move |list: Vec<PasskeyInfo>| {
                if list.is_empty() {
                    return view! { <p>"No passkeys yet."</p> }.into_any();
                }
                let rows = list.into_iter().map(|passkey| passkey_row(passkey, renaming, remove)).collect();
                table("Your passkeys", HEADERS, rows, form.busy())
            })}
            {move || renaming.get().map(|(id, name)| view! { <RenameForm id name renaming reload /> })}
            <h3>"Add a passkey"</h3>
            <AddPasskey reload />
        </section>
    }
}

const HEADERS: &[&str] = &["Name", "Added", "Last used", ""];

fn passkey_row(passkey: PasskeyInfo, renaming: RwSignal<Option<(Uuid, String)>>, remove: Callback<Uuid>) -> Vec<Cell> {
    let (id, name) = (passkey.id, passkey.name.clone());
    vec![
        Cell::Head(passkey.name.clone(), Vec::new()),
        Cell::Text(format_utc(&passkey.created_at)),
        Cell::Text(passkey.last_used_at.as_ref().map(format_utc).unwrap_or_else(|| "Never".to_owned())),
        Cell::Actions(vec![
            Act::Button {
                label: "Rename",
                subject: format!("passkey {name}"),
                run: Callback::new(move |()| renaming.set(Some((id, name.clone())))),
            },
            Act::Confirm {
                label: "Remove",
                subject: format!("passkey {}", passkey.name),
                question: format!("Remove the passkey “{}”?", passkey.name),
                confirm: "Remove passkey",
                run: Callback::new(move |()| remove.run(id)),
            },
        ]),
    ]
}

#[component]
fn RenameForm(
    id: Uuid,
    name: String,
    renaming: RwSignal<Option<(Uuid, String)>>,
    reload: Callback<()>,
) -> impl IntoView {
    let form = FormState::new();
    let new_name = RwSignal::new(name);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = RenamePasskeyRequest { name: new_name.get_untracked() };
        form.run(async move {
            api::me::rename_passkey(id, &request).await?;
            renaming.set(None);
            reload.run(());
            Ok(())
        });
    };
    view! {
        <form class="stack narrow-form" on:submit=submit aria-label="Rename passkey">
            <TextField id="rename-passkey" label="New name" value=new_name required=true maxlength=64 field="name" form=form />
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Save name"</button>
                <button type="button" class="secondary" on:click=move |_| renaming.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

#[component]
fn AddPasskey(reload: Callback<()>) -> impl IntoView {
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let added = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        added.set(None);
        let (chosen, current_password) = (name.get_untracked(), password.get_untracked());
        form.run(async move {
            let answer = crate::passkey::add(chosen, Some(current_password)).await?;
            name.set(String::new());
            password.set(String::new());
            added.set(Some(answer.passkey.name));
            reload.run(());
            Ok(())
        });
    };
    view! {
        <form class="stack narrow-form" on:submit=submit aria-label="Add a passkey">
            <TextField
                id="passkey-name"
                label="Name"
                hint="To tell your passkeys apart, e.g. “Work laptop” or “YubiKey”."
                value=name
                required=true
                maxlength=64
                field="name"
                form=form
            />
            <TextField
                id="passkey-password"
                label="Your password"
                value=password
                input_type="password"
                autocomplete="current-password"
                required=true
                field="password"
                form=form
            />
            <ErrorAlert failure=form.failure() />
            {move || added.get().map(|name| view! { <p role="status" class="alert alert-ok">{format!("Passkey “{name}” added.")}</p> })}
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Add passkey"</button>
            </div>
        </form>
    }
}
