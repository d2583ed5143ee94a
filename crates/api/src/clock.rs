//! The one place the server reads the clock; domain code gets `now` passed in.

use chrono::{DateTime, SubsecRound, Utc};

/// Now, to the microsecond (what PostgreSQL keeps), so values read back compare equal.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
