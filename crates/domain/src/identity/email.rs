//! Email addresses, checked the way users expect (one `@`, a dotted domain, no spaces) rather
//! than by the whole of RFC 5322.

use std::fmt;

use serde::{Deserialize, Serialize};

pub const MAX_EMAIL_CHARS: usize = 254;

/// What the OpenAPI document promises an email field accepts (every match parses; the
/// document's email fields carry exactly this pattern).
pub const EMAIL_PATTERN: &str = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$";

/// A syntactically valid email address, kept as typed; `key()` is its case-insensitive form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("is required".into());
        }
        if text.chars().count() > MAX_EMAIL_CHARS {
            return Err(format!("must be at most {MAX_EMAIL_CHARS} characters"));
        }
        let Some((local, domain)) = text.rsplit_once('@') else {
            return Err("must be an email address like name@example.com".into());
        };
        let domain_ok = domain == "localhost"
            || (domain.contains('.')
                && domain.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                }));
        let local_ok = !local.is_empty()
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"".contains(c));
        if !(domain_ok && local_ok) {
            return Err("must be an email address like name@example.com".into());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for uniqueness and look-ups.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(local, _)| local).unwrap_or(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["ann@example.com", "Ann.Lee+portal@mail.example.co.uk", "admin@localhost", "  bob@x.io "] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Email::parse("  bob@x.io ").unwrap().as_str(), "bob@x.io");
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "ann@ex ample.com",
            "ann..lee@example.com",
            "ann@-x.com",
            "<ann>@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn key_ignores_case() {
        assert_eq!(Email::parse("Ann@Example.COM").unwrap().key(), "ann@example.com");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// What the OpenAPI document allows for an email, the server accepts.
        #[test]
        fn every_address_the_documented_pattern_allows_parses(
            address in proptest::string::string_regex(EMAIL_PATTERN.trim_start_matches('^').trim_end_matches('$')).unwrap()
        ) {
            prop_assume!(address.len() <= MAX_EMAIL_CHARS);
            prop_assert!(Email::parse(&address).is_ok(), "{address}");
        }

        #[test]
        fn parsing_never_panics_and_keys_are_lower_case(text in ".{0,300}") {
            if let Ok(email) = Email::parse(&text) {
                prop_assert_eq!(email.key(), email.as_str().to_lowercase());
            }
        }
    }
}
