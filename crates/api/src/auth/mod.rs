//! Credentials and who is calling: secrets, password hashing, TOTP seeds at rest, session
//! cookies and their extractors, attempt limits, the WebAuthn relying party.

pub mod crypto;
pub mod limits;
pub mod monitoring;
pub mod oidc;
pub mod passwords;
pub mod project_access;
pub mod secrets;
pub mod session;
pub mod session_cookie;
pub mod token;
pub mod webauthn;
