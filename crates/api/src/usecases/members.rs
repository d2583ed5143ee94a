//! A project's members: the list, role changes, removal, leaving, and handing over the
//! primary-contact crown. Invariants: exactly one primary contact, always a Tenant
//! Administrator, and at least one Tenant Administrator.

use portico_domain::projects::api::Member;
use portico_domain::projects::{Action, ProjectRole};
use portico_store::entities::account;
use portico_store::{audit, memberships};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::cache::CacheKey;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a change to a project's members was refused.
    pub enum MembersError {
        MemberNotFound => (NotFound, "member_not_found", "This project has no such member."),
        PrimaryContactProtected => (Conflict, "primary_contact_protected", "The primary contact can be neither removed nor demoted. Hand the primary contact over to another \
         Tenant Administrator first (POST /primary-contact)."),
        LastTenantAdministrator => (Conflict, "last_tenant_administrator", "A project must keep at least one Tenant Administrator. Make someone else Tenant Administrator first."),
        RoleForbidden => (Forbidden, "role_forbidden", "Only the primary contact or an Administrator can hand over the primary contact."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::tokens::TokensError }
}

pub type MembersResult<T> = Result<T, MembersError>;

pub async fn list(state: &Context, access: &ProjectAccess) -> MembersResult<Vec<Member>> {
    access.require(Action::ViewProject)?;
    let project = &access.project;
    let members = state
        .cache
        .get_or_load(CacheKey::Members(project.id), || async {
            let rows = memberships::list_with_accounts(&state.db, project.id).await?;
            let mut members: Vec<Member> = rows
                .into_iter()
                .map(|(membership, account)| Member {
                    primary_contact: project.primary_contact_id == Some(account.id),
                    account_id: account.id,
                    user_name: account.user_name,
                    email: account.email.unwrap_or_default(),
                    first_name: account.first_name,
                    last_name: account.last_name,
                    role: membership.role,
                    joined_at: membership.joined_at,
                })
                .collect();
            members.sort_by_key(|m| (!m.primary_contact, m.role != ProjectRole::TenantAdministrator, m.joined_at));
            Ok::<_, MembersError>(members)
        })
        .await?;
    Ok(members.as_ref().clone())
}

fn member_not_found() -> MembersError {
    MembersError::MemberNotFound
}

fn crown_protected() -> MembersError {
    MembersError::PrimaryContactProtected
}

pub async fn change_role(
    state: &Context,
    client: &ClientInfo,
    actor: &account::Model,
    guid: Uuid,
    account_id: Uuid,
    role: ProjectRole,
) -> MembersResult<Member> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, actor, guid, state.today()).await?;
    access.require(Action::ManageMembers)?;
    access.require_writable()?;
    let membership = memberships::find(&txn, guid, account_id).await?.ok_or_else(member_not_found)?;
    let current = membership.role;
    if current == ProjectRole::TenantAdministrator && role != ProjectRole::TenantAdministrator {
        if access.project.primary_contact_id == Some(account_id) {
            return Err(crown_protected());
        }
        if memberships::count_with_role(&txn, guid, ProjectRole::TenantAdministrator).await? <= 1 {
            return Err(last_tenant_administrator());
        }
    }
    memberships::set_role(&txn, guid, account_id, role.as_str()).await?;
    let changed = event("project.member_role_changed", "success", client)
        .actor(actor.id)
        .subject(account_id)
        .details(serde_json::json!({"from": current.as_str(), "to": role.as_str()}))
        .project(guid);
    audit::record(&txn, changed, now).await?;
    txn.commit().await?;
    let access = ProjectAccess::load(&state.db, actor, guid, state.today()).await?;
    list(state, &access).await?.into_iter().find(|m| m.account_id == account_id).ok_or_else(member_not_found)
}

fn last_tenant_administrator() -> MembersError {
    MembersError::LastTenantAdministrator
}

/// Removes a member (a Tenant Administrator removing someone, or anyone leaving). Their
/// access tokens in this project are revoked; other projects are untouched.
pub async fn remove(
    state: &Context,
    client: &ClientInfo,
    actor: &account::Model,
    guid: Uuid,
    account_id: Uuid,
) -> MembersResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, actor, guid, state.today()).await?;
    let leaving = account_id == actor.id;
    if !leaving {
        access.require(Action::ManageMembers)?;
    }
    access.require_writable()?;
    let membership = memberships::find(&txn, guid, account_id).await?.ok_or_else(member_not_found)?;
    if access.project.primary_contact_id == Some(account_id) {
        return Err(crown_protected());
    }
    if membership.role == ProjectRole::TenantAdministrator
        && memberships::count_with_role(&txn, guid, ProjectRole::TenantAdministrator).await? <= 1
    {
        return Err(last_tenant_administrator());
    }
    memberships::delete(&txn, guid, account_id).await?;
    crate::usecases::tokens::revoke_member_tokens(&txn, guid, account_id, now).await?;
    let removed = event(if leaving { "project.member_left" } else { "project.member_removed" }, "success", client)
        .actor(actor.id)
        .subject(account_id)
        .details(serde_json::json!({"role": membership.role}))
        .project(guid);
    audit::record(&txn, removed, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Hands the crown to another Tenant Administrator (by the primary contact or an Administrator).
pub async fn hand_over_primary_contact(
    state: &Context,
    client: &ClientInfo,
    actor: &account::Model,
    guid: Uuid,
    account_id: Uuid,
) -> MembersResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, actor, guid, state.today()).await?;
    access.require_writable()?;
    let is_primary_contact = access.project.primary_contact_id == Some(actor.id);
    if !(access.administrator || is_primary_contact) {
        return Err(MembersError::RoleForbidden);
    }
    let membership = memberships::find(&txn, guid, account_id).await?.ok_or_else(member_not_found)?;
    if membership.role != ProjectRole::TenantAdministrator {
        return Err(Failure::invalid_field(
            "account_id",
            "must be a Tenant Administrator of this project; change their role first",
        )
        .into());
    }
    let target = portico_store::accounts::find(&txn, account_id).await?.ok_or_else(member_not_found)?;
    let previous = access.project.primary_contact_id;
    let mut model = access.project.clone().into_active_model();
    model.primary_contact_id = Set(Some(account_id));
    model.primary_contact_email = Set(target.email.clone().unwrap_or_default());
    model.updated_at = Set(now);
    model.update(&txn).await?;
    let handed = event("project.primary_contact_changed", "success", client)
        .actor(actor.id)
        .subject(account_id)
        .details(serde_json::json!({"previous": previous}))
        .project(guid);
    audit::record(&txn, handed, now).await?;
    txn.commit().await?;
    Ok(())
}
