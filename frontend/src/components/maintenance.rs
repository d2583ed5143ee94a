//! Platform maintenance windows as people read them: what happens, which features, and when, in
//! the viewer's time zone and in UTC. Shared by the banner, the status page, the Deployments page
//! and Administration.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use portico_domain::identity::api::Me;
use portico_domain::maintenance::{AffectedFeature, MaintenanceWindow, WindowState};

use crate::components::{format_local, format_utc, now_utc};
use crate::session::Session;

pub fn window_state_label(state: WindowState) -> &'static str {
    match state {
        WindowState::Scheduled => "Scheduled",
        WindowState::InProgress => "In progress",
        WindowState::Completed => "Completed",
        WindowState::Cancelled => "Cancelled",
    }
}

/// "Deployments, Portal"
pub fn features_text(window: &MaintenanceWindow) -> String {
    window.affected.iter().map(|feature| feature.label()).collect::<Vec<_>>().join(", ")
}

/// "2025-03-01 15:05 (UTC+01:00) to 2025-03-01 17:05 (UTC+01:00)"
pub fn local_range(window: &MaintenanceWindow) -> String {
    format!("{} to {}", format_local(&window.starts_at), format_local(&window.ends_at))
}

/// "2025-03-01 14:05 UTC to 2025-03-01 16:05 UTC"
pub fn utc_range(window: &MaintenanceWindow) -> String {
    format!("{} to {}", format_utc(&window.starts_at), format_utc(&window.ends_at))
}

/// A time in both zones: "2025-03-01 15:05 (UTC+01:00), that is 2025-03-01 14:05 UTC".
pub fn both_zones(time: &DateTime<Utc>) -> String {
    format!("{}, that is {}", format_local(time), format_utc(time))
}

/// What a window is, when (your time, then UTC) and what it affects.
pub fn window_summary(window: &MaintenanceWindow) -> AnyView {
    view! {
        <p class="window-description">{window.description.clone()}</p>
        <dl class="facts">
            <dt>"Your time"</dt>
            <dd data-testid="window-local">{local_range(window)}</dd>
            <dt>"UTC"</dt>
            <dd data-testid="window-utc">{utc_range(window)}</dd>
            <dt>"Affected"</dt>
            <dd>{features_text(window)}</dd>
        </dl>
    }
    .into_any()
}

/// The window of the banner (`GET /me`) that pauses deployments at `now`, if any.
pub fn deployments_paused_by(me: &Me, now: DateTime<Utc>) -> Option<MaintenanceWindow> {
    let window = &me.maintenance.as_ref()?.window;
    let running = window.state != WindowState::Cancelled && window.starts_at <= now && now < window.ends_at;
    (running && window.affected.contains(&AffectedFeature::Deployments)).then(|| window.clone())
}

/// Why deployments are paused now (on the Deployments page); nothing when they are not.
pub fn deployments_paused_notice() -> AnyView {
    let Some(window) = Session::get().signed_in_account().and_then(|me| deployments_paused_by(&me, now_utc())) else {
        return ().into_any();
    };
    view! {
        <div class="alert alert-warning" role="status" data-testid="deployments-paused">
            <p>
                <strong>"Deployments are paused for platform maintenance"</strong>
                " (" {window.description} "). Uploads and promotions are refused (HTTP 503 with Retry-After) until "
                {both_zones(&window.ends_at)}
                "; queued and scheduled deployments run after it."
            </p>
        </div>
    }
    .into_any()
}
