//! Table mappings. Column meaning is documented on the migrations that create them.

pub mod access_token;
pub mod account;
pub mod alert;
pub mod audit_event;
pub mod deployment;
pub mod deployment_log_line;
pub mod invitation;
pub mod maintenance_subscriber;
pub mod maintenance_window;
pub mod membership;
pub mod notification_preference;
pub mod one_time_link;
pub mod outbox_email;
pub mod passkey;
pub mod password;
pub mod project;
pub mod recovery_code;
pub mod session;
pub mod setting;
pub mod status_subscriber;
pub mod throttle;
pub mod totp_authenticator;
pub mod update_schedule;
pub mod webauthn_ceremony;
pub mod webhook;
pub mod webhook_delivery;
