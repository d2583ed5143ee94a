//! Platform maintenance windows, the weekly update schedule of a project, and the iCalendar
//! feed of the windows. All time math is UTC (no DST).

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Features a window can take down. Channels, domains and monitoring have no backend yet;
/// they are named so they can plug in later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AffectedFeature {
    Deployments,
    Portal,
    Websites,
    Channels,
    Domains,
    Monitoring,
}

impl AffectedFeature {
    pub const ALL: [AffectedFeature; 6] = [
        AffectedFeature::Deployments,
        AffectedFeature::Portal,
        AffectedFeature::Websites,
        AffectedFeature::Channels,
        AffectedFeature::Domains,
        AffectedFeature::Monitoring,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AffectedFeature::Deployments => "deployments",
            AffectedFeature::Portal => "portal",
            AffectedFeature::Websites => "websites",
            AffectedFeature::Channels => "channels",
            AffectedFeature::Domains => "domains",
            AffectedFeature::Monitoring => "monitoring",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            AffectedFeature::Deployments => "Deployments",
            AffectedFeature::Portal => "Portal",
            AffectedFeature::Websites => "Websites",
            AffectedFeature::Channels => "Channels",
            AffectedFeature::Domains => "Domains",
            AffectedFeature::Monitoring => "Monitoring",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

/// A window's state at `now`.
pub fn window_state(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    cancelled: bool,
    now: DateTime<Utc>,
) -> WindowState {
    if cancelled {
        WindowState::Cancelled
    } else if now < starts_at {
        WindowState::Scheduled
    } else if now < ends_at {
        WindowState::InProgress
    } else {
        WindowState::Completed
    }
}

/// Banners show a window from this long before it starts.
pub const BANNER_LEAD: Duration = Duration::days(7);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenanceWindow {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub description: String,
    pub affected: Vec<AffectedFeature>,
    pub state: WindowState,
    /// Bumped at every change (the calendar feed's SEQUENCE).
    pub sequence: i32,
    pub updated_at: DateTime<Utc>,
    /// Scheduled or moved at short notice (less than `PORTICO_MAINTENANCE_NOTICE` ahead), on purpose.
    pub emergency: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWindowRequest {
    /// RFC 3339, UTC.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub description: String,
    /// Feature names (default: every feature).
    #[serde(default)]
    pub affected: Option<Vec<String>>,
    /// Emergency maintenance: may start sooner than `PORTICO_MAINTENANCE_NOTICE` (default 72 h)
    /// from now, and is shown as such.
    #[serde(default)]
    pub emergency: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWindowRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affected: Option<Vec<String>>,
    /// Emergency maintenance: a new start may be sooner than `PORTICO_MAINTENANCE_NOTICE` from now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<bool>,
}

pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// Parses feature names, reporting the first unknown one.
pub fn parse_affected(names: &[String]) -> Result<Vec<AffectedFeature>, String> {
    let mut features = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let feature = AffectedFeature::parse(name).ok_or_else(|| {
            format!("affected[{index}]: `{name}` is not a feature (deployments, portal, websites, channels, domains, monitoring)")
        })?;
        features.push(feature);
    }
    features.sort();
    features.dedup();
    Ok(features)
}

/// Checks a window's times: ends after it starts, lasts at most a week, does not overlap
/// another (live) window. Returns `(field, message)` on failure.
pub fn check_window(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    others: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Result<(), (&'static str, String)> {
    if ends_at <= starts_at {
        return Err(("ends_at", "must be after starts_at".into()));
    }
    if ends_at - starts_at > Duration::days(7) {
        return Err(("ends_at", "a window lasts at most 7 days".into()));
    }
    if let Some((s, e)) = others.iter().find(|(s, e)| starts_at < *e && *s < ends_at) {
        return Err((
            "starts_at",
            format!(
                "overlaps the window from {} to {}",
                s.format("%Y-%m-%d %H:%M UTC"),
                e.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    }
    Ok(())
}

/// What the app shows in its banner: the next (or current) window and when the caller's
/// projects get their infrastructure update after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenanceBanner {
    pub window: MaintenanceWindow,
    pub infrastructure_updates: Vec<InfrastructureUpdate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InfrastructureUpdate {
    pub project: Uuid,
    pub project_name: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionRequest {
    pub subscribed: bool,
}

// --- Update schedule -----------------------------------------------------------------

/// Hours a weekly slot may start at: 8 slots of 3 hours.
pub const SLOT_HOURS: [u32; 8] = [0, 3, 6, 9, 12, 15, 18, 21];
pub const SLOT_LENGTH_HOURS: i64 = 3;

/// One 3-hour UTC slot of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    /// `monday` .. `sunday`.
    pub day: Day,
    /// 0, 3, 6, 9, 12, 15, 18 or 21 (UTC).
    pub start_hour: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Day {
    pub const ALL: [Day; 7] =
        [Day::Monday, Day::Tuesday, Day::Wednesday, Day::Thursday, Day::Friday, Day::Saturday, Day::Sunday];

    pub fn as_str(self) -> &'static str {
        match self {
            Day::Monday => "monday",
            Day::Tuesday => "tuesday",
            Day::Wednesday => "wednesday",
            Day::Thursday => "thursday",
            Day::Friday => "friday",
            Day::Saturday => "saturday",
            Day::Sunday => "sunday",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// Days since Monday.
    pub fn index(self) -> i64 {
        Self::ALL.iter().position(|d| *d == self).expect("every day is listed") as i64
    }

    fn of(weekday: Weekday) -> Self {
        Self::ALL[weekday.num_days_from_monday() as usize]
    }
}

impl Slot {
    pub fn parse(text: &str) -> Option<Self> {
        let (day, hour) = text.split_once(':')?;
        let slot = Slot { day: Day::parse(day.trim())?, start_hour: hour.trim().parse().ok()? };
        slot.is_on_grid().then_some(slot)
    }

    pub fn is_on_grid(&self) -> bool {
        SLOT_HOURS.contains(&self.start_hour)
    }

    /// Minutes from Monday 00:00 UTC to the slot's start.
    fn minute_of_week(&self) -> i64 {
        self.day.index() * 24 * 60 + i64::from(self.start_hour) * 60
    }
}

/// The update schedule of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSchedule {
    /// Preferred slots.
    pub slots: Vec<Slot>,
    /// Slots blocked platform-wide (cannot be chosen).
    pub blocked: Vec<Slot>,
    /// When the next customer infrastructure update happens (after the next maintenance window).
    pub next_infrastructure_update: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateScheduleRequest {
    pub slots: Vec<SlotInput>,
}

/// A slot as sent (checked by `check_slots`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotInput {
    pub day: String,
    pub start_hour: i64,
}

/// Checks chosen slots against the grid and the blocked slots; `(field, message)` on failure.
pub fn check_slots(input: &[SlotInput], blocked: &[Slot]) -> Result<Vec<Slot>, (String, String)> {
    if input.is_empty() {
        return Err(("slots".into(), "choose at least one slot".into()));
    }
    let mut slots = Vec::new();
    for (index, raw) in input.iter().enumerate() {
        let day = Day::parse(&raw.day)
            .ok_or_else(|| (format!("slots[{index}].day"), "must be monday .. sunday".to_owned()))?;
        let hour = u32::try_from(raw.start_hour).ok().filter(|h| SLOT_HOURS.contains(h)).ok_or_else(|| {
            (format!("slots[{index}].start_hour"), "must be one of 0, 3, 6, 9, 12, 15, 18, 21 (UTC)".to_owned())
        })?;
        let slot = Slot { day, start_hour: hour };
        if blocked.contains(&slot) {
            return Err((
                format!("slots[{index}]"),
                format!("{} {:02}:00 UTC is blocked platform-wide", day.as_str(), hour),
            ));
        }
        slots.push(slot);
    }
    slots.sort();
    slots.dedup();
    Ok(slots)
}

/// The start of the first preferred slot at or after `after`, searching across week
/// boundaries. None when no slot is preferred.
pub fn next_slot_start(preferred: &[Slot], after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let monday = after.date_naive() - Duration::days(i64::from(after.weekday().num_days_from_monday()));
    let week_start = Utc.from_utc_datetime(&monday.and_time(NaiveTime::MIN));
    (0..2)
        .flat_map(|week| {
            preferred
                .iter()
                .map(move |slot| week_start + Duration::weeks(week) + Duration::minutes(slot.minute_of_week()))
        })
        .filter(|start| *start >= after)
        .min()
}

/// The slot a time falls in.
pub fn slot_of(at: DateTime<Utc>) -> Slot {
    use chrono::Timelike;
    Slot { day: Day::of(at.weekday()), start_hour: at.hour() / 3 * 3 }
}

// --- iCalendar ---------------------------------------------------------------------

/// Escapes TEXT per RFC 5545 3.3.11.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // TEXT may hold tabs; other control characters have no place in a calendar.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a UTF-8 character).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The windows as an iCalendar feed (RFC 5545): one VEVENT each, stable UIDs, SEQUENCE
/// bumped on change, cancelled windows as STATUS:CANCELLED.
pub fn ics_feed(windows: &[MaintenanceWindow], uid_domain: &str, product: &str) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!("PRODID:-//Portico//{}//EN", escape_text(product)),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "X-WR-CALNAME:Portico maintenance".to_owned(),
    ];
    for window in windows {
        let features: Vec<&str> = window.affected.iter().map(|f| f.label()).collect();
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}@{}", window.id, uid_domain),
            format!("SEQUENCE:{}", window.sequence),
            format!("DTSTAMP:{}", stamp(window.updated_at)),
            format!("LAST-MODIFIED:{}", stamp(window.updated_at)),
            format!("DTSTART:{}", stamp(window.starts_at)),
            format!("DTEND:{}", stamp(window.ends_at)),
            format!("SUMMARY:{}", escape_text(&format!("Portico maintenance: {}", features.join(", ")))),
            format!("DESCRIPTION:{}", escape_text(&window.description)),
            format!("STATUS:{}", if window.state == WindowState::Cancelled { "CANCELLED" } else { "CONFIRMED" }),
            "TRANSP:OPAQUE".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn slot(day: Day, start_hour: u32) -> Slot {
        Slot { day, start_hour }
    }

    #[test]
    fn the_next_slot_can_be_later_the_same_week() {
        // 2026-11-25 is a Wednesday.
        let preferred = [slot(Day::Wednesday, 21), slot(Day::Saturday, 3)];
        assert_eq!(next_slot_start(&preferred, at("2026-11-25T20:00:00Z")), Some(at("2026-11-25T21:00:00Z")));
        assert_eq!(next_slot_start(&preferred, at("2026-11-25T21:00:00Z")), Some(at("2026-11-25T21:00:00Z")));
        assert_eq!(next_slot_start(&preferred, at("2026-11-25T21:00:01Z")), Some(at("2026-11-28T03:00:00Z")));
    }

    #[test]
    fn the_next_slot_wraps_across_the_week_boundary() {
        let preferred = [slot(Day::Monday, 0), slot(Day::Tuesday, 9)];
        // Sunday 2026-11-29 late evening -> Monday 2026-11-30 00:00.
        assert_eq!(next_slot_start(&preferred, at("2026-11-29T23:30:00Z")), Some(at("2026-11-30T00:00:00Z")));
        // Tuesday after 09:00 -> next Monday.
        assert_eq!(next_slot_start(&preferred, at("2026-12-01T09:00:01Z")), Some(at("2026-12-07T00:00:00Z")));
        // Across a year boundary.
        assert_eq!(
            next_slot_start(&[slot(Day::Friday, 6)], at("2026-12-31T12:00:00Z")),
            Some(at("2027-01-01T06:00:00Z"))
        );
        assert_eq!(next_slot_start(&[], at("2026-12-31T12:00:00Z")), None);
    }

    #[test]
    fn utc_math_ignores_daylight_saving_changes() {
        // Europe switches clocks on 2027-03-28; UTC slots do not move.
        let preferred = [slot(Day::Sunday, 3)];
        assert_eq!(next_slot_start(&preferred, at("2027-03-27T12:00:00Z")), Some(at("2027-03-28T03:00:00Z")));
        assert_eq!(next_slot_start(&preferred, at("2027-03-28T03:30:00Z")), Some(at("2027-04-04T03:00:00Z")));
    }

    #[test]
    fn slots_are_checked_against_the_grid_and_the_blocked_list() {
        let blocked = [slot(Day::Sunday, 0)];
        let ok = check_slots(&[SlotInput { day: "monday".into(), start_hour: 3 }], &blocked).unwrap();
        assert_eq!(ok, [slot(Day::Monday, 3)]);
        assert_eq!(check_slots(&[], &blocked).unwrap_err().0, "slots");
        assert_eq!(
            check_slots(&[SlotInput { day: "funday".into(), start_hour: 3 }], &blocked).unwrap_err().0,
            "slots[0].day"
        );
        assert_eq!(
            check_slots(&[SlotInput { day: "monday".into(), start_hour: 4 }], &blocked).unwrap_err().0,
            "slots[0].start_hour"
        );
        assert_eq!(
            check_slots(&[SlotInput { day: "sunday".into(), start_hour: 0 }], &blocked).unwrap_err().0,
            "slots[0]"
        );
        assert_eq!(Slot::parse("sunday:21"), Some(slot(Day::Sunday, 21)));
        assert_eq!(Slot::parse("sunday:22"), None);
        assert_eq!(slot_of(at("2026-11-25T22:10:00Z")), slot(Day::Wednesday, 21));
    }

    #[test]
    fn windows_must_end_after_they_start_and_not_overlap() {
        let (s, e) = (at("2026-12-01T10:00:00Z"), at("2026-12-01T12:00:00Z"));
        assert_eq!(check_window(e, s, &[]).unwrap_err().0, "ends_at");
        assert!(check_window(s, e, &[(at("2026-12-01T12:00:00Z"), at("2026-12-01T13:00:00Z"))]).is_ok());
        assert_eq!(
            check_window(s, e, &[(at("2026-12-01T11:00:00Z"), at("2026-12-01T13:00:00Z"))]).unwrap_err().0,
            "starts_at"
        );
        assert_eq!(window_state(s, e, false, at("2026-12-01T11:00:00Z")), WindowState::InProgress);
        assert_eq!(window_state(s, e, false, e), WindowState::Completed);
        assert_eq!(window_state(s, e, true, s), WindowState::Cancelled);
    }

    #[test]
    fn ics_escapes_folds_and_marks_cancellations() {
        let window = MaintenanceWindow {
            id: Uuid::nil(),
            starts_at: at("2026-12-01T10:00:00Z"),
            ends_at: at("2026-12-01T12:00:00Z"),
            description: format!("Database upgrade; expect short outages, then {}\nThanks", "x".repeat(100)),
            affected: vec![AffectedFeature::Deployments],
            state: WindowState::Cancelled,
            sequence: 3,
            updated_at: at("2026-11-22T09:00:00Z"),
            emergency: false,
        };
        let feed = ics_feed(&[window], "portal.example.com", "Portico 0.1");
        assert!(feed.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(feed.contains("UID:00000000-0000-0000-0000-000000000000@portal.example.com\r\n"));
        assert!(feed.contains("SEQUENCE:3\r\n"));
        assert!(feed.contains("STATUS:CANCELLED\r\n"));
        assert!(feed.contains("DTSTART:20261201T100000Z\r\n"));
        assert!(feed.contains("Database upgrade\\; expect short outages\\, then"));
        assert!(feed.lines().all(|line| line.trim_end_matches('\r').len() <= 75), "folded at 75 octets");
        assert!(feed.contains("\r\n "), "long lines continue with a space");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Reads a feed back the way a calendar app does: unfold lines, split properties,
    /// unescape text.
    fn read_back(feed: &str) -> Vec<Vec<(String, String)>> {
        let unfolded = feed.replace("\r\n ", "");
        let mut events = Vec::new();
        let mut current: Option<Vec<(String, String)>> = None;
        for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':').expect("every line is NAME:VALUE");
            match (name, value) {
                ("BEGIN", "VEVENT") => current = Some(Vec::new()),
                ("END", "VEVENT") => events.push(current.take().expect("inside an event")),
                _ => {
                    if let Some(event) = current.as_mut() {
                        event.push((name.to_owned(), unescape(value)));
                    }
                }
            }
        }
        events
    }

    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') | Some('N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn arbitrary_window() -> impl Strategy<Value = MaintenanceWindow> {
        (
            any::<u128>(),
            0i64..4_000_000_000,
            1i64..604_800,
            "[\\P{Cc}\\t\\n]{0,400}",
            proptest::sample::subsequence(AffectedFeature::ALL.to_vec(), 1..=6),
            any::<bool>(),
            0i32..1000,
        )
            .prop_map(|(id, start, length, description, affected, cancelled, sequence)| {
                let starts_at = DateTime::from_timestamp(start, 0).unwrap();
                MaintenanceWindow {
                    id: Uuid::from_u128(id),
                    starts_at,
                    ends_at: starts_at + Duration::seconds(length),
                    description,
                    affected,
                    state: if cancelled { WindowState::Cancelled } else { WindowState::Scheduled },
                    sequence,
                    updated_at: starts_at,
                    emergency: false,
                }
            })
    }

    proptest! {
        #[test]
        fn the_feed_reads_back_to_the_windows(windows in proptest::collection::vec(arbitrary_window(), 0..5)) {
            let feed = ics_feed(&windows, "portal.example.com", "Portico test");
            prop_assert!(feed.split("\r\n").all(|line| line.len() <= 75));
            let events = read_back(&feed);
            prop_assert_eq!(events.len(), windows.len());
            for (event, window) in events.iter().zip(&windows) {
                let get = |name: &str| event.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap();
                prop_assert_eq!(get("UID"), format!("{}@portal.example.com", window.id));
                prop_assert_eq!(get("SEQUENCE"), window.sequence.to_string());
                prop_assert_eq!(get("DESCRIPTION"), window.description.clone());
                prop_assert_eq!(get("DTSTART"), window.starts_at.format("%Y%m%dT%H%M%SZ").to_string());
                prop_assert_eq!(get("DTEND"), window.ends_at.format("%Y%m%dT%H%M%SZ").to_string());
                let cancelled = window.state == WindowState::Cancelled;
                prop_assert_eq!(get("STATUS"), if cancelled { "CANCELLED" } else { "CONFIRMED" });
            }
        }

        #[test]
        fn the_next_slot_is_preferred_not_before_and_within_a_week(
            chosen in proptest::sample::subsequence((0..56).collect::<Vec<_>>(), 1..=56),
            after in 0i64..4_000_000_000,
        ) {
            let slots: Vec<Slot> = chosen.iter().map(|i| Slot { day: Day::ALL[i / 8], start_hour: SLOT_HOURS[i % 8] }).collect();
            let after = DateTime::from_timestamp(after, 0).unwrap();
            let next = next_slot_start(&slots, after).unwrap();
            prop_assert!(next >= after);
            prop_assert!(next - after < Duration::weeks(1));
            prop_assert!(slots.contains(&slot_of(next)));
            // No preferred slot starts in between.
            let mut probe = after;
            while probe < next {
                let start = next_slot_start(&slots, probe).unwrap();
                prop_assert_eq!(start, next);
                probe += Duration::hours(3);
            }
        }
    }
}
