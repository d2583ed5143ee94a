//! Portico's domain: the rules (who may do what, what a valid value is) and the types the
//! server and the browser app exchange. No IO and no clock: time comes in as a parameter.

pub mod admin;
pub mod alerts;
pub mod deployments;
pub mod identity;
pub mod maintenance;
pub mod network;
pub mod paging;
pub mod problem;
pub mod projects;
pub mod status;
pub mod tokens;
