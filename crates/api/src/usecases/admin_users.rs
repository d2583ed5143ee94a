//! Platform user administration ("User management"): list, invite, edit, disable, delete.

use portico_domain::admin::{
    AccountStatus, AdminInviteRequest, AdminUpdateUserRequest, AdminUser, AdminUserQuery, account_status,
};
use portico_domain::identity::{Email, SystemRole, UserName, parse_person_name};
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::problem::FieldError;
use portico_store::entities::account;
use portico_store::{accounts, audit, credentials, invitations, projects as project_store, sessions};
use sea_orm::{IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::email_change::follow_email_change;
use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why an Administrator's change to an account was refused.
    pub enum AdminUsersError {
        EmailExists { email: String } => (Conflict, "email_taken", "An account with the email {email} exists."),
        AccountNotFound => (NotFound, "account_not_found", "There is no such account."),
        NotInvited => (Conflict, "not_invited", "Only accounts that have not set up a password can be invited again."),
        UserNameTaken => (Conflict, "user_name_taken", "Another account has this user name."),
        EmailTaken => (Conflict, "email_taken", "Another account has this email address."),
        BuiltinAccount => (Conflict, "builtin_account", "The built-in Administrator cannot be deleted."),
        CannotDeleteSelf => (Conflict, "cannot_delete_self", "You cannot delete your own account."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type AdminUsersResult<T> = Result<T, AdminUsersError>;

fn account_not_found() -> AdminUsersError {
    AdminUsersError::AccountNotFound
}

/// The account as the Administrator may handle it (never the Public account).
pub async fn find_manageable(state: &Context, id: Uuid) -> AdminUsersResult<account::Model> {
    accounts::find(&state.db, id).await?.filter(|a| !a.hidden()).ok_or_else(account_not_found)
}

async fn to_dto(state: &Context, rows: Vec<account::Model>) -> AdminUsersResult<Vec<AdminUser>> {
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    // Registered: a password, or (made through single sign-on) a link to a provider.
    let mut with_password = credentials::accounts_with_password(&state.db, &ids).await?;
    with_password.extend(portico_store::sso::accounts_with_link(&state.db, &ids).await?);
    let mut with_mfa = credentials::accounts_with_authenticator(&state.db, &ids).await?;
    with_mfa.extend(portico_store::passkeys::accounts_with_passkey(&state.db, &ids).await?);
    let invited = invitations::accounts_with_open_invitation(&state.db, &ids, state.now()).await?;
    Ok(rows
        .into_iter()
        .map(|a| AdminUser {
            status: account_status(a.enabled, with_password.contains(&a.id), invited.contains(&a.id)),
            mfa_enrolled: with_mfa.contains(&a.id),
            builtin: a.builtin.is_some(),
            system_role: a.system_role,
            id: a.id,
            user_name: a.user_name,
            email: a.email.unwrap_or_default(),
            first_name: a.first_name,
            last_name: a.last_name,
            enabled: a.enabled,
            created_at: a.created_at,
        })
        .collect())
}

pub async fn get(state: &Context, id: Uuid) -> AdminUsersResult<AdminUser> {
    let account = find_manageable(state, id).await?;
    Ok(to_dto(state, vec![account]).await?.remove(0))
}

pub async fn list(state: &Context, query: AdminUserQuery) -> AdminUsersResult<Page<AdminUser>> {
    let page =
        PageRequest::parse(PageQuery { page: query.page, per_page: query.per_page }).map_err(Failure::Invalid)?;
    let status = match query.status.as_deref() {
        None | Some("") => None,
        Some(text) => Some(match AccountStatus::parse(text) {
            Some(AccountStatus::Active) => "active",
            Some(AccountStatus::Disabled) => "disabled",
            Some(AccountStatus::Invited) => "invited",
            Some(AccountStatus::InvitationExpired) => "invitation_expired",
            None => {
                return Err(Failure::invalid_field(
                    "status",
                    "must be active, disabled, invited or invitation_expired",
                )
                .into());
            }
        }),
    };
    let search = query.search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    if search.as_ref().is_some_and(|s| s.chars().count() > 254) {
        return Err(Failure::invalid_field("search", "must be at most 254 characters").into());
    }
    let filter = accounts::AccountFilter { search, status };
    let (rows, total) = accounts::page(&state.db, &filter, state.now(), page.offset(), page.limit()).await?;
    Ok(Page::new(to_dto(state, rows).await?, page, total))
}

/// Creates an account without a password and emails it an invitation to set one up.
pub async fn invite(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    request: AdminInviteRequest,
) -> AdminUsersResult<AdminUser> {
    let email = Email::parse(&request.email).map_err(|m| Failure::invalid_field("email", m))?;
    let now = state.now();
    let txn = state.db.begin().await?;
    if accounts::find_by_email_key(&txn, &email.key()).await?.is_some() {
        return Err(AdminUsersError::EmailExists { email: email.as_str().to_owned() });
    }
    let user_name = super::free_user_name(&txn, UserName::from_email_local_part(email.local_part())).await?;
    let account = accounts::insert(
        &txn,
        accounts::NewAccount {
            user_name: user_name.as_str().to_owned(),
            email: email.as_str().to_owned(),
            first_name: String::new(),
            last_name: String::new(),
            system_role: request.system_role,
        },
        now,
    )
    .await?;
    issue_account_invitation(state, &txn, administrator, &account, now).await?;
    audit::record(
        &txn,
        event("account.invited", "success", client)
            .actor(administrator.id)
            .subject(account.id)
            .details(serde_json::json!({"email": email.as_str(), "system_role": request.system_role.as_str()})),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    get(state, account.id).await
}

async fn issue_account_invitation(
    state: &Context,
    txn: &sea_orm::DatabaseTransaction,
    administrator: &account::Model,
    account: &account::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> AdminUsersResult<()> {
    let token = crate::auth::secrets::new_token();
    let expires_at = now + state.settings.invitation_ttl();
    invitations::revoke_open_for_account(txn, account.id, now).await?;
    let email = super::require_account_email(account)?.to_owned();
    invitations::insert(
        txn,
        invitations::NewInvitation {
            token_hash: crate::auth::secrets::hash(&token),
            email: email.clone(),
            account_id: Some(account.id),
            system_role: Some(account.system_role),
            invited_by: Some(administrator.id),
            expires_at,
            ..Default::default()
        },
        now,
    )
    .await?;
    state
        .mailer
        .queue(
            txn,
            "invitation",
            &email,
            minijinja::context! {
                inviter => super::display_name(administrator),
                link => super::link(state, "invitations", &token),
                expires_at => super::format_time(expires_at),
            },
            now,
        )
        .await
        .map_err(Into::into)
}

pub async fn resend_invitation(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    id: Uuid,
) -> AdminUsersResult<AdminUser> {
    let user = get(state, id).await?;
    if !matches!(user.status, AccountStatus::Invited | AccountStatus::InvitationExpired) {
        return Err(AdminUsersError::NotInvited);
    }
    let account = find_manageable(state, id).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    issue_account_invitation(state, &txn, administrator, &account, now).await?;
    audit::record(&txn, event("account.invitation_resent", "success", client).actor(administrator.id).subject(id), now)
        .await?;
    txn.commit().await?;
    state.mailer.wake();
    get(state, id).await
}

pub async fn update(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    id: Uuid,
    request: AdminUpdateUserRequest,
) -> AdminUsersResult<AdminUser> {
    let account = find_manageable(state, id).await?;
    let builtin = account.builtin.is_some();
    let mut errors = Vec::new();
    let mut model = account.clone().into_active_model();
    if let Some(text) = &request.user_name {
        match UserName::parse(text) {
            Ok(name) => {
                model.user_name_key = Set(name.key());
                model.user_name = Set(name.as_str().to_owned());
            }
            Err(m) => errors.push(FieldError::new("user_name", m)),
        }
    }
    for (field, value, target) in [
        ("first_name", &request.first_name, &mut model.first_name),
        ("last_name", &request.last_name, &mut model.last_name),
    ] {
        if let Some(text) = value {
            match parse_person_name(text) {
                Ok(name) => *target = Set(name),
                Err(m) => errors.push(FieldError::new(field, m)),
            }
        }
    }
    let mut new_email = None;
    if let Some(text) = &request.email {
        match Email::parse(text) {
            Ok(email) if account.email_key.as_deref() == Some(email.key().as_str()) => {
                model.email = Set(Some(email.as_str().to_owned()));
            }
            Ok(email) => {
                model.email_key = Set(Some(email.key()));
                model.email = Set(Some(email.as_str().to_owned()));
                new_email = Some(email);
            }
            Err(m) => errors.push(FieldError::new("email", m)),
        }
    }
    if let Some(role) = request.system_role {
        if builtin && role != SystemRole::Administrator {
            errors.push(FieldError::new("system_role", "the built-in Administrator stays an Administrator"));
        } else if id == administrator.id && role != SystemRole::Administrator {
            errors.push(FieldError::new("system_role", "you cannot remove your own Administrator role"));
        }
        model.system_role = Set(role);
    }
    if let Some(enabled) = request.enabled {
        if !enabled && builtin {
            errors.push(FieldError::new("enabled", "the built-in Administrator cannot be disabled"));
        } else if !enabled && id == administrator.id {
            errors.push(FieldError::new("enabled", "you cannot disable your own account"));
        }
        model.enabled = Set(enabled);
    }
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors).into());
    }
    // Read before the transaction (SQLite has one connection): an account still invited gets
    // its invitation again at the new address.
    let still_invited = new_email.is_some()
        && matches!(get(state, id).await?.status, AccountStatus::Invited | AccountStatus::InvitationExpired);
    let now = state.now();
    model.updated_at = Set(now);
    let txn = state.db.begin().await?;
    let updated = accounts::update(&txn, model).await.map_err(|error| match error.unique_violation() {
        Some(message) if message.contains("user_name") => AdminUsersError::UserNameTaken,
        Some(_) => AdminUsersError::EmailTaken,
        None => error.into(),
    })?;
    if let Some(email) = &new_email {
        follow_email_change(state, &txn, &updated, account.email_key.as_deref(), email, administrator, now).await?;
        if still_invited {
            issue_account_invitation(state, &txn, administrator, &updated, now).await?;
        }
    }
    if request.enabled == Some(false) {
        sessions::delete_for_account(&txn, id, None).await?;
    }
    audit::record(
        &txn,
        event("account.updated", "success", client)
            .actor(administrator.id)
            .subject(id)
            .details(serde_json::to_value(&request).unwrap_or_default()),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    get(state, updated.id).await
}

/// Deletes an account. Projects it was primary contact of go back to waiting for one, and
/// the Administrators are told.
pub async fn delete(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    id: Uuid,
) -> AdminUsersResult<()> {
    let account = find_manageable(state, id).await?;
    if account.builtin.is_some() {
        return Err(AdminUsersError::BuiltinAccount);
    }
    if id == administrator.id {
        return Err(AdminUsersError::CannotDeleteSelf);
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    let orphaned = project_store::primary_contact_of(&txn, id).await?;
    accounts::delete(&txn, id).await?;
    audit::record(
        &txn,
        event("account.deleted", "success", client).actor(administrator.id).subject(id).details(serde_json::json!({
            "email": account.email, "user_name": account.user_name,
            "projects_awaiting_primary_contact": orphaned.iter().map(|p| p.id).collect::<Vec<_>>(),
        })),
        now,
    )
    .await?;
    if !orphaned.is_empty() {
        for recipient in accounts::administrators(&txn).await? {
            state
                .mailer
                .queue(
                    &txn,
                    "primary_contact_lost",
                    super::require_account_email(&recipient)?,
                    minijinja::context! {
                        name => super::display_name(&recipient),
                        deleted => super::display_name(&account),
                        projects => orphaned.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
                        link => format!("{}/admin/projects", state.settings.public_url()),
                    },
                    now,
                )
                .await?;
        }
    }
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}
