//! Time-based one-time passwords (RFC 6238): SHA-1, 6 digits, 30-second steps, one step of
//! clock drift either way. A code is tied to its time step; the caller stores the last step
//! accepted and refuses any step not after it, so each code works once.

use totp_rs::{Algorithm, TOTP};

pub const DIGITS: usize = 6;
pub const PERIOD_SECS: u64 = 30;
/// Steps accepted either side of now.
pub const SKEW_STEPS: u64 = 1;
/// 160-bit seeds, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

fn totp(secret: &[u8], digits: usize) -> TOTP {
    TOTP::new_unchecked(Algorithm::SHA1, digits, 0, PERIOD_SECS, secret.to_vec(), None, String::new())
}

/// The time step a Unix time falls in.
pub fn step_at(unix_secs: u64) -> u64 {
    unix_secs / PERIOD_SECS
}

/// The code for a time step.
pub fn code_for_step(secret: &[u8], step: u64) -> String {
    totp(secret, DIGITS).generate(step * PERIOD_SECS)
}

/// The step whose code `code` is, within the accepted drift around `unix_secs`, if any.
/// Compares in constant time; a malformed code matches nothing.
pub fn matching_step(secret: &[u8], code: &str, unix_secs: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_secs);
    let mut found = None;
    for step in now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS {
        let expected = code_for_step(secret, step);
        let same = expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Whether a six-digit code looks right (for early, friendly validation).
pub fn is_well_formed(code: &str) -> bool {
    let code = code.trim();
    code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits, seed "12345678901234567890").
    #[test]
    fn rfc_6238_test_vectors() {
        let seed = b"12345678901234567890";
        let vectors = [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, expected) in vectors {
            assert_eq!(totp(seed, 8).generate(time), expected, "T={time}");
        }
    }

    #[test]
    fn six_digit_codes_are_the_low_digits_of_the_rfc_values() {
        let seed = b"12345678901234567890";
        assert_eq!(code_for_step(seed, step_at(59)), "287082");
        assert_eq!(code_for_step(seed, step_at(1_111_111_109)), "081804");
    }

    #[test]
    fn accepts_one_step_of_drift_and_names_the_step() {
        let seed = b"12345678901234567890";
        let now = 1_234_567_890;
        let current = step_at(now);
        for step in [current - 1, current, current + 1] {
            assert_eq!(matching_step(seed, &code_for_step(seed, step), now), Some(step));
        }
        assert_eq!(matching_step(seed, &code_for_step(seed, current + 2), now), None);
        assert_eq!(matching_step(seed, &code_for_step(seed, current - 2), now), None);
    }

    #[test]
    fn malformed_codes_match_nothing() {
        let seed = b"12345678901234567890";
        for bad in ["", "12345", "1234567", "12a456", "      "] {
            assert_eq!(matching_step(seed, bad, 59), None, "{bad:?}");
        }
    }
}
