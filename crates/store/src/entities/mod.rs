//! Table mappings. Column meaning is documented on the migrations that create them.

pub mod account;
pub mod audit_event;
