//! Parts of the app whose code arrives in a wasm chunk of its own: `frontend/build.sh` splits the
//! app at every `#[wasm_split]` function, so the sign-in page, the emailed-link pages and the
//! status page load only the core. A part shows a loading state until its chunk has arrived (the
//! first visit only; later the chunk is in memory) and offers to try again if it could not be
//! fetched.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use leptos::wasm_split::SplitLoaderError;

use crate::components::{Dynamic, dynamic};

/// What a split function returns: its view, or the chunk's failure to load.
pub type Chunk = Result<AnyView, SplitLoaderError>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Arrival {
    Waiting,
    Arrived,
    Failed,
}

type Loading = Pin<Box<dyn Future<Output = Chunk>>>;

/// Draws what `load` (a `#[wasm_split(.., fallible)]` function) returns once its chunk is here;
/// the part is a page of its own (the failure says so in its heading).
pub fn lazily<Fut: Future<Output = Chunk> + 'static>(load: impl Fn() -> Fut + Copy + Send + Sync + 'static) -> Dynamic {
    // The rest is the same for every part, so it is in the wasm once.
    lazily_boxed(Box::new(move || Box::pin(load()) as Loading))
}

fn lazily_boxed(load: Box<dyn Fn() -> Loading + Send + Sync>) -> Dynamic {
    let load = StoredValue::new(load);
    let arrival = RwSignal::new(Arrival::Waiting);
    // A view is drawn once; it waits here between arriving and being drawn.
    let arrived = StoredValue::new_local(None::<AnyView>);
    // The part's signals and effects belong to this region (and end with it), also when a click
    // on "Try again", which runs outside any owner, fetches it.
    let owner = StoredValue::new(Owner::current().expect("a lazily loaded part is drawn inside a view"));
    let fetch = move || {
        arrival.set(Arrival::Waiting);
        let spawn = |task| owner.with_value(|owner| owner.with(|| spawn_local_scoped_with_cancellation(task)));
        spawn(async move {
            let Some(loading) = load.try_with_value(|load| load()) else { return };
            match loading.await {
                Ok(view) => {
                    arrived.set_value(Some(view));
                    arrival.set(Arrival::Arrived);
                }
                Err(_) => arrival.set(Arrival::Failed),
            }
        });
    };
    fetch();
    dynamic(move || match arrival.get() {
        Arrival::Waiting => view! { <p aria-busy="true">"Loading…"</p> }.into_any(),
        Arrival::Arrived => arrived.try_update_value(Option::take).flatten().unwrap_or_else(|| ().into_any()),
        // Each part is a whole page, so its failure is one too.
        Arrival::Failed => view! {
            <section class="card narrow">
                <h1>"This page could not be loaded"</h1>
                <p class="alert alert-error" role="alert">
                    "Portico could not fetch this page's code. Check your connection, then try again."
                </p>
                <button type="button" on:click=move |_| fetch()>"Try again"</button>
            </section>
        }
        .into_any(),
    })
}
