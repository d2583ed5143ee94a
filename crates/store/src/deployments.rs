//! Deployments and the queue the runner works through, one deployment at a time per project.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::deployment;
use portico_domain::deployments::{DeploymentKind, DeploymentState};
use portico_domain::projects::Environment;

pub async fn insert(db: &impl ConnectionTrait, model: deployment::ActiveModel) -> StoreResult<deployment::Model> {
    Ok(model.insert(db).await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<deployment::Model>> {
    Ok(deployment::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_in_project(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<deployment::Model>> {
    Ok(deployment::Entity::find_by_id(id).filter(deployment::Column::ProjectId.eq(project_id)).one(db).await?)
}

/// One page of a project's deployments, newest first (without their logs).
pub async fn page(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<deployment::Model>, u64)> {
    let query = deployment::Entity::find()
        .filter(deployment::Column::ProjectId.eq(project_id))
        .order_by_desc(deployment::Column::CreatedAt);
    let total = query.clone().count(db).await?;
    Ok((query.offset(offset).limit(limit).all(db).await?, total))
}

/// The newest succeeded deployment of an environment.
pub async fn latest_succeeded(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    environment: Environment,
) -> StoreResult<Option<deployment::Model>> {
    Ok(deployment::Entity::find()
        .filter(deployment::Column::ProjectId.eq(project_id))
        .filter(deployment::Column::Environment.eq(environment))
        .filter(deployment::Column::State.eq(DeploymentState::Succeeded))
        .order_by_desc(deployment::Column::FinishedAt)
        .one(db)
        .await?)
}

/// Takes the oldest queued deployment of a project that has none running (a running one
/// whose lease ran out counts as abandoned). The project's rows are examined inside one
/// transaction holding a lock on the deployment, so two runners never start two deployments
/// of one project.
pub async fn claim_next(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    lease: Duration,
    runner: &str,
) -> StoreResult<Option<deployment::Model>> {
    let candidates = deployment::Entity::find()
        .filter(deployment::Column::State.eq(DeploymentState::Queued))
        .order_by_asc(deployment::Column::CreatedAt)
        .limit(20)
        .all(db)
        .await?;
    for candidate in candidates {
        let txn = db.begin().await?;
        if !crate::is_sqlite(&txn) {
            // Serialize claims per project on PostgreSQL.
            crate::projects::find_for_update(&txn, candidate.project_id).await?;
        }
        let running = deployment::Entity::find()
            .filter(deployment::Column::ProjectId.eq(candidate.project_id))
            .filter(deployment::Column::State.eq(DeploymentState::InProgress))
            .filter(deployment::Column::LeaseUntil.gt(now))
            .count(&txn)
            .await?;
        if running > 0 {
            txn.rollback().await?;
            continue;
        }
        let claimed = deployment::Entity::update_many()
            .col_expr(deployment::Column::State, Expr::value(DeploymentState::InProgress))
            .col_expr(deployment::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(deployment::Column::StartedAt, Expr::value(now))
            .col_expr(deployment::Column::Runner, Expr::value(runner))
            .filter(deployment::Column::Id.eq(candidate.id))
            .filter(deployment::Column::State.eq(DeploymentState::Queued))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if claimed.rows_affected == 1 {
            return Ok(Some(deployment::Model {
                state: DeploymentState::InProgress,
                lease_until: Some(now + lease),
                started_at: Some(now),
                runner: Some(runner.to_owned()),
                ..candidate
            }));
        }
    }
    Ok(None)
}

/// Keeps a running deployment's lease while its runner still holds it; false when another
/// server has taken it over (the lease ran out) or it is no longer running.
pub async fn renew_lease(db: &impl ConnectionTrait, id: Uuid, runner: &str, until: DateTime<Utc>) -> StoreResult<bool> {
    let renewed = deployment::Entity::update_many()
        .col_expr(deployment::Column::LeaseUntil, Expr::value(until))
        .filter(deployment::Column::Id.eq(id))
        .filter(deployment::Column::Runner.eq(runner))
        .filter(deployment::Column::State.eq(DeploymentState::InProgress))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected == 1)
}

/// Running deployments whose lease ran out by `now`: their server stopped.
pub async fn abandoned(db: &impl ConnectionTrait, now: DateTime<Utc>) -> StoreResult<Vec<deployment::Model>> {
    Ok(deployment::Entity::find()
        .filter(deployment::Column::State.eq(DeploymentState::InProgress))
        .filter(deployment::Column::LeaseUntil.lte(now))
        .all(db)
        .await?)
}

/// Fails an abandoned deployment unless its lease was renewed meanwhile; exactly one caller wins.
pub async fn fail_abandoned(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let failed = deployment::Entity::update_many()
        .col_expr(deployment::Column::State, Expr::value(DeploymentState::Failed))
        .col_expr(deployment::Column::FinishedAt, Expr::value(now))
        .col_expr(deployment::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(deployment::Column::Id.eq(id))
        .filter(deployment::Column::State.eq(DeploymentState::InProgress))
        .filter(deployment::Column::LeaseUntil.lte(now))
        .exec(db)
        .await?;
    Ok(failed.rows_affected == 1)
}

/// Asks the runner of a running deployment to stop it; false when it is not running.
pub async fn request_cancel(db: &impl ConnectionTrait, id: Uuid, by: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let asked = deployment::Entity::update_many()
        .col_expr(deployment::Column::CancelRequestedAt, Expr::value(now))
        .col_expr(deployment::Column::CancelRequestedBy, Expr::value(by))
        .filter(deployment::Column::Id.eq(id))
        .filter(deployment::Column::State.eq(DeploymentState::InProgress))
        .filter(deployment::Column::CancelRequestedAt.is_null())
        .exec(db)
        .await?;
    Ok(asked.rows_affected == 1)
}

/// Who asked to stop a running deployment, if anyone.
pub async fn cancel_request(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Option<Uuid>>> {
    let row = deployment::Entity::find_by_id(id).one(db).await?;
    Ok(row.and_then(|row| row.cancel_requested_at.map(|_| row.cancel_requested_by)))
}

/// Ends a deployment (the log is in its lines).
pub async fn finish(
    db: &impl ConnectionTrait,
    id: Uuid,
    state: DeploymentState,
    version: Option<String>,
    build_number: Option<String>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    deployment::Entity::update_many()
        .col_expr(deployment::Column::State, Expr::value(state))
        .col_expr(deployment::Column::PackageVersion, Expr::value(version))
        .col_expr(deployment::Column::BuildNumber, Expr::value(build_number))
        .col_expr(deployment::Column::FinishedAt, Expr::value(now))
        .col_expr(deployment::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(deployment::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a running upload's version and build number once its package is read.
pub async fn set_release(db: &impl ConnectionTrait, id: Uuid, version: &str, build_number: &str) -> StoreResult<()> {
    deployment::Entity::update_many()
        .col_expr(deployment::Column::PackageVersion, Expr::value(version))
        .col_expr(deployment::Column::BuildNumber, Expr::value(build_number))
        .filter(deployment::Column::Id.eq(id))
        .filter(deployment::Column::State.eq(DeploymentState::InProgress))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a deployment this runner still runs (with the release it put live, if it succeeded; else
/// what is stored stays); false when it no longer runs it (another server failed it after this
/// one's lease ran out).
pub async fn finish_run(
    db: &impl ConnectionTrait,
    id: Uuid,
    runner: &str,
    state: DeploymentState,
    release: Option<(Option<String>, Option<String>)>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let mut update = deployment::Entity::update_many()
        .col_expr(deployment::Column::State, Expr::value(state))
        .col_expr(deployment::Column::FinishedAt, Expr::value(now))
        .col_expr(deployment::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None));
    if let Some((version, build_number)) = release {
        update = update
            .col_expr(deployment::Column::PackageVersion, Expr::value(version))
            .col_expr(deployment::Column::BuildNumber, Expr::value(build_number));
    }
    let ended = update
        .filter(deployment::Column::Id.eq(id))
        .filter(deployment::Column::State.eq(DeploymentState::InProgress))
        .filter(deployment::Column::Runner.eq(runner))
        .exec(db)
        .await?;
    Ok(ended.rows_affected == 1)
}

/// Scheduled promotions whose time has come.
pub async fn due_scheduled(db: &impl ConnectionTrait, now: DateTime<Utc>) -> StoreResult<Vec<deployment::Model>> {
    Ok(deployment::Entity::find()
        .filter(deployment::Column::State.eq(DeploymentState::Scheduled))
        .filter(deployment::Column::ScheduledAt.lte(now))
        .order_by_asc(deployment::Column::ScheduledAt)
        .all(db)
        .await?)
}

/// Moves a deployment from one state to another if it is still in the first; exactly one
/// caller wins.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: DeploymentState,
    to: DeploymentState,
) -> StoreResult<bool> {
    let result = deployment::Entity::update_many()
        .col_expr(deployment::Column::State, Expr::value(to))
        .filter(deployment::Column::Id.eq(id))
        .filter(deployment::Column::State.eq(from))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Uploads of a project that still keep their package, newest first.
pub async fn with_packages(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<Vec<deployment::Model>> {
    Ok(deployment::Entity::find()
        .filter(deployment::Column::ProjectId.eq(project_id))
        .filter(deployment::Column::Kind.eq(DeploymentKind::Upload))
        .filter(deployment::Column::PackageKey.is_not_null())
        .filter(deployment::Column::State.is_in([
            DeploymentState::Succeeded,
            DeploymentState::Failed,
            DeploymentState::Cancelled,
        ]))
        .order_by_desc(deployment::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The bytes of the packages a project keeps (each stored once, however often it was promoted).
pub async fn stored_package_bytes(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<u64> {
    let sizes: Vec<i64> = deployment::Entity::find()
        .select_only()
        .column(deployment::Column::PackageSize)
        .filter(deployment::Column::ProjectId.eq(project_id))
        .filter(deployment::Column::Kind.eq(DeploymentKind::Upload))
        .filter(deployment::Column::PackageKey.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(sizes.into_iter().map(|size| size.max(0) as u64).sum())
}

/// Forgets a package's storage key (its file was deleted by retention).
pub async fn drop_package(db: &impl ConnectionTrait, package_key: &str) -> StoreResult<()> {
    deployment::Entity::update_many()
        .col_expr(deployment::Column::PackageKey, Expr::value(Option::<String>::None))
        .filter(deployment::Column::PackageKey.eq(package_key))
        .exec(db)
        .await?;
    Ok(())
}

/// Every package key still referenced (the store's objects without one are orphans).
pub async fn package_keys(db: &impl ConnectionTrait) -> StoreResult<Vec<String>> {
    let keys: Vec<Option<String>> = deployment::Entity::find()
        .select_only()
        .column(deployment::Column::PackageKey)
        .filter(deployment::Column::PackageKey.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(keys.into_iter().flatten().collect())
}

/// The newest deployment of a project still queued or running.
pub async fn latest_under_way(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<Option<deployment::Model>> {
    Ok(deployment::Entity::find()
        .filter(deployment::Column::ProjectId.eq(project_id))
        .filter(deployment::Column::State.is_in([DeploymentState::Queued, DeploymentState::InProgress]))
        .order_by_desc(deployment::Column::CreatedAt)
        .one(db)
        .await?)
}
