//! Secrets we hand out and only ever verify (link tokens, session ids, recovery codes): 256
//! random bits from the OS, stored as SHA-256 only.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Fills a buffer from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    bytes
}

/// A URL-safe token with 256 random bits.
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// What we store instead of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Crockford's base32: no I, L, O or U, so codes read back without mistakes.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RECOVERY_GROUPS: usize = 7;
const RECOVERY_GROUP_LEN: usize = 4;

/// A recovery code: 28 characters from a 32-letter alphabet (140 bits), grouped by four.
pub fn new_recovery_code() -> String {
    let bytes = random_bytes::<{ RECOVERY_GROUPS * RECOVERY_GROUP_LEN }>();
    let letters: Vec<char> = bytes.iter().map(|b| RECOVERY_ALPHABET[(b & 31) as usize] as char).collect();
    letters.chunks(RECOVERY_GROUP_LEN).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The form a recovery code is hashed in: upper case, without separators or spaces, with
/// the letters people mistake for digits read as those digits (Crockford).
pub fn normalize_recovery_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(hash(&a).len(), 64);
    }

    #[test]
    fn recovery_codes_are_grouped_and_normalize_back() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 7 * 4 + 6);
        assert_eq!(code.split('-').count(), 7);
        let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
        assert_eq!(normalize_recovery_code(&typed), code.replace('-', ""));
        assert_eq!(normalize_recovery_code("o1l-I"), "0111");
    }
}
