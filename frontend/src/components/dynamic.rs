//! Reactive regions of a page, boxed. Each closure type drawn as a view gets its own copy of the
//! render-effect code in the wasm; boxed, they all share one. (With `--cfg erase_components`,
//! which `build.sh` sets, the `view!` macro boxes its `{move || ...}` children itself; this is
//! for the closures a component returns, and for views that are built without the macro.)

use leptos::prelude::*;

/// A region that shows `AnyView`s, rebuilt when the signals it reads change.
pub type Dynamic = Box<dyn FnMut() -> AnyView + Send>;

/// Wraps a region's closure (every branch ends in `.into_any()`).
pub fn dynamic(region: impl FnMut() -> AnyView + Send + 'static) -> Dynamic {
    Box::new(region)
}
