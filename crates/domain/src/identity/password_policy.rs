//! The password policy: Xperience's defaults (at least 8 characters with an upper-case letter,
//! a lower-case letter, a digit and a non-alphanumeric character), a `nist` preset (at least 15
//! characters, no composition rules), and in both the 10,000 most common passwords refused.
//! The server enforces it and the browser app runs the very same check as the user types,
//! except that the browser app only knows the 1,000 most common passwords: the full list would
//! be a tenth of its download, and the server refuses the rest with the same wording.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Longest password accepted: long passphrases are welcome, unbounded input is not.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The 10,000 most common passwords (lower-cased, most common first), from the zxcvbn frequency
/// lists (MIT). The `all-common-passwords` feature (the server's) selects the whole list.
#[cfg(feature = "all-common-passwords")]
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");
/// The first 1,000 lines of `common-passwords.txt`, for the browser app.
#[cfg(not(feature = "all-common-passwords"))]
const COMMON_PASSWORDS: &str = include_str!("common-passwords-top-1000.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.is_empty()).collect())
}

pub fn is_common_password(password: &str) -> bool {
    common_passwords().contains(password.to_lowercase().as_str())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PolicyPreset {
    /// Xperience's default composition rules.
    Xperience,
    /// NIST SP 800-63B: length over composition.
    Nist,
    /// Edited by an Administrator.
    Custom,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordPolicy {
    pub preset: PolicyPreset,
    /// Fewest characters.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 128))]
    pub min_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_digit: bool,
    pub require_non_alphanumeric: bool,
    /// Fewest distinct characters.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 128))]
    pub min_unique_chars: u32,
    /// Passwords refused whatever else they satisfy (compared ignoring case), on top of the
    /// built-in list of 10,000 common passwords.
    pub forbidden_passwords: Vec<String>,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self::xperience()
    }
}

impl PasswordPolicy {
    pub fn xperience() -> Self {
        Self {
            preset: PolicyPreset::Xperience,
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_digit: true,
            require_non_alphanumeric: true,
            min_unique_chars: 0,
            forbidden_passwords: Vec::new(),
        }
    }

    pub fn nist() -> Self {
        Self {
            preset: PolicyPreset::Nist,
            min_length: 15,
            require_uppercase: false,
            require_lowercase: false,
            require_digit: false,
            require_non_alphanumeric: false,
            min_unique_chars: 0,
            forbidden_passwords: Vec::new(),
        }
    }

    /// The policy an Administrator asked for: a preset's values, or their own.
    pub fn from_preset(preset: PolicyPreset) -> Option<Self> {
        match preset {
            PolicyPreset::Xperience => Some(Self::xperience()),
            PolicyPreset::Nist => Some(Self::nist()),
            PolicyPreset::Custom => None,
        }
    }

    /// Checks an edited policy for sense; returns per-field messages.
    pub fn validate(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        if self.min_length == 0 || self.min_length > 128 {
            errors.push(("min_length", "must be between 1 and 128".to_owned()));
        }
        if self.min_unique_chars > 128 {
            errors.push(("min_unique_chars", "must be between 0 and 128".to_owned()));
        }
        if self.min_unique_chars > self.min_length.max(1) * 4 {
            errors.push(("min_unique_chars", "cannot be met by a password of a sensible length".to_owned()));
        }
        if self.forbidden_passwords.len() > 10_000 {
            errors.push(("forbidden_passwords", "at most 10,000 entries".to_owned()));
        }
        if self.forbidden_passwords.iter().any(|p| p.chars().count() > MAX_PASSWORD_CHARS) {
            errors.push(("forbidden_passwords", format!("entries must be at most {MAX_PASSWORD_CHARS} characters")));
        }
        errors
    }

    /// Every rule `password` breaks, in words for the person typing it. Empty means accepted.
    pub fn violations(&self, password: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let length = password.chars().count();
        if length < self.min_length as usize {
            problems.push(format!("at least {} characters", self.min_length));
        }
        if length > MAX_PASSWORD_CHARS {
            problems.push(format!("at most {MAX_PASSWORD_CHARS} characters"));
        }
        if self.require_uppercase && !password.chars().any(char::is_uppercase) {
            problems.push("an upper-case letter".to_owned());
        }
        if self.require_lowercase && !password.chars().any(char::is_lowercase) {
            problems.push("a lower-case letter".to_owned());
        }
        if self.require_digit && !password.chars().any(|c| c.is_ascii_digit()) {
            problems.push("a digit".to_owned());
        }
        if self.require_non_alphanumeric && !password.chars().any(|c| !c.is_alphanumeric()) {
            problems.push("a character that is not a letter or digit".to_owned());
        }
        if self.min_unique_chars > 0 {
            let unique: HashSet<char> = password.chars().collect();
            if unique.len() < self.min_unique_chars as usize {
                problems.push(format!("at least {} different characters", self.min_unique_chars));
            }
        }
        let lowered = password.to_lowercase();
        if self.forbidden_passwords.iter().any(|f| f.to_lowercase() == lowered) || is_common_password(password) {
            problems.push("not a common or forbidden password".to_owned());
        }
        problems
    }

    /// One sentence describing what is missing, or None when the password is accepted.
    pub fn explain(&self, password: &str) -> Option<String> {
        let problems = self.violations(password);
        (!problems.is_empty()).then(|| format!("The password needs {}.", problems.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xperience_default_needs_every_character_class() {
        let policy = PasswordPolicy::default();
        assert!(policy.violations("Correct-Horse-7").is_empty());
        assert_eq!(policy.violations("Ab1!"), ["at least 8 characters"]);
        assert_eq!(policy.violations("abcdefg1!"), ["an upper-case letter"]);
        assert_eq!(policy.violations("ABCDEFG1!"), ["a lower-case letter"]);
        assert_eq!(policy.violations("Abcdefgh!"), ["a digit"]);
        assert_eq!(policy.violations("Abcdefgh1"), ["a character that is not a letter or digit"]);
    }

    #[test]
    #[cfg(feature = "all-common-passwords")]
    fn common_passwords_are_refused_ignoring_case() {
        let policy = PasswordPolicy::nist();
        assert!(is_common_password("PASSWORD"));
        assert!(is_common_password("123456"));
        assert!(!is_common_password("a quiet lake at dawn"));
        assert_eq!(policy.violations("1QAZ2WSX3EDC4RFV"), ["not a common or forbidden password"]);
        let mut with_list = PasswordPolicy::nist();
        with_list.forbidden_passwords = vec!["Portico Portal Password".into()];
        assert_eq!(with_list.violations("portico portal password"), ["not a common or forbidden password"]);
    }

    #[test]
    #[cfg(feature = "all-common-passwords")]
    fn the_common_password_list_holds_ten_thousand_entries() {
        assert_eq!(common_passwords().len(), 10_000);
    }

    #[test]
    fn the_browser_list_is_the_head_of_the_full_list() {
        let full: Vec<&str> = include_str!("common-passwords.txt").lines().collect();
        let top: Vec<&str> = include_str!("common-passwords-top-1000.txt").lines().collect();
        assert_eq!(top.len(), 1_000);
        assert_eq!(top, full[..1_000]);
        // Both builds refuse the most common ones, whatever the case.
        assert!(is_common_password("PASSWORD"));
        assert!(is_common_password("123456"));
    }

    #[test]
    fn nist_preset_wants_length_not_composition() {
        let policy = PasswordPolicy::nist();
        assert!(policy.violations("a quiet lake at dawn").is_empty());
        assert_eq!(policy.violations("Sh0rt!"), ["at least 15 characters"]);
    }

    #[test]
    fn allows_long_passphrases_but_not_unbounded_input() {
        let policy = PasswordPolicy::default();
        let long = format!("Aa1!{}", "x".repeat(124));
        assert_eq!(long.chars().count(), 128);
        assert!(policy.violations(&long).is_empty());
        let too_long = format!("Aa1!{}", "x".repeat(MAX_PASSWORD_CHARS));
        assert_eq!(policy.violations(&too_long), [format!("at most {MAX_PASSWORD_CHARS} characters")]);
    }

    #[test]
    fn unique_characters_are_counted() {
        let mut policy = PasswordPolicy::nist();
        policy.min_unique_chars = 6;
        assert_eq!(policy.violations("aaaaaaaaaaaaaaaaaaaab"), ["at least 6 different characters"]);
        assert!(policy.violations("abcdefabcdefabcdef").is_empty());
    }

    #[test]
    fn explains_in_one_sentence() {
        assert_eq!(
            PasswordPolicy::default().explain("abc").unwrap(),
            "The password needs at least 8 characters, an upper-case letter, a digit, a character that is not a letter or digit."
        );
        assert_eq!(PasswordPolicy::default().explain("Correct-Horse-7"), None);
    }

    #[test]
    fn validation_refuses_nonsense_policies() {
        let policy = PasswordPolicy { min_length: 0, ..Default::default() };
        assert_eq!(policy.validate()[0].0, "min_length");
    }
}
