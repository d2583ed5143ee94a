//! One module per page (client route).

pub mod account;
pub mod admin;
pub mod enrol_mfa;
pub mod forgot_password;
pub mod home;
pub mod invitation;
pub mod not_found;
pub mod project;
pub mod recovered;
pub mod reset_password;
pub mod setup_mfa;
pub mod sign_in;
pub mod sign_in_mfa;
pub mod status;
pub mod status_link;
pub mod unlock;
pub mod verify_email;
