//! The one place that reads the time. Everything else asks a [`Clock`] (the context's), and domain
//! code gets `now` passed in, so tests can move time instead of waiting for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, SubsecRound, Utc};

pub trait Clock: Send + Sync + 'static {
    /// Now, to the microsecond (what PostgreSQL keeps), so values read back compare equal.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// The machine's clock shifted by an offset a test sets: time keeps flowing (workers, leases and
/// timeouts behave as in production), and a test that needs the next authenticator step, an
/// expired link or a lock that ran out moves it forward instead of waiting.
#[derive(Default)]
pub struct TestClock {
    offset_micros: AtomicI64,
}

impl TestClock {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let micros = by.num_microseconds().expect("a test moves the clock by less than 292,000 years");
        self.offset_micros.fetch_add(micros, Ordering::SeqCst);
    }

    /// Sets the clock to `to` (it keeps flowing from there).
    pub fn set(&self, to: DateTime<Utc>) {
        let offset = (to - Utc::now()).num_microseconds().expect("a date within 292,000 years of now");
        self.offset_micros.store(offset, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        (Utc::now() + Duration::microseconds(self.offset_micros.load(Ordering::SeqCst))).trunc_subsecs(6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_clock_moves_when_told() {
        let clock = TestClock::new();
        let before = clock.now();
        clock.advance(Duration::minutes(30));
        let moved = clock.now() - before;
        assert!(moved >= Duration::minutes(30) && moved < Duration::minutes(31), "{moved}");
        let target = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
        clock.set(target);
        assert!((clock.now() - target).abs() < Duration::seconds(5));
    }
}
