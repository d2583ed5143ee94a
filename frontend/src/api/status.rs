//! `/api/v1/status`: the public status report and subscribing to its announcements by email. (Its calendar feed, `/status/maintenance.ics`, is a
//! link people follow, not a call: the status page writes it as a literal `href`, which the view
//! puts in its static template; a constant from here would cost an attribute set at run time.)

use portico_domain::identity::api::TokenRequest;
use portico_domain::status::{StatusReport, SubscribeRequest};

use super::{Call, done, get, json, post};

/// The service's state, and maintenance in progress and to come.
pub fn report() -> Call<StatusReport> {
    json(get("/api/v1/status"))
}

/// Subscribes an address to the maintenance announcements (a confirmation link is mailed).
pub fn subscribe(request: &SubscribeRequest) -> Call<()> {
    done(post("/api/v1/status/subscriptions", request))
}

/// Confirms a subscription with its emailed link's token.
pub fn confirm_subscription(request: &TokenRequest) -> Call<()> {
    done(post("/api/v1/status/subscriptions/confirm", request))
}

/// Ends a subscription with the token of an announcement's unsubscribe link.
pub fn unsubscribe(request: &TokenRequest) -> Call<()> {
    done(post("/api/v1/status/subscriptions/unsubscribe", request))
}
