//! Portico's storage: sea-orm entities and the queries the use cases run. Every function takes
//! a `ConnectionTrait`, so a use case runs them all inside one transaction.

pub mod access_tokens;
pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod ceremonies;
pub mod credentials;
pub mod deployment_logs;
pub mod deployments;
pub mod entities;
pub mod invitations;
mod lease;
pub mod links;
pub mod maintenance;
pub mod memberships;
pub mod outbox;
pub mod passkeys;
pub mod projects;
pub mod schedules;
pub mod sessions;
pub mod settings;
pub mod sso;
pub mod status_subscribers;
pub mod throttles;
pub mod webhooks;

use std::time::Duration;

use portico_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqlErr, Statement};

pub use sea_orm::{DatabaseConnection as Db, DatabaseTransaction, TransactionTrait};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl StoreError {
    /// The message of a unique-constraint violation, when that is what happened.
    pub fn unique_violation(&self) -> Option<String> {
        match self {
            StoreError::Db(error) => match error.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(message)) => Some(message),
                _ => None,
            },
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Opens the database. SQLite gets WAL, foreign keys and a busy timeout, and a single
/// connection: SQLite has one writer anyway, and one connection rules out the "database is
/// locked" failures of concurrent deferred transactions. Connections are not pinged before
/// every use (sqlx's default): that ping was a second round trip for each query. A local SQLite
/// file cannot go stale; a PostgreSQL connection is checked after half a minute of idling.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).acquire_timeout(Duration::from_secs(10)).connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .test_before_acquire(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
    } else {
        options.max_connections(16).min_connections(1).test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Names of migrations not yet applied.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.iter().map(|m| m.name().to_owned()).collect())
}

/// A round trip to the database.
pub async fn ping(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(db.get_database_backend(), "SELECT 1")).await.map(|_| ())
}

pub fn is_sqlite(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}
