//! Accounts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::account::{self, BuiltinAccount};
use portico_domain::identity::SystemRole;

/// Makes sure the built-in Administrator, Public and ProjectToken accounts exist; returns the Administrator
/// and whether this call created it (a first start).
pub async fn ensure_builtin_accounts(
    db: &impl ConnectionTrait,
    admin_email: &str,
    now: DateTime<Utc>,
) -> StoreResult<(account::Model, bool)> {
    for (hidden, user_name) in [(BuiltinAccount::Public, "public"), (BuiltinAccount::ProjectToken, "~project-token")] {
        if find_builtin(db, hidden).await?.is_none() {
            insert_builtin(db, hidden, user_name, None, SystemRole::User, now).await?;
        }
    }
    match find_builtin(db, BuiltinAccount::Administrator).await? {
        Some(admin) => Ok((admin, false)),
        None => {
            let admin = insert_builtin(
                db,
                BuiltinAccount::Administrator,
                "administrator",
                Some(admin_email),
                SystemRole::Administrator,
                now,
            )
            .await?;
            Ok((admin, true))
        }
    }
}

pub async fn find_builtin(db: &impl ConnectionTrait, which: BuiltinAccount) -> StoreResult<Option<account::Model>> {
    Ok(account::Entity::find().filter(account::Column::Builtin.eq(which)).one(db).await?)
}

async fn insert_builtin(
    db: &impl ConnectionTrait,
    which: BuiltinAccount,
    user_name: &str,
    email: Option<&str>,
    system_role: SystemRole,
    now: DateTime<Utc>,
) -> StoreResult<account::Model> {
    let model = account::ActiveModel {
        id: Set(Uuid::now_v7()),
        builtin: Set(Some(which)),
        user_name: Set(user_name.to_owned()),
        user_name_key: Set(user_name.to_lowercase()),
        email: Set(email.map(str::to_owned)),
        email_key: Set(email.map(str::to_lowercase)),
        // How deployments and the audit log name what a project token did.
        first_name: Set(if which == BuiltinAccount::ProjectToken { "Project token".into() } else { String::new() }),
        last_name: Set(String::new()),
        system_role: Set(system_role),
        // Nobody signs in as Public or ProjectToken.
        enabled: Set(which == BuiltinAccount::Administrator),
        created_at: Set(now),
        updated_at: Set(now),
        mfa_self_enrol_until: Set(None),
    };
    Ok(model.insert(db).await?)
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub user_name: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub system_role: SystemRole,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewAccount, now: DateTime<Utc>) -> StoreResult<account::Model> {
    let model = account::ActiveModel {
        id: Set(Uuid::now_v7()),
        builtin: Set(None),
        user_name_key: Set(new.user_name.to_lowercase()),
        user_name: Set(new.user_name),
        email_key: Set(Some(new.email.to_lowercase())),
        email: Set(Some(new.email)),
        first_name: Set(new.first_name),
        last_name: Set(new.last_name),
        system_role: Set(new.system_role),
        enabled: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        mfa_self_enrol_until: Set(None),
    };
    Ok(model.insert(db).await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<account::Model>> {
    Ok(account::Entity::find_by_id(id).one(db).await?)
}

/// The account signing in as `key` (a lower-cased email or user name). Never the Public account.
pub async fn find_by_sign_in_key(db: &impl ConnectionTrait, key: &str) -> StoreResult<Option<account::Model>> {
    let column = if key.contains('@') { account::Column::EmailKey } else { account::Column::UserNameKey };
    Ok(account::Entity::find()
        .filter(column.eq(key))
        .filter(account::Column::Builtin.is_null().or(account::Column::Builtin.eq(BuiltinAccount::Administrator)))
        .one(db)
        .await?)
}

pub async fn find_by_email_key(db: &impl ConnectionTrait, email_key: &str) -> StoreResult<Option<account::Model>> {
    Ok(account::Entity::find().filter(account::Column::EmailKey.eq(email_key)).one(db).await?)
}

pub async fn user_name_taken(db: &impl ConnectionTrait, user_name_key: &str) -> StoreResult<bool> {
    Ok(account::Entity::find().filter(account::Column::UserNameKey.eq(user_name_key)).one(db).await?.is_some())
}

pub async fn update(db: &impl ConnectionTrait, model: account::ActiveModel) -> StoreResult<account::Model> {
    Ok(model.update(db).await?)
}

/// Filters of the Administrator's account list.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Lower-cased text matched against user name, email, first and last name.
    pub search: Option<String>,
    pub status: Option<&'static str>,
}

/// One page of accounts for the Administrator (never the Public account), newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &AccountFilter,
    now: DateTime<Utc>,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<account::Model>, u64)> {
    use sea_orm::sea_query::{Expr, Query};
    use sea_orm::{Condition, PaginatorTrait, QueryOrder, QuerySelect};

    use crate::entities::{invitation, oidc_link, password};

    let mut condition = Condition::all()
        .add(account::Column::Builtin.is_null().or(account::Column::Builtin.eq(BuiltinAccount::Administrator)));
    if let Some(text) = filter.search.as_deref().filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let like = |p: &str| sea_orm::sea_query::LikeExpr::new(p).escape('\\');
        let lower = |column: account::Column| Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(column)));
        condition = condition.add(
            Condition::any()
                .add(account::Column::UserNameKey.like(like(&pattern)))
                .add(account::Column::EmailKey.like(like(&pattern)))
                .add(lower(account::Column::FirstName).like(like(&pattern)))
                .add(lower(account::Column::LastName).like(like(&pattern))),
        );
    }
    // Registered: a password, or a single sign-on link (an account made through single sign-on
    // has no password).
    let has_password = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(password::Entity)
            .and_where(
                Expr::col((password::Entity, password::Column::AccountId))
                    .equals((account::Entity, account::Column::Id)),
            )
            .to_owned(),
    )
    .or(Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(oidc_link::Entity)
            .and_where(
                Expr::col((oidc_link::Entity, oidc_link::Column::AccountId))
                    .equals((account::Entity, account::Column::Id)),
            )
            .to_owned(),
    ));
    let open_invitation = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(invitation::Entity)
            .and_where(
                Expr::col((invitation::Entity, invitation::Column::AccountId))
                    .equals((account::Entity, account::Column::Id)),
            )
            .and_where(Expr::col((invitation::Entity, invitation::Column::AcceptedAt)).is_null())
            .and_where(Expr::col((invitation::Entity, invitation::Column::RevokedAt)).is_null())
            .and_where(Expr::col((invitation::Entity, invitation::Column::ExpiresAt)).gt(now))
            .to_owned(),
    );
    condition = match filter.status {
        Some("disabled") => condition.add(account::Column::Enabled.eq(false)),
        Some("active") => condition.add(account::Column::Enabled.eq(true)).add(has_password),
        Some("invited") => {
            condition.add(account::Column::Enabled.eq(true)).add(has_password.not()).add(open_invitation)
        }
        Some("invitation_expired") => {
            condition.add(account::Column::Enabled.eq(true)).add(has_password.not()).add(open_invitation.not())
        }
        _ => condition,
    };
    let query = account::Entity::find().filter(condition).order_by_desc(account::Column::CreatedAt);
    let total = query.clone().count(db).await?;
    Ok((query.offset(offset).limit(limit).all(db).await?, total))
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<bool> {
    Ok(account::Entity::delete_by_id(id).exec(db).await?.rows_affected == 1)
}

/// Accounts by id (for names in lists).
pub async fn find_many(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> StoreResult<Vec<account::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(account::Entity::find().filter(account::Column::Id.is_in(ids)).all(db).await?)
}

/// Every enabled Administrator with an email.
pub async fn administrators(db: &impl ConnectionTrait) -> StoreResult<Vec<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::SystemRole.eq(SystemRole::Administrator))
        .filter(account::Column::Enabled.eq(true))
        .filter(account::Column::Email.is_not_null())
        .all(db)
        .await?)
}
