//! Deployment packages: where they are kept (`store`) and how one is checked (`check`).

mod check;
mod store;

pub use check::{DirectoryFacts, PackageReport, check_package, read_directory_facts};
pub use store::{Fetched, PackageStore, PackageUpload, StoredPackage};
