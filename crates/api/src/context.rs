//! What every use case can reach, built once at start: the database, the clock, settings, keys,
//! the mailer, the read cache, the package store and the in-process limits. No web framework
//! types: workers and the command line use it as the HTTP handlers do.

use std::sync::Arc;

use std::time::Instant;
use tokio::sync::Notify;

use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;

use crate::auth::limits::IpLimiter;
use crate::auth::passwords::PasswordHasherPool;
use crate::auth::session_cookie::SessionSettings;
use crate::cache::ReadCache;
use crate::clock::Clock;
use crate::config::Settings;
use crate::keys::MasterKey;
use crate::mail::Mailer;
use crate::packages::PackageStore;

pub struct Context {
    pub db: DatabaseConnection,
    /// The only source of the time.
    pub clock: Arc<dyn Clock>,
    /// Reads kept in memory; every change forgets them (see `cache`).
    pub cache: Arc<ReadCache>,
    pub settings: Arc<Settings>,
    pub master_key: Arc<MasterKey>,
    pub metrics: PrometheusHandle,
    pub started_at: Instant,
    pub sessions: SessionSettings,
    pub hasher: PasswordHasherPool,
    pub credential_limiter: IpLimiter,
    pub mailer: Mailer,
    pub packages: Arc<PackageStore>,
    /// Wakes the deployment runner when a deployment is queued.
    pub wake_runner: Arc<Notify>,
    /// Woken when this server stores lines of a deployment's log (followers here read them at
    /// once; those on other servers look every moment).
    pub log_written: Arc<Notify>,
    /// Wakes the webhook sender when a delivery is queued.
    pub wake_webhooks: Arc<Notify>,
    /// A token was created that may already be due for an expiry reminder.
    pub wake_reminders: Arc<Notify>,
    /// What deployments and restarts run (checked at start).
    pub deploy_targets: crate::deploy_targets::DeployTargets,
    /// This server among others on the same database (leases name it).
    pub instance: String,
    /// Uploads under way, per project.
    pub uploads: Arc<crate::upload_gate::UploadGate>,
    /// Whose forwarded client addresses are believed.
    pub proxies: crate::http::forwarded::TrustedProxies,
    /// The WebAuthn relying party (None: the public URL cannot carry passkeys).
    pub webauthn: Option<webauthn_rs::Webauthn>,
    /// Talks to single sign-on providers.
    pub oidc_http: reqwest::Client,
}

impl Context {
    pub fn new(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        settings: Arc<Settings>,
        master_key: Arc<MasterKey>,
        wake_mailer: Arc<Notify>,
        packages: PackageStore,
    ) -> anyhow::Result<Self> {
        let templates = crate::mail::templates::Templates::new(settings.template_dir.clone())
            .map_err(|e| anyhow::anyhow!("PORTICO_TEMPLATE_DIR (template_dir): {e}"))?;
        let concurrency = settings.hashing_concurrency();
        let cache = Arc::new(ReadCache::new(settings.cache_ttl.0, Arc::clone(&clock)));
        if crate::cluster::is_shared(&db) {
            // Until this server hears the others' changes (see `cluster`).
            cache.set_hearing_others(false);
        }
        Ok(Self {
            cache,
            sessions: SessionSettings::new(&settings, &master_key),
            hasher: PasswordHasherPool::new(concurrency, concurrency * 16),
            credential_limiter: IpLimiter::new(settings.credential_rate_limit),
            mailer: Mailer::new(templates, master_key.clone(), wake_mailer),
            packages: Arc::new(packages),
            proxies: settings.trusted_proxies()?,
            webauthn: crate::auth::webauthn::relying_party(&settings),
            oidc_http: crate::auth::oidc::http_client(),
            deploy_targets: crate::deploy_targets::DeployTargets::from_settings(&settings)?,
            instance: format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple()),
            uploads: crate::upload_gate::UploadGate::new(settings.uploads_per_project as usize),
            wake_runner: Arc::new(Notify::new()),
            wake_webhooks: Arc::new(Notify::new()),
            wake_reminders: Arc::new(Notify::new()),
            log_written: Arc::new(Notify::new()),
            metrics: crate::telemetry::metrics_handle(),
            started_at: Instant::now(),
            db,
            clock,
            settings,
            master_key,
        })
    }

    /// Now, by the context's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today's date in UTC, by the context's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.now().date_naive()
    }
}

/// The machine's name, for telling servers apart in logs and leases.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| "portico".into())
}
