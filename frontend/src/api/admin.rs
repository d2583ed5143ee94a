//! Platform administration (system role Administrator): `/api/v1/admin` (accounts, the platform
//! audit log, the password policy) and `/api/v1/maintenance-windows`.

use portico_domain::admin::{
    AccountStatus, AdminInvitation, AdminInviteRequest, AdminUpdateUserRequest, AdminUser, AuditEvent,
};
use portico_domain::identity::PasswordPolicy;
use portico_domain::identity::sso::{NewSsoProvider, SsoProvider};
use portico_domain::maintenance::{CreateWindowRequest, MaintenanceWindow, UpdateWindowRequest};
use portico_domain::paging::Page;
use uuid::Uuid;
use web_sys::js_sys::encode_uri_component;

use super::{Call, Json, delete, done, get, item, json, kept, paged, patch, post, post_empty, put};

/// A page of the people invited to a project who have no account yet.
pub fn project_invitations(page: u32, per_page: u32) -> Call<Json<Page<AdminInvitation>>> {
    kept(get(&paged("/api/v1/admin/invitations", page, per_page)))
}

/// A page of the user accounts, those matching `search` (user name, email, names; blank: all)
/// and `status` (None: any).
pub fn users(page: u32, per_page: u32, search: &str, status: Option<AccountStatus>) -> Call<Json<Page<AdminUser>>> {
    let mut path = paged("/api/v1/admin/users", page, per_page);
    if !search.trim().is_empty() {
        path.push_str(&format!("&search={}", String::from(encode_uri_component(search.trim()))));
    }
    if let Some(status) = status {
        path.push_str(&format!("&status={}", status_word(status)));
    }
    kept(get(&path))
}

/// How the API names an account status in a filter.
fn status_word(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Active => "active",
        AccountStatus::Disabled => "disabled",
        AccountStatus::Invited => "invited",
        AccountStatus::InvitationExpired => "invitation_expired",
    }
}

/// Invites an account with a system role.
pub fn invite_user(request: &AdminInviteRequest) -> Call<()> {
    done(post("/api/v1/admin/users", request))
}

/// Changes what `request` names of the account `id`.
pub fn update_user(id: Uuid, request: &AdminUpdateUserRequest) -> Call<()> {
    done(patch(&item("/api/v1/admin/users", id, ""), request))
}

/// Sends the account a new invitation (the old link stops working).
pub fn resend_invitation(id: Uuid) -> Call<()> {
    done(post_empty(&item("/api/v1/admin/users", id, "/resend-invitation")))
}

/// Removes the account's authenticator; it is emailed a set-up link.
pub fn reset_mfa(id: Uuid) -> Call<()> {
    done(post_empty(&item("/api/v1/admin/users", id, "/reset-mfa")))
}

/// Deletes the account (never the built-in Administrator).
pub fn delete_user(id: Uuid) -> Call<()> {
    done(delete(&item("/api/v1/admin/users", id, "")))
}

/// A page of the platform audit log, newest first.
pub fn audit(page: u32, per_page: u32) -> Call<Json<Page<AuditEvent>>> {
    kept(get(&paged("/api/v1/admin/audit", page, per_page)))
}

/// The password policy as stored (preset, rules, forbidden passwords).
pub fn password_policy() -> Call<PasswordPolicy> {
    json(get("/api/v1/admin/settings/password-policy"))
}

/// Stores a new password policy; the answer is the policy now in force.
pub fn save_password_policy(policy: &PasswordPolicy) -> Call<PasswordPolicy> {
    json(put("/api/v1/admin/settings/password-policy", policy))
}

/// A page of the platform maintenance windows, newest first.
pub fn maintenance_windows(page: u32, per_page: u32) -> Call<Json<Page<MaintenanceWindow>>> {
    kept(get(&paged("/api/v1/maintenance-windows", page, per_page)))
}

/// Schedules a maintenance window (Tenant Administrators and subscribers are emailed).
pub fn schedule_maintenance(request: &CreateWindowRequest) -> Call<()> {
    done(post("/api/v1/maintenance-windows", request))
}

/// Reschedules or edits the window `id` (everyone told is told again).
pub fn update_maintenance(id: Uuid, request: &UpdateWindowRequest) -> Call<()> {
    done(patch(&item("/api/v1/maintenance-windows", id, ""), request))
}

/// Cancels the window `id`.
pub fn cancel_maintenance(id: Uuid) -> Call<()> {
    done(delete(&item("/api/v1/maintenance-windows", id, "")))
}

/// The single sign-on providers.
pub fn identity_providers() -> Call<Json<Vec<SsoProvider>>> {
    kept(get("/api/v1/admin/identity-providers"))
}

/// Adds a single sign-on provider (the server reads its discovery document first).
pub fn add_identity_provider(request: &NewSsoProvider) -> Call<SsoProvider> {
    json(post("/api/v1/admin/identity-providers", request))
}

/// Removes a provider and every account's link to it.
pub fn remove_identity_provider(id: Uuid) -> Call<()> {
    done(delete(&item("/api/v1/admin/identity-providers", id, "")))
}
