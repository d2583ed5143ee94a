//! Pieces several pages share: alerts, form fields, the live password checklist, the guard for
//! signed-in pages, emailed-link tokens, the once-shown recovery code, copy and confirm buttons,
//! paging, the audit log, the words for the API's codes, grids of checkboxes, date-time fields
//! and maintenance windows.

mod alert;
mod audit;
mod check_grid;
mod confirm;
mod copy;
mod date_time;
mod dynamic;
mod form;
mod guard;
pub mod labels;
mod lazily;
mod link_token;
mod loaded;
pub mod maintenance;
mod pager;
mod password;
mod recovery_code;
mod reset_mfa;
mod table;
mod time;
mod user_menu;

pub use alert::{ErrorAlert, Notice};
pub use audit::AuditLog;
pub use check_grid::{GridBox, check_grid};
pub use confirm::ConfirmButton;
pub use copy::CopyButton;
pub use date_time::DateTimeField;
pub use dynamic::{Dynamic, dynamic};
pub use form::{Checkbox, FormState, SelectField, TextField, TotpCodeField, entered_code, set_title};
pub use guard::SignedInOnly;
pub use lazily::{Chunk, lazily};
pub use link_token::{forget_invitation, pending_invitation, remember_invitation, take_fragment_token};
pub use loaded::{Answer, Loaded, answer, failed, fetch, load, loaded, loading, show};
pub use pager::pager;
pub use password::{NewPasswordFields, load_password_policy, new_password_problem};
pub use recovery_code::RecoveryCodePanel;
pub use reset_mfa::ResetMfaForm;
pub use table::{Act, Cell, Mark, table};
pub use time::{
    format_date, format_local, format_utc, format_utc_seconds, local_input_to_utc, now_utc, parse_date, today,
    utc_input, utc_input_to_utc,
};
pub use user_menu::{UserMenu, project_in_path};
