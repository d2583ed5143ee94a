//! The read cache's middleware: every request that may change something moves the cache's
//! generation on once it is done (see `cache`).

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::cache::ReadCache;
use crate::context::Context;

/// Forgets the cache once a request that may change something is done (answered, failed or
/// abandoned), before its response leaves.
pub async fn forget_after_changes(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let safe = crate::http::is_safe(request.method());
    let _forget = match request.app_data::<web::Data<Context>>() {
        Some(state) if !safe => Some(InvalidateOnDrop(Arc::clone(&state.cache))),
        _ => None,
    };
    next.call(request).await
}

/// Moves the read cache's generation on when dropped.
struct InvalidateOnDrop(Arc<ReadCache>);

impl Drop for InvalidateOnDrop {
    fn drop(&mut self) {
        self.0.invalidate();
    }
}
