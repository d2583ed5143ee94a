//! Single sign-on: the identity providers this account signs in through; a link can be removed
//! (the next single sign-on matches by verified email again).

use leptos::prelude::*;
use portico_domain::identity::sso::SsoLink;
use uuid::Uuid;

use crate::api;
use crate::components::{Act, Cell, ErrorAlert, FormState, answer, fetch, format_utc, show, table};

#[component]
pub fn SsoLinksSection() -> impl IntoView {
    let links = answer();
    let reload = Callback::new(move |()| fetch(links, api::me::sso_links()));
    reload.run(());
    let form = FormState::new();
    let remove = Callback::new(move |id: Uuid| {
        form.run(async move {
            api::me::remove_sso_link(id).await?;
            reload.run(());
            Ok(())
        })
    });
    view! {
        <section class="card" aria-labelledby="sso-title">
            <h2 id="sso-title">"Single sign-on"</h2>
            <ErrorAlert failure=form.failure() />
            {show(links, "single sign-on links", move |list: Vec<SsoLink>| {
                if list.is_empty() {
                    return view! { <p>"This account is not linked to an identity provider."</p> }.into_any();
                }
                let rows = list.into_iter().map(|link| link_row(link, remove)).collect();
                table("Your identity providers", HEADERS, rows, form.busy())
            })}
        </section>
    }
}

const HEADERS: &[&str] = &["Provider", "Email", "Linked", "Last used", ""];

fn link_row(link: SsoLink, remove: Callback<Uuid>) -> Vec<Cell> {
    let id = link.id;
    vec![
        Cell::TwoLines(link.provider.clone(), format!("Subject {}", link.subject)),
        Cell::Text(link.email),
        Cell::Text(format_utc(&link.created_at)),
        Cell::Text(link.last_used_at.as_ref().map(format_utc).unwrap_or_else(|| "Never".to_owned())),
        Cell::Actions(vec![Act::Confirm {
            label: "Remove",
            subject: format!("the link to {}", link.provider),
            question: format!("Remove the link to {}?", link.provider),
            confirm: "Remove link",
            run: Callback::new(move |()| remove.run(id)),
        }]),
    ]
}
