//! Accounts.

use chrono::{DateTime, Utc};
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
    };
    Ok(model.insert(db).await?)
}
