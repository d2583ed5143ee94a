//! Pieces several pages share: alerts, form fields, the live password checklist, the guard for
//! signed-in pages, emailed-link tokens and the once-shown recovery code.

mod alert;
mod form;
mod guard;
mod link_token;
mod loaded;
mod password;
mod recovery_code;
mod reset_mfa;
mod time;

pub use alert::{ErrorAlert, Notice};
pub use form::{FormState, TextField, set_title};
pub use guard::SignedInOnly;
pub use link_token::take_fragment_token;
pub use loaded::{Loaded, load, loaded};
pub use password::{NewPasswordFields, load_password_policy, new_password_problem};
pub use recovery_code::RecoveryCodePanel;
pub use reset_mfa::ResetMfaForm;
pub use time::{format_utc, format_utc_seconds};
