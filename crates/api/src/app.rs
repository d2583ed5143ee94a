//! Building and running the server: configuration in, a bound listener and a running
//! `HttpServer` out. Tests use the same path with port 0.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use tokio::sync::{Notify, watch};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::error::extractors;
use crate::http::{csrf, forget, headers, logging, metrics, problems};
use crate::keys::MasterKey;
use crate::spa::SpaAssets;
use crate::{cache, openapi, routes, spa, usecases, workers};

pub struct Application {
    port: u16,
    server: Server,
    stop_workers: watch::Sender<bool>,
    cache: Arc<cache::ReadCache>,
}

impl Application {
    /// Opens and migrates the database, seeds the built-in accounts, loads the app files and
    /// binds the listener. Every failure here names its cause.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], with the time read from `clock` (tests pass a [`TestClock`]).
    ///
    /// [`TestClock`]: crate::clock::TestClock
    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let settings = Arc::new(settings);
        let master_key = Arc::new(MasterKey::load(&settings)?);
        let db = open_database(&settings).await?;
        let wake_mailer = Arc::new(Notify::new());
        let packages = crate::packages::PackageStore::open(&settings).await?;
        let state = web::Data::new(crate::context::Context::new(
            db,
            clock,
            settings.clone(),
            master_key,
            wake_mailer.clone(),
            packages,
        )?);
        state.hasher.warm_up();
        let (administrator, first_start) =
            portico_store::accounts::ensure_builtin_accounts(&state.db, &settings.admin_email, state.now())
                .await
                .context("seeding the built-in accounts")?;
        if first_start {
            tracing::info!(email = %settings.admin_email, "first start: created the built-in Administrator");
            usecases::bootstrap::first_start(&state, &administrator)
                .await
                .map_err(|e| anyhow::anyhow!("issuing the Administrator's set-up link: {e}"))?;
        }
        // The document is built once and served as bytes: every worker keeping (and serializing
        // per request) its own copy cost megabytes of resident memory.
        let document = openapi::document();
        let methods = web::Data::new(spa::MethodTable::from_document(&document));
        let document_json = web::Bytes::from(document.to_json().context("serializing the OpenAPI document")?);
        drop(document);
        let assets = web::Data::new(
            SpaAssets::load(&settings.frontend_dir)
                .with_context(|| format!("reading the browser app from {}", settings.frontend_dir.display()))?,
        );
        let address = settings.bind_addr()?;
        let listener = TcpListener::bind(address).with_context(|| format!("listening on {address} (PORTICO_BIND)"))?;
        let port = listener.local_addr()?.port();
        let (stop_workers, workers_stop) = watch::channel(false);
        workers::spawn_all(&state, wake_mailer, workers_stop)?;
        let hsts = settings.is_https();
        let json_limit = usize::try_from(settings.json_limit.0).unwrap_or(usize::MAX);
        let cache = Arc::clone(&state.cache);
        let server = HttpServer::new(move || {
            let document_json = document_json.clone();
            let (app, _) = App::new()
                .into_utoipa_app()
                .openapi(openapi::base())
                .app_data(state.clone())
                .app_data(assets.clone())
                .app_data(methods.clone())
                .app_data(web::JsonConfig::default().limit(json_limit).error_handler(extractors::json))
                .app_data(web::QueryConfig::default().error_handler(extractors::query))
                .app_data(web::PathConfig::default().error_handler(extractors::path))
                .configure(routes::configure)
                .split_for_parts();
            let app = app
                .route(
                    "/api-docs/openapi.json",
                    web::get().to(move || {
                        let body = document_json.clone();
                        async move { HttpResponse::Ok().content_type("application/json").body(body) }
                    }),
                )
                .service(SwaggerUi::new("/api-docs/{_:.*}").config(Config::new(["/api-docs/openapi.json"])))
                .route(
                    "/api-docs",
                    web::get().to(|| async {
                        HttpResponse::PermanentRedirect().insert_header(("Location", "/api-docs/")).finish()
                    }),
                )
                .default_service(web::to(spa::serve))
                .wrap(from_fn(forget::forget_after_changes))
                .wrap(from_fn(csrf::require_header))
                .wrap(from_fn(problems::fill_bare_errors))
                .wrap(from_fn(metrics::record))
                .wrap(from_fn(move |request, next| headers::security_headers(hsts, request, next)))
                .wrap(TracingLogger::<logging::AccessLog>::new());
            give_back_freed_memory();
            app
        })
        .listen(listener)?
        // The `portico` command owns the signals (see `shutdown_on_signals`); tests stop
        // servers by dropping them.
        .disable_signals()
        .shutdown_timeout(10)
        .run();
        Ok(Self { port, server, stop_workers, cache })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's read cache (tests that change the database behind its back forget it, as
    /// `cache_ttl` would a moment later).
    pub fn cache(&self) -> Arc<cache::ReadCache> {
        Arc::clone(&self.cache)
    }

    /// Serves until stopped, then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        let _ = self.stop_workers.send(true);
        result
    }

    /// Stops the server gracefully on SIGTERM or SIGINT. The handlers are installed before this
    /// returns, so a signal that arrives once the server is listening is never lost.
    pub fn shutdown_on_signals(&self) -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let handle = self.server.handle();
        tokio::spawn(async move {
            tokio::select! {
                _ = terminate.recv() => tracing::info!("SIGTERM: finishing requests in flight"),
                _ = interrupt.recv() => tracing::info!("SIGINT: finishing requests in flight"),
            }
            handle.stop(true).await;
        });
        Ok(())
    }
}

/// Connects and applies pending migrations (creating the data dir for SQLite).
pub async fn open_database(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let url = settings.database_url();
    let sqlite_file = sqlite_file(&url);
    if settings.uses_sqlite() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data dir {} (PORTICO_DATA_DIR)", settings.data_dir.display()))?;
    }
    if let Some(file) = &sqlite_file {
        owner_only(file, true)?;
    }
    let db = portico_store::connect(&url).await.context("opening the database (PORTICO_DATABASE_URL)")?;
    portico_store::migrate(&db).await.context("applying database migrations")?;
    if let Some(file) = &sqlite_file {
        // SQLite gives its -wal and -shm files the database file's mode; older ones are fixed here.
        for suffix in ["-wal", "-shm"] {
            owner_only(&std::path::PathBuf::from(format!("{}{suffix}", file.display())), false)?;
        }
    }
    Ok(db)
}

/// The file of a `sqlite:` URL (None for an in-memory database or another backend).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:") && !rest.contains("mode=memory")).then(|| path.into())
}

/// The database holds password hashes, sealed secrets and audit trails: readable by the server's
/// user only (0600, like `secret.key`). Creates the file so it never exists with wider rights.
fn owner_only(file: &std::path::Path, create: bool) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let context = || format!("restricting {} to its owner (PORTICO_DATABASE_URL)", file.display());
    if create {
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(file) {
            Ok(_) => return Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            // A folder that does not exist: opening the database reports it.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(error).with_context(context),
        }
    }
    match std::fs::metadata(file) {
        Ok(metadata) if metadata.permissions().mode() & 0o077 != 0 => {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).with_context(context)
        }
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(context),
    }
}

/// Each worker builds its routes with their whole OpenAPI description (utoipa collects it as the
/// routes are added; the server serves the one built at start), and drops it at once: megabytes
/// freed into the worker thread's malloc arena, which glibc keeps (3.8 MiB per worker at idle,
/// 37.1 MiB in all against 30.0 after this). Given back here, the workers keep arenas of their own,
/// which reads under load need (one shared arena: the token reads fell from 65 % to 52 % of
/// /healthz).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_back_freed_memory() {
    // SAFETY: malloc_trim only returns free pages to the system, under the allocator's locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_back_freed_memory() {}
