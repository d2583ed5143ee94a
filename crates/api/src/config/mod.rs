//! Configuration: built-in defaults < `portico.toml` < `PORTICO_*` environment variables.
//! Unknown keys and invalid values stop the server with a message naming the key.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

mod values;
pub use values::{ByteSize, CommandLine, HumanDuration, Secret};

/// Environment variables with the `PORTICO_` prefix that are not server settings: the test
/// harness's database and the deployment CLI's token.
const NOT_SETTINGS: &[&str] = &["test_database_url", "token", "url"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Listen address.
    pub bind: String,
    /// SQLite file, packages and the generated master key live here.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; a SQLite file in `data_dir` when unset.
    pub database_url: Option<Secret>,
    /// Base of links in emails; https turns on Secure cookies and HSTS.
    pub public_url: Option<String>,
    /// Master key (64 hex characters).
    pub secret_key: Option<Secret>,
    /// File holding the master key.
    pub secret_key_file: Option<PathBuf>,
    /// Email of the built-in Administrator (used on first start).
    pub admin_email: String,
    /// `smtp://host:port` or `smtps://user:pass@host`; unset: mail goes to the log.
    pub smtp_url: Option<Secret>,
    /// Sender of every email.
    pub mail_from: String,
    /// Folder of email templates overriding the built-in ones (same file names).
    pub template_dir: Option<PathBuf>,
    /// How long invitations stay valid.
    pub invitation_ttl: HumanDuration,
    /// How long reset, enrolment, verification and unlock links stay valid.
    pub link_ttl: HumanDuration,
    /// Failed attempts before a lock.
    pub lockout_threshold: u32,
    /// How long a lock lasts.
    pub lockout_duration: HumanDuration,
    /// A signed-in session ends after this long without a request.
    pub session_idle: HumanDuration,
    /// A signed-in session ends this long after sign-in whatever happens.
    pub session_max: HumanDuration,
    /// How long a read kept in memory (a session, a token, a membership, a page of deployments)
    /// may be served without asking the database; changes made through this server apply at
    /// once, changes made elsewhere (another server, the CLI) within this time. `0s`: off.
    pub cache_ttl: HumanDuration,
    /// Requests per minute per client address on the sign-in and link endpoints.
    pub credential_rate_limit: u32,
    /// Password hashes computed at once (19 MiB each); 0 means one per CPU.
    pub hashing_concurrency: usize,
    /// Seats (members plus pending invitations) included in each plan.
    pub seats_level_1: u32,
    pub seats_level_2: u32,
    pub seats_custom: u32,
    /// How long the built-in provisioner takes to set up a new project.
    pub provisioning_delay: HumanDuration,
    /// The longest lifetime of a personal access token (also the default).
    pub token_max_lifetime: HumanDuration,
    /// The largest deployment package.
    pub upload_limit: ByteSize,
    /// Packages kept per project; older package files are deleted.
    pub package_retention: u32,
    /// Bytes of packages a project may keep (stored and arriving); an upload past it is refused.
    pub package_quota: ByteSize,
    /// Free space the package folder keeps; an upload that would go below it is refused.
    pub min_free_disk: ByteSize,
    /// Uploads one project may send at once (to this server).
    pub uploads_per_project: u32,
    /// Where packages are kept: `file:///path`, `s3://bucket/prefix` or `az://container/prefix`
    /// (unset: the data dir's `packages` folder).
    pub package_store: Option<String>,
    /// What a deployment runs once its package is checked (a program, or a program and its
    /// arguments), in every environment without its own `deploy_command_<env>`.
    pub deploy_command: Option<CommandLine>,
    pub deploy_command_qa: Option<CommandLine>,
    pub deploy_command_uat: Option<CommandLine>,
    pub deploy_command_stg: Option<CommandLine>,
    pub deploy_command_prod: Option<CommandLine>,
    /// What restarting an environment runs (same shape and overrides as `deploy_command`).
    pub restart_command: Option<CommandLine>,
    pub restart_command_qa: Option<CommandLine>,
    pub restart_command_uat: Option<CommandLine>,
    pub restart_command_stg: Option<CommandLine>,
    pub restart_command_prod: Option<CommandLine>,
    /// Environment variables of the server passed on to deploy and restart commands
    /// (comma-separated names); everything else is cleared.
    pub deploy_env_passthrough: String,
    /// The most a command may write into its deployment's log; past it the log says so.
    pub deploy_log_limit: ByteSize,
    /// A command still running after this long is stopped (SIGTERM, 10 s, SIGKILL).
    pub deploy_timeout: HumanDuration,
    /// A server holds a running deployment this long without renewing (it renews every 10 s);
    /// once the lease runs out another server marks it failed.
    pub deploy_lease: HumanDuration,
    /// Deployments (of different projects) one server runs at once.
    pub deploy_concurrency: u32,
    /// Update slots nobody may choose, e.g. `sunday:0,sunday:3` (day:UTC start hour).
    pub blocked_update_slots: String,
    /// How long before a maintenance window its reminder goes out.
    pub maintenance_reminder_lead: HumanDuration,
    /// How far ahead a maintenance window must be announced, unless it is an emergency.
    pub maintenance_notice: HumanDuration,
    /// Bearer token of the monitoring system that raises alerts.
    pub monitoring_token: Option<Secret>,
    /// Let webhooks target private or loopback addresses (off: refused).
    pub webhook_allow_private: bool,
    /// Bearer token for `/metrics`; without it only loopback clients may read metrics.
    pub metrics_token: Option<Secret>,
    /// Folder of the built browser app.
    pub frontend_dir: PathBuf,
    /// Log filter, e.g. `info` or `portico_api=debug,info`.
    pub log: String,
    /// Largest JSON request body.
    pub json_limit: ByteSize,
    /// Addresses and CIDR networks of the reverse proxies in front of Portico (comma-separated);
    /// only requests from them have their forwarded client address read. Empty: none.
    pub trusted_proxies: String,
    /// The header those proxies write: `x-forwarded-for` or `forwarded` (RFC 7239).
    pub forwarded_header: String,
    /// Replaced by `trusted_proxies`; refused with a message saying so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_forwarded_for: Option<bool>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            public_url: None,
            secret_key: None,
            secret_key_file: None,
            admin_email: "admin@localhost".into(),
            smtp_url: None,
            mail_from: "portico@localhost".into(),
            template_dir: None,
            invitation_ttl: HumanDuration(Duration::from_secs(10 * 86_400)),
            link_ttl: HumanDuration(Duration::from_secs(86_400)),
            lockout_threshold: 5,
            lockout_duration: HumanDuration(Duration::from_secs(5 * 60)),
            session_idle: HumanDuration(Duration::from_secs(30 * 60)),
            session_max: HumanDuration(Duration::from_secs(12 * 3600)),
            cache_ttl: HumanDuration(Duration::from_secs(1)),
            credential_rate_limit: 60,
            hashing_concurrency: 0,
            seats_level_1: portico_domain::projects::DEFAULT_SEATS,
            seats_level_2: portico_domain::projects::DEFAULT_SEATS,
            seats_custom: portico_domain::projects::DEFAULT_SEATS,
            provisioning_delay: HumanDuration(Duration::from_secs(30)),
            token_max_lifetime: HumanDuration(Duration::from_secs(365 * 86_400)),
            upload_limit: ByteSize(2 << 30),
            package_retention: 10,
            package_quota: ByteSize(10 << 30),
            min_free_disk: ByteSize(2 << 30),
            uploads_per_project: 2,
            package_store: None,
            deploy_command: None,
            deploy_command_qa: None,
            deploy_command_uat: None,
            deploy_command_stg: None,
            deploy_command_prod: None,
            restart_command: None,
            restart_command_qa: None,
            restart_command_uat: None,
            restart_command_stg: None,
            restart_command_prod: None,
            deploy_env_passthrough: String::new(),
            deploy_log_limit: ByteSize(5 << 20),
            deploy_timeout: HumanDuration(Duration::from_secs(30 * 60)),
            deploy_lease: HumanDuration(Duration::from_secs(60)),
            deploy_concurrency: 4,
            blocked_update_slots: "sunday:0,sunday:3".into(),
            maintenance_reminder_lead: HumanDuration(Duration::from_secs(24 * 3600)),
            maintenance_notice: HumanDuration(Duration::from_secs(72 * 3600)),
            monitoring_token: None,
            webhook_allow_private: false,
            metrics_token: None,
            frontend_dir: PathBuf::from("frontend/dist"),
            log: "info".into(),
            json_limit: ByteSize(64 * 1024),
            trusted_proxies: String::new(),
            forwarded_header: "x-forwarded-for".into(),
            trust_forwarded_for: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
}

/// The refusal of setting `key`, named as both its environment variable and its file key.
pub(crate) fn invalid(key: &str, message: impl fmt::Display) -> ConfigError {
    ConfigError::Invalid(format!("{} ({key}): {message}", env_name(key)))
}

fn env_name(key: &str) -> String {
    format!("PORTICO_{}", key.to_uppercase())
}

impl Settings {
    /// Reads `config_file` (when it exists) and the environment over the defaults.
    pub fn load(config_file: &Path) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if config_file.exists() {
            figment = figment.merge(Toml::file_exact(config_file));
        }
        Self::from_figment(figment.merge(
            Env::prefixed("PORTICO_").filter(|key| !NOT_SETTINGS.contains(&key.as_str().to_lowercase().as_str())),
        ))
    }

    /// Settings for a test or a tool: the defaults with `overrides` on top, no file, no environment.
    pub fn from_overrides(overrides: impl Serialize) -> Result<Self, ConfigError> {
        Self::from_figment(
            Figment::from(Serialized::defaults(Settings::default())).merge(Serialized::defaults(overrides)),
        )
    }

    fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let mut settings: Settings = figment.extract().map_err(|error| {
            let messages: Vec<String> = error
                .into_iter()
                .map(|e| match e.path.last() {
                    Some(key) => format!("{} ({key}): {}", env_name(key), e.kind),
                    None => e.to_string(),
                })
                .collect();
            ConfigError::Invalid(messages.join("; "))
        })?;
        // Made absolute once, at start: deploy commands run in their own folders and are handed
        // paths under it, and the package store's file URL cannot be relative (`./data` by default).
        settings.data_dir = std::path::absolute(&settings.data_dir)
            .map_err(|e| invalid("data_dir", format!("{}: {e}", settings.data_dir.display())))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.bind_addr()?;
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(invalid("public_url", "must start with http:// or https://"));
        }
        if let Some(url) = &self.database_url {
            let url = url.expose();
            if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(invalid("database_url", "must start with sqlite:, postgres:// or postgresql://"));
            }
        }
        if self.secret_key.is_some() && self.secret_key_file.is_some() {
            return Err(invalid("secret_key", "set PORTICO_SECRET_KEY or PORTICO_SECRET_KEY_FILE, not both"));
        }
        self.blocked_slots()?;
        if self.package_retention == 0 {
            return Err(invalid("package_retention", "must be at least 1"));
        }
        if self.deploy_lease.0 < Duration::from_secs(20) {
            return Err(invalid("deploy_lease", "must be at least 20s (the lease is renewed every 10 s)"));
        }
        if self.deploy_timeout.0 < Duration::from_secs(1) {
            return Err(invalid("deploy_timeout", "must be at least 1s"));
        }
        if self.deploy_concurrency == 0 {
            return Err(invalid("deploy_concurrency", "must be at least 1"));
        }
        if self.uploads_per_project == 0 {
            return Err(invalid("uploads_per_project", "must be at least 1"));
        }
        if self.lockout_threshold == 0 {
            return Err(invalid("lockout_threshold", "must be at least 1"));
        }
        if self.credential_rate_limit == 0 {
            return Err(invalid("credential_rate_limit", "must be at least 1"));
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid("mail_from", "must be an email address like portico@example.com"));
        }
        if portico_domain::identity::Email::parse(&self.admin_email).is_err() {
            return Err(invalid("admin_email", "must be an email address"));
        }
        for (key, value) in [
            ("session_idle", self.session_idle),
            ("session_max", self.session_max),
            ("link_ttl", self.link_ttl),
            ("invitation_ttl", self.invitation_ttl),
            ("lockout_duration", self.lockout_duration),
            ("token_max_lifetime", self.token_max_lifetime),
        ] {
            if value.0 < Duration::from_secs(1) {
                return Err(invalid(key, "must be at least 1s"));
            }
        }
        if self.cache_ttl.0 > Duration::from_secs(60) {
            return Err(invalid("cache_ttl", "must be at most 1m (changes made by other servers apply after it)"));
        }
        for (key, token) in [("monitoring_token", &self.monitoring_token), ("metrics_token", &self.metrics_token)] {
            if token.as_ref().is_some_and(|t| t.expose().trim().is_empty()) {
                return Err(invalid(
                    key,
                    "is empty: set a long random value (e.g. `openssl rand -hex 32`) or unset it",
                ));
            }
        }
        if self.trust_forwarded_for.is_some() {
            return Err(invalid(
                "trust_forwarded_for",
                "was replaced by PORTICO_TRUSTED_PROXIES: list the addresses or networks of your proxies \
                 (e.g. 10.0.0.0/8), and PORTICO_FORWARDED_HEADER if they write `Forwarded`",
            ));
        }
        self.trusted_proxies()?;
        if self.json_limit.0 < 1024 {
            return Err(invalid("json_limit", "must be at least 1KiB"));
        }
        Ok(())
    }

    /// The parsed `trusted_proxies` and `forwarded_header`.
    pub fn trusted_proxies(&self) -> Result<crate::http::forwarded::TrustedProxies, ConfigError> {
        use crate::http::forwarded::{ForwardedHeader, TrustedProxies};
        let header = match self.forwarded_header.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => ForwardedHeader::XForwardedFor,
            "forwarded" => ForwardedHeader::Forwarded,
            _ => return Err(invalid("forwarded_header", "must be `x-forwarded-for` or `forwarded`")),
        };
        TrustedProxies::parse(&self.trusted_proxies, header).map_err(|e| invalid("trusted_proxies", e))
    }

    pub fn bind_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.bind.parse().map_err(|e| invalid("bind", format!("`{}` is not host:port ({e})", self.bind)))
    }

    /// The database URL, defaulting to a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("portico.db").display()),
        }
    }

    pub fn uses_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    /// Base URL of links in emails, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    pub fn hashing_concurrency(&self) -> usize {
        match self.hashing_concurrency {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            n => n,
        }
    }

    pub fn lockout_limits(&self) -> portico_store::throttles::Limits {
        portico_store::throttles::Limits {
            threshold: self.lockout_threshold,
            lock_for: chrono::Duration::from_std(self.lockout_duration.0).unwrap_or(chrono::Duration::minutes(5)),
        }
    }

    pub fn seats(&self, plan: portico_domain::projects::ServicePlan) -> u32 {
        use portico_domain::projects::ServicePlan;
        match plan {
            ServicePlan::Level1 => self.seats_level_1,
            ServicePlan::Level2 => self.seats_level_2,
            ServicePlan::Custom => self.seats_custom,
        }
    }

    pub fn provisioning_delay(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.provisioning_delay.0).unwrap_or(chrono::Duration::seconds(30))
    }

    /// The slots blocked platform-wide.
    pub fn blocked_slots(&self) -> Result<Vec<portico_domain::maintenance::Slot>, ConfigError> {
        self.blocked_update_slots
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|text| {
                portico_domain::maintenance::Slot::parse(text).ok_or_else(|| {
                    invalid(
                        "blocked_update_slots",
                        format!("`{text}` is not a slot like sunday:3 (hours 0, 3, .., 21)"),
                    )
                })
            })
            .collect()
    }

    pub fn maintenance_notice(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.maintenance_notice.0).unwrap_or(chrono::Duration::hours(72))
    }

    pub fn maintenance_reminder_lead(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.maintenance_reminder_lead.0).unwrap_or(chrono::Duration::hours(24))
    }

    pub fn token_max_lifetime(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.token_max_lifetime.0).unwrap_or(chrono::Duration::days(365))
    }

    pub fn link_ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.link_ttl.0).unwrap_or(chrono::Duration::days(1))
    }

    pub fn invitation_ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.invitation_ttl.0).unwrap_or(chrono::Duration::days(10))
    }

    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_accept_binary_units() {
        assert_eq!(ByteSize::parse("2GiB").unwrap().0, 2 * 1024 * 1024 * 1024);
        assert_eq!(ByteSize::parse("64KiB").unwrap().0, 65536);
        assert_eq!(ByteSize::parse("100").unwrap().0, 100);
        assert!(ByteSize::parse("2 parsecs").is_err());
        assert!(ByteSize::parse("GiB").is_err());
    }

    #[test]
    fn invalid_values_name_the_key() {
        let error = Settings::from_overrides(serde_json::json!({"bind": "not an address"})).unwrap_err();
        assert!(error.to_string().contains("PORTICO_BIND"), "{error}");
        let error = Settings::from_overrides(serde_json::json!({"json_limit": "lots"})).unwrap_err();
        assert!(error.to_string().contains("PORTICO_JSON_LIMIT"), "{error}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let error = Settings::from_overrides(serde_json::json!({"bnid": "127.0.0.1:1"})).unwrap_err();
        assert!(error.to_string().contains("bnid"), "{error}");
    }

    #[test]
    fn database_defaults_to_sqlite_in_the_data_dir() {
        let settings = Settings::from_overrides(serde_json::json!({"data_dir": "/srv/portico"})).unwrap();
        assert_eq!(settings.database_url(), "sqlite:///srv/portico/portico.db?mode=rwc");
        assert!(settings.uses_sqlite());
        assert_eq!(settings.public_url(), "http://127.0.0.1:8080");
    }

    #[test]
    fn a_relative_data_dir_is_made_absolute() {
        let settings = Settings::from_overrides(serde_json::json!({"data_dir": "./data"})).unwrap();
        assert_eq!(settings.data_dir, std::env::current_dir().unwrap().join("data"));
    }

    #[test]
    fn empty_tokens_and_bad_proxy_lists_stop_the_start() {
        for key in ["monitoring_token", "metrics_token"] {
            let error = Settings::from_overrides(serde_json::json!({key: "  "})).unwrap_err().to_string();
            assert!(error.contains(&format!("PORTICO_{}", key.to_uppercase())) && error.contains("empty"), "{error}");
        }
        let error =
            Settings::from_overrides(serde_json::json!({"trusted_proxies": "10.0.0.0/8, proxy.lan"})).unwrap_err();
        assert!(error.to_string().contains("PORTICO_TRUSTED_PROXIES") && error.to_string().contains("proxy.lan"));
        let error = Settings::from_overrides(serde_json::json!({"forwarded_header": "x-real-ip"})).unwrap_err();
        assert!(error.to_string().contains("PORTICO_FORWARDED_HEADER"), "{error}");
        let error = Settings::from_overrides(serde_json::json!({"trust_forwarded_for": true})).unwrap_err();
        assert!(error.to_string().contains("PORTICO_TRUSTED_PROXIES"), "{error}");
    }

    #[test]
    fn secrets_do_not_print() {
        let settings = Settings::from_overrides(serde_json::json!({"metrics_token": "hunter2hunter2"})).unwrap();
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
