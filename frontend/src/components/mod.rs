//! Pieces several pages share: alerts, form fields, the live password checklist, the guard for
//! signed-in pages, emailed-link tokens, the once-shown recovery code, copy and confirm buttons,
//! paging, the audit log and the words for the API's codes.

mod alert;
mod audit;
mod confirm;
mod copy;
mod dynamic;
mod form;
mod guard;
pub mod labels;
mod link_token;
mod loaded;
mod pager;
mod password;
mod recovery_code;
mod reset_mfa;
mod table;
mod time;

pub use alert::{ErrorAlert, Notice};
pub use audit::AuditLog;
pub use confirm::ConfirmButton;
pub use copy::CopyButton;
pub use dynamic::{Dynamic, dynamic};
pub use form::{Checkbox, FormState, SelectField, TextField, set_title};
pub use guard::SignedInOnly;
pub use link_token::{forget_invitation, pending_invitation, remember_invitation, take_fragment_token};
pub use loaded::{Answer, Loaded, answer, failed, fetch, load, load_get, loaded, loading, show};
pub use pager::pager;
pub use password::{NewPasswordFields, load_password_policy, new_password_problem};
pub use recovery_code::RecoveryCodePanel;
pub use reset_mfa::ResetMfaForm;
pub use table::{Act, Cell, Choice, Mark, table};
pub use time::{format_date, format_utc, format_utc_seconds, local_input_to_utc, now_utc, parse_date, today};
