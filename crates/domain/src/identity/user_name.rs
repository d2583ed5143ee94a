//! User names: unique (ignoring case), no white space, no special characters.

use std::fmt;

use serde::{Deserialize, Serialize};

pub const MAX_USER_NAME_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

impl UserName {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("is required".into());
        }
        if text.chars().count() > MAX_USER_NAME_CHARS {
            return Err(format!("must be at most {MAX_USER_NAME_CHARS} characters"));
        }
        if !text.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return Err("may contain only letters, digits, '.', '_' and '-' (no spaces)".into());
        }
        Ok(Self(text.to_owned()))
    }

    /// A user name made from an email's local part, for accounts created from invitations.
    pub fn from_email_local_part(local: &str) -> Self {
        let cleaned: String = local
            .chars()
            .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
            .take(MAX_USER_NAME_CHARS - 8)
            .collect();
        let cleaned = cleaned.trim_matches(['-', '.']).to_owned();
        Self(if cleaned.is_empty() { "user".to_owned() } else { cleaned })
    }

    /// The same name with a numeric suffix, to resolve a collision.
    pub fn with_suffix(&self, n: u32) -> Self {
        Self(format!("{}-{n}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl TryFrom<String> for UserName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        UserName::parse(&value)
    }
}

impl From<UserName> for String {
    fn from(value: UserName) -> Self {
        value.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_spaces_and_special_characters() {
        assert!(UserName::parse("ann.lee").is_ok());
        assert!(UserName::parse("ann_lee-2").is_ok());
        for bad in ["ann lee", "ann@lee", "ann/lee", "", "   ", "ann\tlee", "a;b"] {
            assert!(UserName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn derives_a_valid_name_from_an_email() {
        let name = UserName::from_email_local_part("ann+portal");
        assert_eq!(name.as_str(), "ann-portal");
        assert!(UserName::parse(name.as_str()).is_ok());
        assert_eq!(UserName::from_email_local_part("++").as_str(), "user");
        assert_eq!(name.with_suffix(2).as_str(), "ann-portal-2");
    }
}
