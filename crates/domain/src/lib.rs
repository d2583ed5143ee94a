//! Portico's domain: the rules (who may do what, what a valid value is) and the types the
//! server and the browser app exchange. No IO and no clock: time comes in as a parameter.

pub mod admin;
pub mod alertmanager;
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
pub mod webhooks;

/// The strings an enumerated column holds are the ones `as_str` gives (the data written before
/// the columns were typed reads back unchanged).
#[cfg(all(test, feature = "db"))]
mod stored_strings {
    use sea_orm::{ActiveEnum, Iterable};

    fn same<T: ActiveEnum<Value = String> + Iterable + Copy>(as_str: fn(T) -> &'static str) {
        for variant in T::iter() {
            assert_eq!(variant.to_value(), as_str(variant));
        }
    }

    #[test]
    fn every_enum_stores_its_as_str() {
        same(crate::identity::SystemRole::as_str);
        same(crate::identity::SessionStage::as_str);
        same(crate::projects::ServicePlan::as_str);
        same(crate::projects::Environment::as_str);
        same(crate::projects::ProjectRole::as_str);
        same(crate::alerts::Severity::as_str);
        same(crate::alerts::AlertType::as_str);
        same(crate::deployments::DeploymentState::as_str);
        same(crate::deployments::DeploymentKind::as_str);
    }
}
