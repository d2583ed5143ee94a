//! The Users app: everyone in the project sees the members, their roles and the primary
//! contact's crown beside the role ("Here you can see everyone participating in your current
//! project and their roles"); Tenant Administrators also change a role (Edit, choose, Save, with
//! what changes for that person said first), remove a member, hand the crown over, and invite.

use leptos::prelude::*;
use portico_domain::projects::api::{ChangeRoleRequest, Member, PrimaryContactRequest};
use portico_domain::projects::{Action, ProjectRole, allows};
use uuid::Uuid;

use super::ProjectContext;
use super::invitations::Invitations;
use crate::api;
use crate::components::{
    Act, Cell, ErrorAlert, FormState, Mark, Notice, SelectField, answer, dynamic, fetch, format_date, set_title, show,
    table,
};
use crate::session::Session;

#[component]
pub fn Users() -> AnyView {
    set_title("Users");
    let context = ProjectContext::get();
    let manage = context.can(Action::ManageMembers);
    view! {
        <Members manage />
        {manage.then(|| view! { <Invitations /> })}
    }
    .into_any()
}

/// "Ann Smith", or the user name when no name is set.
pub fn member_name(member: &Member) -> String {
    let name = format!("{} {}", member.first_name.trim(), member.last_name.trim());
    let name = name.trim();
    if name.is_empty() { member.user_name.clone() } else { name.to_owned() }
}

/// What a row asks the table to do.
#[derive(Debug, Clone)]
enum Change {
    Role(Uuid, String, ProjectRole),
    Remove(Uuid, String),
    HandOver(Uuid, String),
}

/// The member whose role is being edited: id, name, role now.
type Editing = RwSignal<Option<(Uuid, String, ProjectRole)>>;

/// What a person can do in the project, in words, for the consequences of a role change.
fn action_phrase(action: Action) -> Option<&'static str> {
    Some(match action {
        Action::ViewProject => return None,
        Action::ManageMembers => "invite people, change roles and remove members",
        Action::ManageOthersTokens => "see and revoke other members' tokens",
        Action::ViewProjectAudit => "read the project's audit log",
        Action::EditUpdateSchedule => "change the update schedule",
        Action::DeployNonProduction => "deploy to QA and UAT",
        Action::DeployProduction => "deploy to STG and PROD",
        Action::ResolveAlerts => "resolve alerts",
        Action::ManageWebhook => "manage the alert webhook",
    })
}

/// What changes for a member moved from `from` to `to`, said before it is saved.
fn consequences(from: ProjectRole, to: ProjectRole) -> Vec<String> {
    let phrases = |keep: fn(bool, bool) -> bool| {
        Action::ALL
            .into_iter()
            .filter(|action| keep(allows(from, *action), allows(to, *action)))
            .filter_map(action_phrase)
            .collect::<Vec<_>>()
    };
    let lost = phrases(|before, after| before && !after);
    let gained = phrases(|before, after| !before && after);
    let mut said = Vec::new();
    if !lost.is_empty() {
        said.push(format!("They can no longer {}.", lost.join(", ")));
    }
    if allows(from, Action::DeployProduction) && !allows(to, Action::DeployProduction) {
        said.push("Their tokens' production permissions (STG, PROD) stop working at once.".to_owned());
    }
    if !gained.is_empty() {
        said.push(format!("They can {}.", gained.join(", ")));
    }
    if said.is_empty() {
        said.push("Nothing changes: that is their role now.".to_owned());
    }
    said
}

#[component]
fn Members(manage: bool) -> impl IntoView {
    let context = ProjectContext::get();
    let session = Session::get();
    let members = answer();
    let reload = move || fetch(members, api::projects::members(context.guid));
    reload();
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let editing: Editing = RwSignal::new(None);
    // The primary contact (or an Administrator) may hand the crown over.
    let me = move || session.signed_in_account().map(|me| me.id);
    let may_hand_over = move || {
        let contact = context.current().and_then(|project| project.primary_contact.account_id);
        session.is_administrator() || (contact.is_some() && me() == contact)
    };
    let change = Callback::new(move |change: Change| {
        notice.set(None);
        form.run(async move {
            let done = match change {
                Change::Role(id, name, role) => {
                    let changed = api::projects::change_role(context.guid, id, &ChangeRoleRequest { role }).await;
                    if changed.is_ok() {
                        editing.set(None);
                    }
                    changed.map(|_| format!("{name} is now {}.", role.label()))
                }
                Change::Remove(id, name) => api::projects::remove_member(context.guid, id)
                    .await
                    .map(|_| format!("{name} was removed from the project.")),
                Change::HandOver(account_id, name) => {
                    api::projects::hand_over_primary_contact(context.guid, &PrimaryContactRequest { account_id })
                        .await
                        .map(|_| format!("{name} is now the primary contact."))
                }
            };
            // Reloaded either way: the table shows what is in force.
            reload();
            context.reload();
            notice.set(Some(done?));
            Ok(())
        });
    });
    view! {
        <section class="card" aria-labelledby="members-title">
            <h1 id="members-title">"Users"</h1>
            <p>
                "Everyone participating in this project and their roles."
                {(!manage).then_some(" Tenant Administrators invite people and change roles.")}
            </p>
            <h2>"Members"</h2>
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(members, "the members", move |list: Vec<Member>| {
                let hand_over = may_hand_over();
                let me = me();
                let rows = list.into_iter().map(|member| member_row(member, manage, hand_over, me, change, editing)).collect();
                table("Members of the project", if manage { HEADERS } else { READ_ONLY_HEADERS }, rows, form.busy())
            })}
            {move || role_editor(editing, change, form)}
        </section>
    }
}

const HEADERS: &[&str] = &["Name", "Email", "Role", "Joined", ""];
const READ_ONLY_HEADERS: &[&str] = &["Name", "Email", "Role", "Joined"];

fn member_row(
    member: Member,
    manage: bool,
    hand_over: bool,
    me: Option<Uuid>,
    change: Callback<Change>,
    editing: Editing,
) -> Vec<Cell> {
    let name = member_name(&member);
    let id = member.account_id;
    let crowned = member.primary_contact;
    let is_me = Some(id) == me;
    let marks = if is_me { vec![Mark::Hint("(you)")] } else { Vec::new() };
    // The crown stands beside the role, as in Xperience Portal.
    let role = Cell::Marked(member.role.label().to_owned(), if crowned { vec![Mark::Crown] } else { Vec::new() });
    let cells = vec![
        Cell::Head(name.clone(), marks),
        Cell::Text(member.email),
        role,
        Cell::Text(format_date(&member.joined_at.date_naive())),
    ];
    if !manage {
        return cells;
    }
    let mut acts = Vec::new();
    // The primary contact stays a Tenant Administrator.
    if !crowned {
        let name = name.clone();
        let current = member.role;
        acts.push(Act::Button {
            label: "Edit role",
            subject: format!("of {name}"),
            run: Callback::new(move |()| editing.set(Some((id, name.clone(), current)))),
        });
    }
    if hand_over && !crowned && member.role == ProjectRole::TenantAdministrator {
        let name = name.clone();
        acts.push(Act::Confirm {
            label: "Make primary contact",
            subject: name.clone(),
            question: format!("Hand the primary contact over to {name}?"),
            confirm: "Yes, hand over",
            run: Callback::new(move |()| change.run(Change::HandOver(id, name.clone()))),
        });
    }
    if !crowned && !is_me {
        let name = name.clone();
        acts.push(Act::Confirm {
            label: "Remove",
            subject: name.clone(),
            question: format!("Remove {name} from the project? Their tokens here are revoked."),
            confirm: "Yes, remove",
            run: Callback::new(move |()| change.run(Change::Remove(id, name.clone()))),
        });
    }
    let mut cells = cells;
    cells.push(Cell::Actions(acts));
    cells
}

/// Edit -> the role -> Save, with what the change means for that person said before it is saved.
fn role_editor(editing: Editing, change: Callback<Change>, form: FormState) -> AnyView {
    let Some((id, name, current)) = editing.get() else { return ().into_any() };
    let chosen = RwSignal::new(current.as_str().to_owned());
    let options: Vec<(String, String)> =
        ProjectRole::ALL.iter().map(|role| (role.as_str().to_owned(), role.label().to_owned())).collect();
    let title = format!("Change the role of {name}");
    let save = {
        let name = name.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            if let Some(role) = ProjectRole::parse(&chosen.get_untracked()) {
                change.run(Change::Role(id, name.clone(), role));
            }
        }
    };
    view! {
        <form class="stack narrow-form" on:submit=save aria-labelledby="role-editor-title">
            <h2 id="role-editor-title">{title}</h2>
            <SelectField id="role-editor-role" label="Role" options value=chosen />
            <div class="hint" role="status" data-testid="role-consequences">
                {dynamic(move || {
                    let to = ProjectRole::parse(&chosen.get()).unwrap_or(current);
                    consequences(current, to).into_iter().map(|line| view! { <p>{line}</p> }).collect_view().into_any()
                })}
            </div>
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Save role"</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
    .into_any()
}
