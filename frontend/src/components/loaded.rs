//! Data a page loads from the API: a plain signal that a task fills when the answer arrives.
//! (Lighter in the wasm than a `LocalResource` with `Suspense`, which bring async-derived
//! machinery for every type loaded.)

use std::future::Future;
use std::marker::PhantomData;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use crate::api::{ApiFailure, Call, Json, parse};
use crate::components::{Dynamic, dynamic};

/// None while loading; then the answer.
pub type Loaded<T> = RwSignal<Option<Result<T, ApiFailure>>>;

pub fn loaded<T: Send + Sync + 'static>() -> Loaded<T> {
    RwSignal::new(None)
}

/// Starts `fetch` (e.g. an `api` call) and puts its answer into `into` when it arrives; an earlier
/// answer stays visible meanwhile (so a refresh does not flash "Loading…").
pub fn load<T: Send + Sync + 'static>(into: Loaded<T>, fetch: impl Future<Output = Result<T, ApiFailure>> + 'static) {
    spawn_local(async move {
        let answer = fetch.await;
        into.set(Some(answer));
    });
}

/// A JSON answer kept as text until a view reads it as a `T`: every list a page loads is then the
/// same signal type and the same fetching code (each `Loaded<T>` adds its own copies to the wasm);
/// the `T` only says what [`show`] reads it as.
pub struct Answer<T> {
    text: Loaded<String>,
    of: PhantomData<fn() -> T>,
}

impl<T> Clone for Answer<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Answer<T> {}

pub fn answer<T>() -> Answer<T> {
    Answer { text: RwSignal::new(None), of: PhantomData }
}

impl<T> Answer<T> {
    /// Shows `answer` (e.g. what a save answered: the state now in force).
    pub fn set(&self, answer: Result<Json<T>, ApiFailure>) {
        self.text.set(Some(answer.map(Json::into_text)));
    }

    /// As [`Answer::set`], but only when it differs from what is shown: a list asked again
    /// every few seconds is not drawn again (a question it is asking stays open) unless it changed.
    pub fn set_if_changed(&self, answer: Result<Json<T>, ApiFailure>) {
        let answer = Some(answer.map(Json::into_text));
        if self.text.with_untracked(|shown| *shown != answer) {
            self.text.set(answer);
        }
    }
}

impl<T> Answer<T> {
    /// None while loading; then whether a JSON list came back with anything in it (read without
    /// parsing the items, so the core need not carry their reader).
    pub fn has_items(&self) -> Option<bool> {
        self.text.with(|answer| answer.as_ref().map(|answer| answer.as_ref().is_ok_and(|text| text.trim() != "[]")))
    }

    /// Whether the answer came back as a failure.
    pub fn has_failed(&self) -> bool {
        self.text.with(|answer| matches!(answer, Some(Err(_))))
    }
}

impl<T: DeserializeOwned> Answer<T> {
    /// None while loading; then the answer read as a `T` (reactive).
    pub fn read(&self) -> Option<Result<T, ApiFailure>> {
        self.text.get().map(|answer| answer.and_then(|text| parse(&text)))
    }
}

/// Sends `call` and puts its answer into `into`; an earlier answer stays visible meanwhile.
pub fn fetch<T>(into: Answer<T>, call: Call<Json<T>>) {
    fetch_text(into.text, call.text());
}

/// The part of [`fetch`] that is the same for every `T`, in the wasm once.
fn fetch_text(into: Loaded<String>, call: Call<String>) {
    spawn_local(async move {
        let answer = call.await;
        let _ = into.try_set(Some(answer));
    });
}

/// What a loading region shows: "Loading the tokens…", the failure, or `render`'s view of the
/// answer read as a `T`.
pub fn show<T: DeserializeOwned + 'static>(
    data: Answer<T>,
    what: &'static str,
    render: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> Dynamic {
    dynamic(move || match answered(data.text, what) {
        Ok(text) => match parse::<T>(&text) {
            Ok(value) => render(value),
            Err(failure) => failed(&failure),
        },
        Err(view) => view,
    })
}

/// The answer's text, or what to show instead (loading, failed). Kept out of line: the part of
/// [`show`] that is the same for every `T` is then in the wasm once, not once per type shown.
#[inline(never)]
fn answered(data: Loaded<String>, what: &'static str) -> Result<String, AnyView> {
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
