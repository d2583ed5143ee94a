//! Several servers on one PostgreSQL: each announces the changes it makes (`NOTIFY` on one
//! channel, with its instance id) and listens to the others' (`LISTEN`, in
//! `workers::cluster`), forgetting its read cache on each announcement, so a session ended or a
//! token revoked through one server is refused by all of them at once. SQLite has one server.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// The channel every server of an installation announces on.
pub const CHANNEL: &str = "portico_changes";

pub fn is_shared(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// Tells the other servers that something changed (a no-op on SQLite).
pub async fn announce(db: &DatabaseConnection, instance: &str) -> Result<(), sea_orm::DbErr> {
    if !is_shared(db) {
        return Ok(());
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), instance.into()],
    ))
    .await?;
    Ok(())
}
