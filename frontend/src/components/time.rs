//! Times as the API sends them (UTC), written out the same way everywhere, and the browser's
//! clock and time zone where a person picks a time.
//! (By hand: chrono's `format` brings a whole strftime interpreter into the wasm, and chrono's
//! clock and local time zone need features the wasm build leaves out: the browser's `Date` does it.)

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use wasm_bindgen::JsValue;
use web_sys::js_sys::Date;

/// "2025-03-01 14:05 UTC"
pub fn format_utc(time: &DateTime<Utc>) -> String {
    format!("{} {:02}:{:02} UTC", format_date(&time.date_naive()), time.hour(), time.minute())
}

/// "2025-03-01 14:05:09 UTC"
pub fn format_utc_seconds(time: &DateTime<Utc>) -> String {
    format!("{} {:02}:{:02}:{:02} UTC", format_date(&time.date_naive()), time.hour(), time.minute(), time.second())
}

/// "2025-03-01" (also the value format of `<input type="date">`).
pub fn format_date(date: &NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// Now, by the browser's clock.
pub fn now_utc() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Date::now() as i64).unwrap_or_default()
}

/// Today's date in UTC (the server's calendar for expiry dates).
pub fn today() -> NaiveDate {
    now_utc().date_naive()
}

/// A date typed into `<input type="date">` ("2025-03-01"), or None.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    text.trim().parse().ok()
}

/// The value of `<input type="datetime-local">` ("2025-03-01T14:05"), read in the browser's time
/// zone, as a UTC instant. None when empty or not a time.
pub fn local_input_to_utc(text: &str) -> Option<DateTime<Utc>> {
    // `Date` reads a date-time without an offset as local time, daylight saving included.
    parse_input(text, "")
}

/// The value of `<input type="datetime-local">` read as UTC (where a person types UTC times).
pub fn utc_input_to_utc(text: &str) -> Option<DateTime<Utc>> {
    parse_input(text, "Z")
}

fn parse_input(text: &str, zone: &str) -> Option<DateTime<Utc>> {
    if text.trim().is_empty() {
        return None;
    }
    let millis = Date::new(&JsValue::from_str(&format!("{}{zone}", text.trim()))).get_time();
    if millis.is_nan() { None } else { DateTime::from_timestamp_millis(millis as i64) }
}

/// The value `<input type="datetime-local" step="1">` shows for `time` in UTC
/// ("2025-03-01T14:05:09"): the inverse of [`utc_input_to_utc`].
pub fn utc_input(time: &DateTime<Utc>) -> String {
    format!("{}T{:02}:{:02}:{:02}", format_date(&time.date_naive()), time.hour(), time.minute(), time.second())
}

/// "2025-03-01 15:05 (UTC+01:00)": `time` in the viewer's time zone (daylight saving included),
/// the zone's offset named.
pub fn format_local(time: &DateTime<Utc>) -> String {
    let offset = -(Date::new(&JsValue::from_f64(time.timestamp_millis() as f64)).get_timezone_offset() as i64);
    let at = (*time + chrono::Duration::minutes(offset)).naive_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{} {:02}:{:02} (UTC{sign}{:02}:{:02})",
        format_date(&at.date()),
        at.hour(),
        at.minute(),
        offset.abs() / 60,
        offset.abs() % 60
    )
}
