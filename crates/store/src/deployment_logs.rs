//! Deployment logs as lines, written as a deployment goes (by whichever server runs it) and read
//! by every server, so a follower on any server sees each line soon after it is written.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::deployment_log_line::{self, LogStream};

/// Appends lines to a deployment's log, in order.
pub async fn append(
    db: &impl ConnectionTrait,
    deployment_id: Uuid,
    lines: impl IntoIterator<Item = (DateTime<Utc>, LogStream, String)>,
) -> StoreResult<()> {
    let rows: Vec<deployment_log_line::ActiveModel> = lines
        .into_iter()
        .map(|(written_at, stream, line)| deployment_log_line::ActiveModel {
            id: NotSet,
            deployment_id: Set(deployment_id),
            written_at: Set(written_at),
            stream: Set(stream),
            line: Set(line),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    deployment_log_line::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// Appends one line of Portico's own.
pub async fn say(
    db: &impl ConnectionTrait,
    deployment_id: Uuid,
    at: DateTime<Utc>,
    text: impl Into<String>,
) -> StoreResult<()> {
    append(db, deployment_id, [(at, LogStream::Portico, text.into())]).await
}

/// How a line reads in the log: its UTC time, its stream and its text.
pub fn render(line: &deployment_log_line::Model) -> String {
    render_line(line.written_at, line.stream, &line.line)
}

/// `2026-12-01T10:00:00.250Z stdout  the text`
pub fn render_line(at: DateTime<Utc>, stream: LogStream, text: &str) -> String {
    format!("{} {:<7} {text}\n", at.format("%Y-%m-%dT%H:%M:%S%.3fZ"), stream.as_str())
}

/// The lines written after line `after` (0: from the start), oldest first, at most `limit`.
pub async fn after(
    db: &impl ConnectionTrait,
    deployment_id: Uuid,
    after: i64,
    limit: u64,
) -> StoreResult<Vec<deployment_log_line::Model>> {
    Ok(deployment_log_line::Entity::find()
        .filter(deployment_log_line::Column::DeploymentId.eq(deployment_id))
        .filter(deployment_log_line::Column::Id.gt(after))
        .order_by_asc(deployment_log_line::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
