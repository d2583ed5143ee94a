//! Platform settings edited at run time (e.g. the password policy), as JSON by key.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::StoreResult;
use crate::entities::setting;

pub const PASSWORD_POLICY: &str = "password_policy";

pub async fn get(db: &impl ConnectionTrait, key: &str) -> StoreResult<Option<serde_json::Value>> {
    Ok(setting::Entity::find_by_id(key.to_owned()).one(db).await?.map(|row| row.value))
}

pub async fn put(
    db: &impl ConnectionTrait,
    key: &str,
    value: serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    setting::Entity::insert(setting::ActiveModel { key: Set(key.to_owned()), value: Set(value), updated_at: Set(now) })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}
