//! Data a page loads from the API: a plain signal that a task fills when the answer arrives.
//! (Lighter in the wasm than a `LocalResource` with `Suspense`, which bring async-derived
//! machinery for every type loaded.)

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiFailure;

/// None while loading; then the answer.
pub type Loaded<T> = RwSignal<Option<Result<T, ApiFailure>>>;

pub fn loaded<T: Send + Sync + 'static>() -> Loaded<T> {
    RwSignal::new(None)
}

/// Starts `fetch` and puts its answer into `into` when it arrives; an earlier answer stays
/// visible meanwhile (so a refresh does not flash "Loading…").
pub fn load<T: Send + Sync + 'static>(into: Loaded<T>, fetch: impl Future<Output = Result<T, ApiFailure>> + 'static) {
    spawn_local(async move {
        let answer = fetch.await;
        into.set(Some(answer));
    });
}
