//! Reads that nearly every request repeats (whom a session or token belongs to, a caller's
//! membership of a project, the signed-in overview, a project's deployments, members and alerts)
//! kept in memory,
//! so an authenticated read costs no database round trip.
//!
//! Correctness rests on one counter, the *generation*. Every change this process makes moves it
//! on after its transaction commits and before its response leaves: `forget_after_changes`
//! (in `http`) does so for every unsafe request, and the workers and the few writes made while reading call
//! [`ReadCache::invalidate`] themselves. An entry remembers the generation read *before* its load
//! began and is served only while the generation has not moved, so any request that starts after
//! a change's response sees the change: a revoked token or ended session is refused at once.
//!
//! Other servers on the same PostgreSQL (and the admin CLI) announce their changes with `NOTIFY`;
//! `cluster` listens and moves the generation on for each, so a change made through any server
//! is seen by every other one at once. While that listening connection is down the cache serves
//! nothing ([`ReadCache::set_hearing_others`]). `cache_ttl` bounds an entry's age all the same;
//! expiry times are compared with the clock on every request, against the cached rows.
//! `cache_ttl = "0s"` turns the cache off.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use tokio::sync::OnceCell;

use crate::clock::Clock;
use portico_store::alerts::AlertFilter;
use uuid::Uuid;

/// What an entry is about. The value's type is part of the key too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheKey {
    /// A session, by the SHA-256 of its cookie.
    Session(String),
    /// A personal access token, by the SHA-256 of its secret.
    Token(String),
    /// An account's membership of a project.
    Membership { project: Uuid, account: Uuid },
    /// The parts of `GET /me` that are not the session's own.
    AccountOverview(Uuid),
    /// One page of a project's deployments.
    Deployments { project: Uuid, offset: u64, limit: u64 },
    /// A project's members.
    Members(Uuid),
    /// One page of a project's alerts, as filtered.
    Alerts { project: Uuid, filter: AlertFilter, offset: u64, limit: u64 },
}

type Value = Arc<dyn Any + Send + Sync>;

struct Slot {
    generation: u64,
    started: DateTime<Utc>,
    value: Arc<OnceCell<Value>>,
}

/// Outdated entries are dropped every this many loads, and whenever the cache holds
/// [`MAX_ENTRIES`] (all of them, if dropping the outdated ones is not enough): memory stays
/// bounded by what was read within the TTL.
const PRUNE_EVERY: u32 = 256;
const MAX_ENTRIES: usize = 4096;

#[derive(Default)]
struct Slots {
    map: HashMap<(TypeId, CacheKey), Slot>,
    loads_since_pruning: u32,
}

pub struct ReadCache {
    generation: AtomicU64,
    ttl: Duration,
    /// Entry ages are measured by the context's clock (tests move it instead of waiting).
    clock: Arc<dyn Clock>,
    slots: Mutex<Slots>,
    /// Whether changes made by other servers reach this one (always, on SQLite; on PostgreSQL
    /// while the listening connection is up).
    hearing_others: AtomicBool,
    /// Woken by each change made here, for announcing it to the other servers.
    changed: tokio::sync::Notify,
}

impl ReadCache {
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            generation: AtomicU64::new(0),
            ttl,
            clock,
            slots: Mutex::new(Slots::default()),
            hearing_others: AtomicBool::new(true),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// How many entries are held (current or not yet dropped).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.lock().expect("cache lock").map.len()
    }

    /// Forgets every entry: call after committing a change, before answering. The other servers
    /// are told too.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.changed.notify_one();
    }

    /// Forgets every entry because another server changed something.
    pub fn invalidate_from_elsewhere(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Waits for the next change made here (changes made meanwhile are one wake-up).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Whether other servers' changes reach this cache; while they do not, nothing is served
    /// from it (every read loads), and once they do again it starts afresh.
    pub fn set_hearing_others(&self, hearing: bool) {
        self.invalidate_from_elsewhere();
        self.hearing_others.store(hearing, Ordering::Release);
    }

    /// Forgets one entry: enough after a change that only it reflects (e.g. a last-seen time).
    pub fn forget<T: 'static>(&self, key: CacheKey) {
        self.slots.lock().expect("cache lock").map.remove(&(TypeId::of::<T>(), key));
    }

    /// The value under `key`, loaded with `load` unless a current one is kept. Concurrent
    /// callers of one key share one load; a failed load is not kept.
    pub async fn get_or_load<T, E, F, Fut>(&self, key: CacheKey, load: F) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if self.ttl.is_zero() || !self.hearing_others.load(Ordering::Acquire) {
            return load().await.map(Arc::new);
        }
        // Read before loading: a change committed after this point moves the generation, so
        // what we load is never served to a request that starts after that change.
        let generation = self.generation.load(Ordering::Acquire);
        let cell = self.slot((TypeId::of::<T>(), key), generation);
        let value = cell.get_or_try_init(|| async { load().await.map(|value| Arc::new(value) as Value) }).await?;
        Ok(Arc::clone(value).downcast::<T>().expect("the key holds its own type"))
    }

    fn slot(&self, key: (TypeId, CacheKey), generation: u64) -> Arc<OnceCell<Value>> {
        let now = self.clock.now();
        let ttl = chrono::Duration::from_std(self.ttl).unwrap_or(chrono::Duration::MAX);
        let mut slots = self.slots.lock().expect("cache lock");
        let fresh = |slot: &Slot| now - slot.started < ttl;
        match slots.map.get(&key) {
            Some(slot) if slot.generation >= generation && fresh(slot) => return Arc::clone(&slot.value),
            // A newer load is kept already; this older request loads for itself.
            Some(slot) if slot.generation > generation => return Arc::new(OnceCell::new()),
            _ => {}
        }
        slots.loads_since_pruning += 1;
        if slots.loads_since_pruning >= PRUNE_EVERY || slots.map.len() >= MAX_ENTRIES {
            slots.loads_since_pruning = 0;
            slots.map.retain(|_, slot| slot.generation >= generation && fresh(slot));
            if slots.map.len() >= MAX_ENTRIES {
                slots.map.clear();
            }
        }
        let value = Arc::new(OnceCell::new());
        slots.map.insert(key, Slot { generation, started: now, value: Arc::clone(&value) });
        value
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::clock::TestClock;

    fn key() -> CacheKey {
        CacheKey::AccountOverview(Uuid::nil())
    }

    async fn counted(cache: &ReadCache, loads: &AtomicUsize) -> u32 {
        let value = cache
            .get_or_load(key(), || async {
                let n = loads.fetch_add(1, Ordering::SeqCst) + 1;
                Ok::<_, ()>(n as u32)
            })
            .await
            .unwrap();
        *value
    }

    #[tokio::test]
    async fn a_kept_value_is_served_until_something_changes() {
        let cache = ReadCache::new(Duration::from_secs(60), TestClock::new());
        let loads = AtomicUsize::new(0);
        assert_eq!(counted(&cache, &loads).await, 1);
        assert_eq!(counted(&cache, &loads).await, 1);
        cache.invalidate();
        assert_eq!(counted(&cache, &loads).await, 2);
        cache.forget::<u32>(key());
        assert_eq!(counted(&cache, &loads).await, 3);
        assert_eq!(loads.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn values_older_than_the_ttl_are_loaded_again() {
        let clock = TestClock::new();
        let cache = ReadCache::new(Duration::from_secs(30), clock.clone());
        let loads = AtomicUsize::new(0);
        assert_eq!(counted(&cache, &loads).await, 1);
        clock.advance(chrono::Duration::seconds(31));
        assert_eq!(counted(&cache, &loads).await, 2);
    }

    #[tokio::test]
    async fn nothing_is_served_while_other_servers_cannot_be_heard() {
        let cache = ReadCache::new(Duration::from_secs(60), TestClock::new());
        let loads = AtomicUsize::new(0);
        assert_eq!(counted(&cache, &loads).await, 1);
        cache.set_hearing_others(false);
        assert_eq!(counted(&cache, &loads).await, 2);
        assert_eq!(counted(&cache, &loads).await, 3);
        cache.set_hearing_others(true);
        assert_eq!(counted(&cache, &loads).await, 4);
        assert_eq!(counted(&cache, &loads).await, 4);
        cache.invalidate_from_elsewhere();
        assert_eq!(counted(&cache, &loads).await, 5);
    }

    #[tokio::test]
    async fn a_zero_ttl_loads_every_time() {
        let cache = ReadCache::new(Duration::ZERO, TestClock::new());
        let loads = AtomicUsize::new(0);
        for expected in 1..=3 {
            assert_eq!(counted(&cache, &loads).await, expected);
        }
    }

    #[tokio::test]
    async fn failed_loads_are_not_kept() {
        let cache = ReadCache::new(Duration::from_secs(60), TestClock::new());
        let failed = cache.get_or_load(key(), || async { Err::<u32, _>("database down") }).await;
        assert_eq!(failed.unwrap_err(), "database down");
        let loaded = cache.get_or_load(key(), || async { Ok::<u32, &str>(7) }).await;
        assert_eq!(*loaded.unwrap(), 7);
    }

    #[tokio::test]
    async fn outdated_entries_do_not_pile_up() {
        let cache = ReadCache::new(Duration::from_secs(60), TestClock::new());
        for n in 0..(MAX_ENTRIES as u128 * 2) {
            let key = CacheKey::AccountOverview(Uuid::from_u128(n));
            cache.get_or_load(key, || async { Ok::<_, ()>(n) }).await.unwrap();
            if n % 100 == 0 {
                cache.invalidate();
            }
        }
        assert!(cache.len() <= PRUNE_EVERY as usize + 100, "{} entries kept", cache.len());
        let fresh = ReadCache::new(Duration::from_secs(60), TestClock::new());
        for n in 0..(MAX_ENTRIES as u128 * 2) {
            let key = CacheKey::AccountOverview(Uuid::from_u128(n));
            fresh.get_or_load(key, || async { Ok::<_, ()>(n) }).await.unwrap();
        }
        assert!(fresh.len() <= MAX_ENTRIES, "{} entries kept", fresh.len());
    }

    #[tokio::test]
    async fn one_key_holds_one_value_per_type() {
        let cache = ReadCache::new(Duration::from_secs(60), TestClock::new());
        let number = cache.get_or_load(key(), || async { Ok::<u32, ()>(1) }).await.unwrap();
        let text = cache.get_or_load(key(), || async { Ok::<String, ()>("one".into()) }).await.unwrap();
        assert_eq!((*number, text.as_str()), (1, "one"));
    }

    #[tokio::test]
    async fn concurrent_readers_of_one_key_share_one_load() {
        let cache = Arc::new(ReadCache::new(Duration::from_secs(60), TestClock::new()));
        let loads = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        let readers: Vec<_> = (0..20)
            .map(|_| {
                let (cache, loads, gate) = (cache.clone(), loads.clone(), gate.clone());
                tokio::spawn(async move {
                    let value = cache
                        .get_or_load(key(), || async {
                            loads.fetch_add(1, Ordering::SeqCst);
                            gate.notified().await;
                            Ok::<u32, ()>(42)
                        })
                        .await
                        .unwrap();
                    *value
                })
            })
            .collect();
        while loads.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        gate.notify_one();
        for reader in readers {
            assert_eq!(reader.await.unwrap(), 42);
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_load_begun_before_a_change_is_not_served_after_it() {
        let cache = Arc::new(ReadCache::new(Duration::from_secs(60), TestClock::new()));
        let started = Arc::new(tokio::sync::Notify::new());
        let release = Arc::new(tokio::sync::Notify::new());
        // A read that began before the change and sees the old state.
        let before = {
            let (cache, started, release) = (cache.clone(), started.clone(), release.clone());
            tokio::spawn(async move {
                let value = cache
                    .get_or_load(key(), || async {
                        started.notify_one();
                        release.notified().await;
                        Ok::<&str, ()>("old")
                    })
                    .await
                    .unwrap();
                *value
            })
        };
        started.notified().await;
        cache.invalidate(); // the change commits and its response leaves
        let after = cache.get_or_load(key(), || async { Ok::<&str, ()>("new") }).await.unwrap();
        assert_eq!(*after, "new");
        release.notify_one();
        assert_eq!(before.await.unwrap(), "old");
        // Nor is the old value served to anyone later.
        let later = cache.get_or_load(key(), || async { Ok::<&str, ()>("newer") }).await.unwrap();
        assert_eq!(*later, "new");
    }
}
