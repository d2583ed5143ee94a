//! The iCalendar writer: any description and times give lines of at most 75 octets, one
//! VEVENT per window, and no line break inside a value.
#![no_main]

use chrono::{DateTime, Duration};
use libfuzzer_sys::fuzz_target;
use portico_domain::maintenance::{AffectedFeature, MaintenanceWindow, WindowState, ics_feed};

fuzz_target!(|input: (i32, u16, &str, u8)| {
    let (start, length, description, flags) = input;
    let Some(starts_at) = DateTime::from_timestamp(i64::from(start).abs(), 0) else { return };
    let window = MaintenanceWindow {
        id: uuid::Uuid::from_u128(u128::from(flags)),
        starts_at,
        ends_at: starts_at + Duration::seconds(i64::from(length) + 1),
        description: description.to_owned(),
        affected: vec![AffectedFeature::Deployments],
        state: if flags & 1 == 1 { WindowState::Cancelled } else { WindowState::Scheduled },
        sequence: i32::from(flags),
        updated_at: starts_at,
    };
    let feed = ics_feed(&[window], "portal.example.com", "fuzz");
    assert!(feed.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 1);
    for line in feed.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
});
