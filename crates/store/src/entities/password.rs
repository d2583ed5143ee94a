use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passwords")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    pub hash: String,
    pub scheme: PasswordScheme,
    pub changed_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// How a stored password hash was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum PasswordScheme {
    /// argon2id in a PHC string (every new or changed password).
    #[sea_orm(string_value = "argon2id")]
    Argon2id,
    /// PBKDF2 in ASP.NET Identity v3's format (imported from Xperience; replaced at sign-in).
    #[sea_orm(string_value = "aspnet_identity_v3")]
    AspnetIdentityV3,
}
