//! Single sign-on: OpenID Connect providers, the accounts linked to their subjects, and the
//! round trips under way.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{oidc_flow, oidc_link, oidc_provider};

pub async fn providers(db: &impl ConnectionTrait) -> StoreResult<Vec<oidc_provider::Model>> {
    Ok(oidc_provider::Entity::find().order_by_asc(oidc_provider::Column::DisplayName).all(db).await?)
}

pub async fn provider(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<oidc_provider::Model>> {
    Ok(oidc_provider::Entity::find_by_id(id).one(db).await?)
}

pub async fn provider_by_slug(db: &impl ConnectionTrait, slug: &str) -> StoreResult<Option<oidc_provider::Model>> {
    Ok(oidc_provider::Entity::find().filter(oidc_provider::Column::Slug.eq(slug)).one(db).await?)
}

/// Stores a provider (the caller made its id, to which the sealed secret is bound).
pub async fn insert_provider(
    db: &impl ConnectionTrait,
    row: oidc_provider::Model,
) -> StoreResult<oidc_provider::Model> {
    Ok(oidc_provider::ActiveModel::from(row).insert(db).await?)
}

pub async fn update_provider(
    db: &impl ConnectionTrait,
    row: oidc_provider::Model,
) -> StoreResult<oidc_provider::Model> {
    Ok(oidc_provider::ActiveModel::from(row).reset_all().update(db).await?)
}

pub async fn delete_provider(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<bool> {
    // Links and flows go with it (also without foreign keys enforced).
    oidc_link::Entity::delete_many().filter(oidc_link::Column::ProviderId.eq(id)).exec(db).await?;
    oidc_flow::Entity::delete_many().filter(oidc_flow::Column::ProviderId.eq(id)).exec(db).await?;
    Ok(oidc_provider::Entity::delete_by_id(id).exec(db).await?.rows_affected == 1)
}

pub async fn link_by_subject(
    db: &impl ConnectionTrait,
    provider_id: Uuid,
    subject: &str,
) -> StoreResult<Option<oidc_link::Model>> {
    Ok(oidc_link::Entity::find()
        .filter(oidc_link::Column::ProviderId.eq(provider_id))
        .filter(oidc_link::Column::Subject.eq(subject))
        .one(db)
        .await?)
}

/// Links an account to a provider's subject.
pub async fn insert_link(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    provider_id: Uuid,
    subject: &str,
    email: &str,
    now: DateTime<Utc>,
) -> StoreResult<oidc_link::Model> {
    Ok(oidc_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(account_id),
        provider_id: Set(provider_id),
        subject: Set(subject.to_owned()),
        email: Set(email.to_owned()),
        created_at: Set(now),
        last_used_at: Set(Some(now)),
    }
    .insert(db)
    .await?)
}

pub async fn touch_link(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    oidc_link::Entity::update_many()
        .col_expr(oidc_link::Column::LastUsedAt, Expr::value(now))
        .filter(oidc_link::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn links_of(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<Vec<oidc_link::Model>> {
    Ok(oidc_link::Entity::find()
        .filter(oidc_link::Column::AccountId.eq(account_id))
        .order_by_asc(oidc_link::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn delete_link(db: &impl ConnectionTrait, account_id: Uuid, id: Uuid) -> StoreResult<bool> {
    let result = oidc_link::Entity::delete_many()
        .filter(oidc_link::Column::Id.eq(id))
        .filter(oidc_link::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub struct NewFlow<'a> {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub state_hash: &'a str,
    pub nonce: &'a str,
    pub verifier_ciphertext: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Stores a round trip to the provider (and drops those that ran out).
pub async fn insert_flow(db: &impl ConnectionTrait, new: NewFlow<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    oidc_flow::Entity::delete_many().filter(oidc_flow::Column::ExpiresAt.lte(now)).exec(db).await?;
    oidc_flow::ActiveModel {
        id: Set(new.id),
        provider_id: Set(new.provider_id),
        state_hash: Set(new.state_hash.to_owned()),
        nonce: Set(new.nonce.to_owned()),
        verifier_ciphertext: Set(new.verifier_ciphertext.to_owned()),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes a round trip (deleted: a callback is answered once). None when there is none, it ran
/// out, or another request took it first.
pub async fn take_flow(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<oidc_flow::Model>> {
    let Some(found) = oidc_flow::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let deleted = oidc_flow::Entity::delete_by_id(id).exec(db).await?.rows_affected == 1;
    Ok((deleted && found.expires_at > now).then_some(found))
}

/// Which of `ids` have a single sign-on link.
pub async fn accounts_with_link(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<Vec<Uuid>> {
    Ok(oidc_link::Entity::find()
        .filter(oidc_link::Column::AccountId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.account_id)
        .collect())
}
