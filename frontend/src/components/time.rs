//! Times as the API sends them (UTC), written out the same way everywhere.
//! (By hand: chrono's `format` brings a whole strftime interpreter into the wasm.)

use chrono::{DateTime, Datelike, Timelike, Utc};

/// "2025-03-01 14:05 UTC"
pub fn format_utc(time: &DateTime<Utc>) -> String {
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", time.year(), time.month(), time.day(), time.hour(), time.minute())
}

/// "2025-03-01 14:05:09 UTC"
pub fn format_utc_seconds(time: &DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}
