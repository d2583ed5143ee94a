//! Projects' preferred weekly update slots.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::update_schedule;

pub async fn get(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<Option<update_schedule::Model>> {
    Ok(update_schedule::Entity::find_by_id(project_id).one(db).await?)
}

pub async fn all(db: &impl ConnectionTrait) -> StoreResult<Vec<update_schedule::Model>> {
    Ok(update_schedule::Entity::find().all(db).await?)
}

pub async fn put(db: &impl ConnectionTrait, project_id: Uuid, slots: &str, now: DateTime<Utc>) -> StoreResult<()> {
    update_schedule::Entity::insert(update_schedule::ActiveModel {
        project_id: Set(project_id),
        slots: Set(slots.to_owned()),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(update_schedule::Column::ProjectId)
            .update_columns([update_schedule::Column::Slots, update_schedule::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
