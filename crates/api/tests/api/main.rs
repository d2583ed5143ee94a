//! API tests: each starts the real server (port 0, fresh database) and talks HTTP to it.
//! With `PORTICO_TEST_DATABASE_URL` set they run on PostgreSQL, one fresh database per test.

mod support;

mod cli;
mod health;
mod openapi_drift;
mod spa;
