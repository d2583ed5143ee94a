//! Accounts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::account;

pub const BUILTIN_ADMINISTRATOR: &str = "administrator";
pub const BUILTIN_PUBLIC: &str = "public";

/// Makes sure the built-in Administrator and Public accounts exist; returns the Administrator
/// and whether this call created it (a first start).
pub async fn ensure_builtin_accounts(
    db: &impl ConnectionTrait,
    admin_email: &str,
    now: DateTime<Utc>,
) -> StoreResult<(account::Model, bool)> {
    if find_builtin(db, BUILTIN_PUBLIC).await?.is_none() {
        insert_builtin(db, BUILTIN_PUBLIC, "public", None, "user", now).await?;
    }
    match find_builtin(db, BUILTIN_ADMINISTRATOR).await? {
        Some(admin) => Ok((admin, false)),
        None => {
            let admin =
                insert_builtin(db, BUILTIN_ADMINISTRATOR, "administrator", Some(admin_email), "administrator", now)
                    .await?;
            Ok((admin, true))
        }
    }
}

pub async fn find_builtin(db: &impl ConnectionTrait, which: &str) -> StoreResult<Option<account::Model>> {
    Ok(account::Entity::find().filter(account::Column::Builtin.eq(which)).one(db).await?)
}

async fn insert_builtin(
    db: &impl ConnectionTrait,
    which: &str,
    user_name: &str,
    email: Option<&str>,
    system_role: &str,
    now: DateTime<Utc>,
) -> StoreResult<account::Model> {
    let model = account::ActiveModel {
        id: Set(Uuid::now_v7()),
        builtin: Set(Some(which.to_owned())),
        user_name: Set(user_name.to_owned()),
        user_name_key: Set(user_name.to_lowercase()),
        email: Set(email.map(str::to_owned)),
        email_key: Set(email.map(str::to_lowercase)),
        first_name: Set(String::new()),
        last_name: Set(String::new()),
        system_role: Set(system_role.to_owned()),
        // Nobody signs in as Public.
        enabled: Set(which != BUILTIN_PUBLIC),
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
    pub system_role: String,
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
        .filter(account::Column::Builtin.is_null().or(account::Column::Builtin.ne(BUILTIN_PUBLIC)))
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
