//! Data a page loads from the API: a plain signal that a task fills when the answer arrives.
//! (Lighter in the wasm than a `LocalResource` with `Suspense`, which bring async-derived
//! machinery for every type loaded.)

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use crate::api::ApiFailure;
use crate::components::{Dynamic, dynamic};

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

/// `GET path` into `into` (see [`load`]).
pub fn load_get<T: DeserializeOwned + Send + Sync + 'static>(into: Loaded<T>, path: String) {
    load(into, async move { crate::api::get(&path).await });
}

/// A JSON answer kept as text until a view reads it: every list a page loads is then the same
/// signal type and the same fetching code (each `Loaded<T>` adds its own copies to the wasm).
pub type Answer = Loaded<String>;

pub fn answer() -> Answer {
    RwSignal::new(None)
}

/// `GET path` into `into`, as text; an earlier answer stays visible meanwhile.
pub fn fetch(into: Answer, path: String) {
    spawn_local(async move {
        let answer = crate::api::get_text(&path).await;
        let _ = into.try_set(Some(answer));
    });
}

/// What a loading region shows: "Loading the tokens…", the failure, or `render`'s view of the
/// answer read as a `T`.
pub fn show<T: DeserializeOwned>(
    data: Answer,
    what: &'static str,
    render: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> Dynamic {
    dynamic(move || match answered(data, what) {
        Ok(text) => match crate::api::parse::<T>(&text) {
            Ok(value) => render(value),
            Err(failure) => failed(&failure),
        },
        Err(view) => view,
    })
}

/// The answer's text, or what to show instead (loading, failed). Kept out of line: the part of
/// [`show`] that is the same for every `T` is then in the wasm once, not once per type shown.
#[inline(never)]
fn answered(data: Answer, what: &'static str) -> Result<String, AnyView> {
    match data.get() {
        None => Err(loading(what)),
        Some(Ok(text)) => Ok(text),
        Some(Err(failure)) => Err(failed(&failure)),
    }
}

pub fn loading(what: &'static str) -> AnyView {
    view! { <p aria-busy="true">"Loading " {what} "…"</p> }.into_any()
}

pub fn failed(failure: &ApiFailure) -> AnyView {
    view! { <p class="alert alert-error" role="alert">{failure.detail()}</p> }.into_any()
}
