//! `/api/v1/status`: the public status report. (Its calendar feed, `/status/maintenance.ics`, is a
//! link people follow, not a call: the status page writes it as a literal `href`, which the view
//! puts in its static template; a constant from here would cost an attribute set at run time.)

use portico_domain::status::StatusReport;

use super::{Call, get, json};

/// The service's state, and maintenance in progress and to come.
pub fn report() -> Call<StatusReport> {
    json(get("/api/v1/status"))
}
