//! API tests: each starts the real server (port 0, fresh database) and talks HTTP to it.
//! With `PORTICO_TEST_DATABASE_URL` set they run on PostgreSQL, one fresh database per test.

mod support;

mod admin_users;
mod alertmanager;
mod alerts;
mod authorization;
mod authorization_matrix;
mod bad_input;
mod cli;
mod deployments;
mod deployments_targets;
mod health;
mod identity_bootstrap;
mod identity_cli;
mod identity_mfa;
mod identity_passkeys;
mod identity_passwords;
mod identity_profile;
mod identity_sign_in;
mod identity_sso;
mod maintenance;
mod members;
mod module_graph;
mod my_invitations;
mod openapi_drift;
mod project_tokens;
mod projects;
mod read_cache;
mod resilience;
mod security;
mod spa;
mod status_subscriptions;
mod tokens;
mod webhooks;
