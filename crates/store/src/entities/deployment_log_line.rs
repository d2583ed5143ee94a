use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deployment_log_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub deployment_id: Uuid,
    pub written_at: DateTime<Utc>,
    pub stream: LogStream,
    #[sea_orm(column_type = "Text")]
    pub line: String,
}

/// Who wrote a line of a deployment's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum LogStream {
    /// Portico itself (received, checked, started, finished).
    Portico,
    /// The deploy command's standard output.
    Stdout,
    /// The deploy command's standard error.
    Stderr,
}

impl LogStream {
    pub fn as_str(self) -> &'static str {
        match self {
            LogStream::Portico => "portico",
            LogStream::Stdout => "stdout",
            LogStream::Stderr => "stderr",
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
