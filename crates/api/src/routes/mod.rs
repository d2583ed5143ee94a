//! Every HTTP operation, one file per resource. `configure` is the single list the server and
//! the OpenAPI document are both built from, so the document cannot forget a route.

pub mod admin_invitations;
pub mod admin_settings;
pub mod admin_sso_providers;
pub mod admin_users;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod deployments;
pub mod environments;
pub mod health;
pub mod integrations;
pub mod invitations;
pub mod maintenance;
pub mod me;
pub mod members;
pub mod my_invitations;
pub mod passkey_sign_in;
pub mod passkeys;
pub mod project_invitations;
pub mod project_tokens;
pub mod projects;
pub mod sso_links;
pub mod sso_sign_in;
pub mod status;
pub mod status_subscriptions;
pub mod tokens;
pub mod update_schedule;
pub mod upload;
pub mod webhooks;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(health::healthz).service(health::readyz).service(health::metrics);
    config.service(
        scope::scope("/api/v1")
            // Projects first: most calls are about one project, and each pattern with a
            // `{...}` tried on the way costs a regex match. Inside, fixed paths before the rest.
            .service(projects::list_projects)
            .service(projects::create_project)
            .service(projects::get_project)
            .service(projects::update_project)
            .service(projects::archive_project)
            .service(
                scope::scope("/projects/{guid}")
                    .service(members::list_members)
                    .service(members::set_primary_contact)
                    .service(project_invitations::list_invitations)
                    .service(project_invitations::create_invitation)
                    .service(audit::project_audit)
                    .service(tokens::list_tokens)
                    .service(tokens::create_token)
                    .service(project_tokens::list_project_tokens)
                    .service(project_tokens::create_project_token)
                    .service(deployments::list_deployments)
                    .service(update_schedule::get_schedule)
                    .service(update_schedule::put_schedule)
                    .service(alerts::list_alerts)
                    .service(alerts::raise_alert)
                    .service(alerts::get_preferences)
                    .service(alerts::put_preferences)
                    .service(webhooks::get_webhook)
                    .service(webhooks::put_webhook)
                    .service(webhooks::delete_webhook)
                    .service(webhooks::list_webhooks)
                    .service(webhooks::create_webhook)
                    .service(members::change_member_role)
                    .service(members::remove_member)
                    .service(project_invitations::resend_invitation)
                    .service(project_invitations::revoke_invitation)
                    .service(tokens::update_token)
                    .service(tokens::revoke_token)
                    .service(project_tokens::update_project_token)
                    .service(project_tokens::revoke_project_token)
                    .service(deployments::deployment_log)
                    .service(deployments::promote_deployment)
                    .service(deployments::cancel_deployment)
                    .service(environments::restart_environment)
                    .service(alerts::resolve_alert)
                    .service(webhooks::get_one_webhook)
                    .service(webhooks::update_webhook)
                    .service(webhooks::delete_one_webhook)
                    .service(webhooks::test_webhook)
                    .service(webhooks::list_deliveries)
                    .service(webhooks::redeliver),
            )
            .service(integrations::alertmanager_webhook)
            .service(status::status)
            .service(status::maintenance_feed)
            .service(status_subscriptions::subscribe)
            .service(status_subscriptions::confirm_subscription)
            .service(status_subscriptions::unsubscribe)
            .service(status_subscriptions::one_click_unsubscribe)
            .service(maintenance::list_windows)
            .service(maintenance::create_window)
            .service(maintenance::update_window)
            .service(maintenance::cancel_window)
            .service(auth::sign_in)
            .service(auth::mfa)
            .service(auth::recovery)
            .service(passkey_sign_in::passkey_sign_in_options)
            .service(passkey_sign_in::passkey_sign_in)
            .service(sso_sign_in::list_sign_in_providers)
            .service(sso_sign_in::start_sso)
            .service(sso_sign_in::sso_callback)
            .service(auth::sign_out)
            .service(auth::forgot_password)
            .service(auth::reset_password)
            .service(auth::enrol_link)
            .service(auth::verify_email)
            .service(auth::unlock)
            .service(auth::get_password_policy)
            .service(invitations::lookup)
            .service(invitations::register)
            .service(invitations::accept)
            .service(me::get_me)
            .service(me::update_me)
            .service(me::change_email)
            .service(me::change_password)
            .service(me::start_totp)
            .service(me::confirm_totp)
            .service(me::regenerate_recovery_code)
            .service(me::reset_mfa)
            .service(passkeys::passkey_options)
            .service(passkeys::add_passkey)
            .service(passkeys::passkey_challenge)
            .service(passkeys::list_passkeys)
            .service(passkeys::rename_passkey)
            .service(passkeys::remove_passkey)
            .service(sso_links::list_sso_links)
            .service(sso_links::remove_sso_link)
            .service(me::list_sessions)
            .service(me::end_session)
            .service(me::end_other_sessions)
            .service(me::maintenance_announcements)
            .service(my_invitations::list_my_invitations)
            .service(my_invitations::accept_my_invitation)
            .service(my_invitations::decline_my_invitation)
            .service(admin_settings::get_admin_password_policy)
            .service(admin_settings::put_password_policy)
            .service(admin_users::list_users)
            .service(admin_sso_providers::list_identity_providers)
            .service(admin_sso_providers::create_identity_provider)
            .service(admin_sso_providers::update_identity_provider)
            .service(admin_sso_providers::delete_identity_provider)
            .service(admin_invitations::list_admin_invitations)
            .service(admin_users::invite_user)
            .service(admin_users::get_user)
            .service(admin_users::update_user)
            .service(admin_users::delete_user)
            .service(admin_users::resend_user_invitation)
            .service(admin_users::reset_user_mfa)
            .service(audit::platform_audit)
            .service(tokens::check_tokens),
    );
    // After the /api/v1 scope, so API requests never try these patterns.
    config.service(upload::upload_to_environment).service(upload::upload_to_qa);
}
