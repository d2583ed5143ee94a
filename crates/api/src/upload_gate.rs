//! Limits on uploads in flight: at most so many at once per project, and the bytes each has
//! written so far, so the stored-package quota counts uploads that are still arriving (parallel
//! uploads cannot each pass the check alone and together overshoot). Kept in this process: with
//! several servers each one applies the limit to the uploads it receives.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use uuid::Uuid;

pub struct UploadGate {
    per_project: usize,
    in_flight: Mutex<HashMap<Uuid, Vec<Arc<AtomicU64>>>>,
}

/// One upload under way; dropping it (finished, refused or broken off) frees its place.
pub struct UploadSlot {
    gate: Arc<UploadGate>,
    project: Uuid,
    written: Arc<AtomicU64>,
}

impl UploadGate {
    pub fn new(per_project: usize) -> Arc<Self> {
        Arc::new(Self { per_project, in_flight: Mutex::new(HashMap::new()) })
    }

    /// A place for one more upload to `project`, or None when it has `per_project` already.
    pub fn enter(self: &Arc<Self>, project: Uuid) -> Option<UploadSlot> {
        let mut in_flight = self.in_flight.lock().expect("upload gate lock");
        let uploads = in_flight.entry(project).or_default();
        if uploads.len() >= self.per_project {
            return None;
        }
        let written = Arc::new(AtomicU64::new(0));
        uploads.push(Arc::clone(&written));
        Some(UploadSlot { gate: Arc::clone(self), project, written })
    }

    /// The bytes all uploads to `project` under way have written.
    pub fn in_flight_bytes(&self, project: Uuid) -> u64 {
        let in_flight = self.in_flight.lock().expect("upload gate lock");
        in_flight.get(&project).map(|uploads| uploads.iter().map(|w| w.load(Ordering::Relaxed)).sum()).unwrap_or(0)
    }
}

impl UploadSlot {
    pub fn add(&self, bytes: u64) {
        self.written.fetch_add(bytes, Ordering::Relaxed);
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut in_flight = self.gate.in_flight.lock().expect("upload gate lock");
        if let Some(uploads) = in_flight.get_mut(&self.project) {
            uploads.retain(|w| !Arc::ptr_eq(w, &self.written));
            if uploads.is_empty() {
                in_flight.remove(&self.project);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_limited_per_project_and_freed_on_drop() {
        let gate = UploadGate::new(2);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let first = gate.enter(a).unwrap();
        let second = gate.enter(a).unwrap();
        assert!(gate.enter(a).is_none(), "a third upload to the same project waits");
        let other = gate.enter(b).unwrap();
        first.add(10);
        second.add(5);
        other.add(100);
        assert_eq!(gate.in_flight_bytes(a), 15);
        drop(first);
        assert_eq!(gate.in_flight_bytes(a), 5);
        assert!(gate.enter(a).is_some());
    }
}
