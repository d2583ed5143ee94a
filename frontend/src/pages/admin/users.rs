//! Administration of user accounts: search and filter by status, a page at a time; invite with a
//! system role; edit; enable or disable from the list (asked first); resend an invitation; reset
//! MFA; delete (never the built-in Administrator). Below, the people invited to a project who have
//! no account yet.

use leptos::prelude::*;
use portico_domain::admin::{AccountStatus, AdminUpdateUserRequest, AdminUser};
use portico_domain::paging::Page;
use uuid::Uuid;

use super::project_invitations::ProjectInvitations;
use super::user_form::{EditUserForm, InviteUserForm};
use crate::api;
use crate::components::labels::{account_status_label, system_role_label, tone};
use crate::components::{
    Act, Cell, ErrorAlert, FormState, Mark, Notice, SelectField, TextField, answer, fetch, pager, set_title, show,
    table,
};

const PER_PAGE: u32 = 20;

#[component]
pub fn AdminUsers() -> impl IntoView {
    set_title("Users");
    view! {
        <UserAdministration />
    }
}

#[derive(Debug, Clone)]
enum Change {
    Enable(Uuid, String, bool),
    ResendInvitation(Uuid, String),
    ResetMfa(Uuid, String),
    Delete(Uuid, String),
}

#[component]
fn UserAdministration() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let users = answer();
    let reload = move || {
        let status = AccountStatus::parse(&status.get_untracked());
        fetch(users, api::admin::users(page.get_untracked(), PER_PAGE, &search.get_untracked(), status));
    };
    // Loads on every change of page or filter; a new filter starts again at the first page.
    Effect::new(move |previous: Option<(String, String)>| {
        let filter = (search.get(), status.get());
        if previous.is_some_and(|previous| previous != filter) && page.get_untracked() != 1 {
            page.set(1);
        }
        page.track();
        reload();
        filter
    });
    let find = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        page.set(1);
        search.set(typed.get_untracked());
    };
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<AdminUser>);
    let change = Callback::new(move |change: Change| {
        notice.set(None);
        form.run(async move {
            let done = match change {
                Change::Enable(id, email, enabled) => {
                    let request = AdminUpdateUserRequest { enabled: Some(enabled), ..Default::default() };
                    api::admin::update_user(id, &request).await.map(|_| {
                        if enabled {
                            format!("{email} is enabled again.")
                        } else {
                            format!("{email} is disabled: their sessions ended and their tokens stopped.")
                        }
                    })
                }
                Change::ResendInvitation(id, email) => api::admin::resend_invitation(id)
                    .await
                    .map(|_| format!("A new invitation is on its way to {email}.")),
                Change::ResetMfa(id, email) => api::admin::reset_mfa(id)
                    .await
                    .map(|_| format!("The authenticator of {email} is removed; a set-up link is on its way to them.")),
                Change::Delete(id, email) => {
                    api::admin::delete_user(id).await.map(|_| format!("The account {email} is deleted."))
                }
            }?;
            reload();
            notice.set(Some(done));
            Ok(())
        });
    });
    let statuses = [
        ("", "All statuses"),
        ("active", "Active"),
        ("disabled", "Disabled"),
        ("invited", "Invited"),
        ("invitation_expired", "Invitation expired"),
    ]
    .map(|(value, label)| (value.to_owned(), label.to_owned()))
    .to_vec();
    view! {
        <section class="card" aria-labelledby="users-title">
            <h1 id="users-title">"Users"</h1>
            <InviteUserForm on_invited=Callback::new(move |email: String| {
                notice.set(Some(format!("The invitation is on its way to {email}.")));
                reload();
            }) />
            <div class="filters">
                <form role="search" class="inline-form" on:submit=find>
                    <TextField id="user-search" label="Search users" hint="User name, email, first or last name." value=typed input_type="search" />
                    <button type="submit" class="secondary">"Search"</button>
                </form>
                <SelectField id="user-status" label="Status" value=status options=statuses />
            </div>
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(users, "the users", move |list: Page<AdminUser>| {
                if list.items.is_empty() {
                    return view! { <p>"No users match."</p> }.into_any();
                }
                let rows = list.items.into_iter().map(|user| user_row(user, editing, change)).collect();
                view! {
                    <p class="hint">{format!("{} users", list.total)}</p>
                    {table("User accounts", HEADERS, rows, form.busy())}
                    {pager(page, PER_PAGE, list.total)}
                }
                .into_any()
            })}
        </section>
        <ProjectInvitations />
        {move || match editing.get() {
            Some(user) => view! {
                <section class="card">
                    <EditUserForm user on_done=Callback::new(move |saved: Option<String>| {
                        editing.set(None);
                        if let Some(email) = saved {
                            notice.set(Some(format!("{email} is saved.")));
                            reload();
                        }
                    }) />
                </section>
            }
            .into_any(),
            None => ().into_any(),
        }}
    }
}

const HEADERS: &[&str] = &["User name", "Name", "Email", "System role", "Status", "MFA", ""];

fn user_row(user: AdminUser, editing: RwSignal<Option<AdminUser>>, change: Callback<Change>) -> Vec<Cell> {
    let id = user.id;
    let email = user.email.clone();
    let status = user.status;
    let mut acts = Vec::new();
    let for_edit = user.clone();
    acts.push(Act::Button {
        label: "Edit",
        subject: email.clone(),
        run: Callback::new(move |()| editing.set(Some(for_edit.clone()))),
    });
    if matches!(status, AccountStatus::Invited | AccountStatus::InvitationExpired) {
        let email = email.clone();
        acts.push(Act::Button {
            label: "Resend invitation",
            subject: format!("to {email}"),
            run: Callback::new(move |()| change.run(Change::ResendInvitation(id, email.clone()))),
        });
    }
    if !user.builtin {
        let email = email.clone();
        // The button turns the account to the other state.
        let enable = status == AccountStatus::Disabled;
        let (label, question, confirm) = if enable {
            ("Enable", format!("Enable {email} again? They can sign in; their old sessions stay ended."), "Yes, enable")
        } else {
            (
                "Disable",
                format!("Disable {email}? Their sessions end and their tokens stop working at once."),
                "Yes, disable",
            )
        };
        acts.push(Act::Confirm {
            label,
            subject: email.clone(),
            question,
            confirm,
            run: Callback::new(move |()| change.run(Change::Enable(id, email.clone(), enable))),
        });
    }
    if user.mfa_enrolled {
        let email = email.clone();
        acts.push(Act::Confirm {
            label: "Reset MFA",
            subject: format!("of {email}"),
            question: format!("Remove the authenticator of {email}? They get an emailed link to set up a new one."),
            confirm: "Yes, reset MFA",
            run: Callback::new(move |()| change.run(Change::ResetMfa(id, email.clone()))),
        });
    }
    if !user.builtin {
        let email = email.clone();
        acts.push(Act::Confirm {
            label: "Delete",
            subject: email.clone(),
            question: format!("Delete the account {email}? This cannot be undone; its sessions and tokens end."),
            confirm: "Yes, delete",
            run: Callback::new(move |()| change.run(Change::Delete(id, email.clone()))),
        });
    }
    let marks = if user.builtin { vec![Mark::Badge("Built-in")] } else { Vec::new() };
    vec![
        Cell::Head(user.user_name, marks),
        Cell::Text(format!("{} {}", user.first_name, user.last_name).trim().to_owned()),
        Cell::Text(email),
        Cell::Text(system_role_label(user.system_role).to_owned()),
        Cell::Badge(
            tone(status == AccountStatus::Active, status == AccountStatus::Disabled),
            account_status_label(status).to_owned(),
        ),
        Cell::Text(if user.mfa_enrolled { "Set up" } else { "Not set up" }.to_owned()),
        Cell::Actions(acts),
    ]
}
