//! Every HTTP operation, one file per resource. `configure` is the single list the server and
//! the OpenAPI document are both built from, so the document cannot forget a route.

pub mod admin_settings;
pub mod admin_users;
pub mod auth;
pub mod health;
pub mod invitations;
pub mod me;
pub mod status;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config.service(health::healthz).service(health::readyz).service(health::metrics);
    config.service(
        scope::scope("/api/v1")
            .service(status::status)
            .service(auth::sign_in)
            .service(auth::mfa)
            .service(auth::recovery)
            .service(auth::sign_out)
            .service(auth::forgot_password)
            .service(auth::reset_password)
            .service(auth::enrol_link)
            .service(auth::verify_email)
            .service(auth::unlock)
            .service(auth::get_password_policy)
            .service(invitations::lookup)
            .service(invitations::register)
            .service(me::get_me)
            .service(me::update_me)
            .service(me::change_email)
            .service(me::change_password)
            .service(me::start_totp)
            .service(me::confirm_totp)
            .service(me::regenerate_recovery_code)
            .service(me::reset_mfa)
            .service(me::list_sessions)
            .service(me::end_session)
            .service(me::end_other_sessions)
            .service(admin_settings::get_password_policy)
            .service(admin_settings::put_password_policy)
            .service(admin_users::reset_mfa),
    );
}
