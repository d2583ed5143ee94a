//! One claimed deployment or restart, from its claim to its outcome: the lease kept every 10 s,
//! the package copied from the store to a local file (its SHA-256 checked) and checked, the
//! environment's command run in a fresh folder with only the variables it is meant to see, and
//! the outcome stored with its alert, emails, audit event and webhook.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use portico_domain::deployments::{DeploymentKind, PackageLimits, build_number};
use portico_store::entities::deployment;
use portico_store::{access_tokens, accounts, deployments, projects as project_store};
use tokio::sync::watch;
use uuid::Uuid;

use super::command::{self, Ending, Watch, describe, exit_description};
use super::conclude::{Outcome, conclude};
use super::log_writer::{DeploymentLog, LogHandle};
use crate::context::Context;
use crate::deploy_targets::{TargetCommand, describe as describe_command};
use crate::packages::check_package;

/// How often a running deployment's lease is renewed.
const RENEW_EVERY: Duration = Duration::seconds(10);

pub async fn run(context: Arc<Context>, row: deployment::Model, stop: watch::Receiver<bool>) {
    let id = row.id;
    if let Err(error) = run_claimed(&context, row, stop).await {
        tracing::error!(deployment = %id, error = %format!("{error:#}"), "running a deployment");
    }
    context.cache.invalidate();
}

async fn run_claimed(
    context: &Arc<Context>,
    row: deployment::Model,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let log = DeploymentLog::start(Arc::clone(context), row.id);
    let say = log.handle();
    let lease = LeaseKeeper::start(Arc::clone(context), row.id);
    let folder = RunFolder::create(&context.settings.data_dir, row.id)?;
    let watch = Watch { deployment: row.id, stop, lease_lost: lease.lost.clone() };
    let outcome = match perform(context, &row, &say, &folder, watch).await {
        Ok(outcome) => outcome,
        Err(error) => Outcome::Failed(format!("{error:#}")),
    };
    lease.stop();
    drop(folder);
    match &outcome {
        Outcome::Succeeded { .. } => say.say("Succeeded").await,
        Outcome::Failed(reason) => say.say(format!("Failed: {reason}")).await,
        Outcome::Cancelled(_) => say.say("Cancelled").await,
        Outcome::Abandoned => {}
    }
    drop(say);
    if let Err(error) = log.finish().await {
        tracing::error!(deployment = %row.id, error = %format!("{error:#}"), "writing a deployment's log");
    }
    conclude(context, &row, outcome).await
}

/// Does the work of one deployment and says how it went.
async fn perform(
    context: &Arc<Context>,
    row: &deployment::Model,
    say: &LogHandle,
    folder: &RunFolder,
    watch: Watch,
) -> anyhow::Result<Outcome> {
    let environment = row.environment;
    let targets = &context.deploy_targets;
    match row.kind {
        DeploymentKind::Upload => {
            say.say("Checking the package (bounded reads, nothing is extracted)").await;
            let package = match fetch_package(context, row, folder).await {
                Ok(package) => package,
                Err(reason) => return Ok(Outcome::Failed(reason)),
            };
            let path = package.clone();
            let checked = tokio::task::spawn_blocking(move || check_package(&path, PackageLimits::default()))
                .await
                .unwrap_or_else(|e| Err(format!("the check crashed: {e}")));
            let report = match checked {
                Ok(report) => report,
                Err(reason) => return Ok(Outcome::Failed(reason)),
            };
            say.say(format!(
                "{}: {} entries, {} bytes uncompressed, version {}",
                report.layout, report.entries, report.uncompressed, report.version
            ))
            .await;
            let build = build_number(&report.version, row.created_at);
            // The list shows the build while its command runs.
            deployments::set_release(&context.db, row.id, &report.version, &build).await?;
            context.cache.invalidate();
            let release = Release { version: report.version, build };
            match targets.deploy(environment) {
                None => Ok(nothing_to_run(say, release).await),
                Some(target) => run_target(context, row, target, Some((&package, &release)), folder, say, watch).await,
            }
        }
        DeploymentKind::Promotion => {
            let release = Release {
                version: row.package_version.clone().unwrap_or_default(),
                build: row.build_number.clone().unwrap_or_default(),
            };
            let Some(target) = targets.deploy(environment) else { return Ok(nothing_to_run(say, release).await) };
            let package = match fetch_package(context, row, folder).await {
                Ok(package) => package,
                Err(reason) => return Ok(Outcome::Failed(reason)),
            };
            run_target(context, row, target, Some((&package, &release)), folder, say, watch).await
        }
        DeploymentKind::Restart => match targets.restart(environment) {
            Some(target) => run_target(context, row, target, None, folder, say, watch).await,
            None => Ok(Outcome::Failed(format!(
                "the server that took it ({}) has no restart command for {} (PORTICO_RESTART_COMMAND)",
                context.instance,
                environment.label()
            ))),
        },
    }
}

/// The version and build number a deployment puts live.
struct Release {
    version: String,
    build: String,
}

async fn nothing_to_run(say: &LogHandle, release: Release) -> Outcome {
    say.say(
        "No deploy target is configured (PORTICO_DEPLOY_COMMAND): the package was checked and nothing was deployed",
    )
    .await;
    Outcome::Succeeded { version: Some(release.version), build: Some(release.build) }
}

/// Copies the deployment's package into the run folder and checks it is the one uploaded.
async fn fetch_package(context: &Context, row: &deployment::Model, folder: &RunFolder) -> Result<PathBuf, String> {
    let key = row.package_key.as_deref().ok_or("the package is no longer kept")?;
    let path = folder.package();
    let fetched = context
        .packages
        .fetch_to(key, &path)
        .await
        .map_err(|e| format!("the package cannot be read from {}: {e}", context.packages.location))?;
    if fetched.sha256 != row.package_sha256 || fetched.size != row.package_size as u64 {
        return Err(format!(
            "the stored package is not the one uploaded: {} bytes with SHA-256 {}, expected {} bytes with SHA-256 {}",
            fetched.size, fetched.sha256, row.package_size, row.package_sha256
        ));
    }
    Ok(path)
}

/// Runs the environment's command and turns how it ended into the deployment's outcome.
async fn run_target(
    context: &Arc<Context>,
    row: &deployment::Model,
    target: &TargetCommand,
    package: Option<(&Path, &Release)>,
    folder: &RunFolder,
    say: &LogHandle,
    watch: Watch,
) -> anyhow::Result<Outcome> {
    if let Some(by) = deployments::cancel_request(&context.db, row.id).await? {
        return Ok(Outcome::Cancelled(by));
    }
    let environment = command_environment(context, row, package).await?;
    say.say(format!("Running {} (PORTICO_{})", describe_command(target), target.setting.to_uppercase())).await;
    let ending = command::run(context, target, &environment, &folder.work(), say, watch).await?;
    let release = package.map(|(_, release)| release);
    Ok(match ending {
        Ending::Exited(status) if status.success() => {
            say.say("The command exited with status 0").await;
            Outcome::Succeeded { version: release.map(|r| r.version.clone()), build: release.map(|r| r.build.clone()) }
        }
        Ending::Exited(status) => Outcome::Failed(format!("the command ended with {}", exit_description(status))),
        Ending::TimedOut(after) => {
            Outcome::Failed(format!("timed out after {} (PORTICO_DEPLOY_TIMEOUT)", describe(after)))
        }
        Ending::Cancelled(by) => Outcome::Cancelled(by),
        Ending::ServerStopping => Outcome::Failed("the server was shut down while the command ran".to_owned()),
        Ending::LeaseLost => Outcome::Abandoned,
    })
}

/// The command's whole environment: the few variables a program needs to run, those the
/// operator passes on by name, and the deployment's. Nothing else of the server's reaches it
/// (its settings hold the master key, the database URL and the SMTP credentials).
async fn command_environment(
    context: &Context,
    row: &deployment::Model,
    package: Option<(&Path, &Release)>,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut variables: Vec<(String, String)> = Vec::new();
    let server = |name: &str| std::env::var(name).ok();
    variables.push(("PATH".into(), server("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into())));
    if let Some(home) = server("HOME") {
        variables.push(("HOME".into(), home));
    }
    variables.push(("LANG".into(), server("LANG").unwrap_or_else(|| "C.UTF-8".into())));
    for name in &context.deploy_targets.passthrough {
        if let Some(value) = server(name) {
            variables.push((name.clone(), value));
        }
    }
    let project = project_store::find(&context.db, row.project_id).await?;
    let deployment_variables = [
        ("PORTICO_DEPLOYMENT_ID", row.id.to_string()),
        ("PORTICO_PROJECT_GUID", row.project_id.to_string()),
        ("PORTICO_PROJECT_NAME", project.map(|p| p.name).unwrap_or_default()),
        ("PORTICO_ENVIRONMENT", row.environment.as_str().to_owned()),
        ("PORTICO_TRIGGERED_BY", triggered_by(context, row).await?),
    ];
    variables.extend(deployment_variables.map(|(name, value)| (name.to_owned(), value)));
    if let Some((path, release)) = package {
        let package_variables = [
            ("PORTICO_BUILD_NUMBER", release.build.clone()),
            ("PORTICO_PACKAGE_VERSION", release.version.clone()),
            ("PORTICO_PACKAGE_SHA256", row.package_sha256.clone()),
            ("PORTICO_PACKAGE_PATH", path.display().to_string()),
            ("PORTICO_PROMOTED_FROM", row.promoted_from.map(|id| id.to_string()).unwrap_or_default()),
        ];
        variables.extend(package_variables.map(|(name, value)| (name.to_owned(), value)));
    }
    Ok(variables)
}

/// Who started it: `token:<display name>` for an access token, else the person's email.
async fn triggered_by(context: &Context, row: &deployment::Model) -> anyhow::Result<String> {
    if let Some(token) = row.token_id
        && let Some(token) = access_tokens::find_in_project(&context.db, row.project_id, token).await?
    {
        return Ok(format!("token:{}", token.display_name));
    }
    if let Some(account) = row.created_by
        && let Some(account) = accounts::find(&context.db, account).await?
    {
        return Ok(account.email.unwrap_or(account.user_name));
    }
    Ok(String::new())
}

/// A fresh folder per run under the data dir (`runs/<deployment>`): the package's local copy and
/// the command's working folder, removed when the run ends (and at start, after a crash).
struct RunFolder {
    root: PathBuf,
}

impl RunFolder {
    fn create(data_dir: &Path, id: Uuid) -> anyhow::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let root = runs_folder(data_dir).join(id.to_string());
        let _ = std::fs::remove_dir_all(&root);
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(root.join("work"))
            .map_err(|e| anyhow::anyhow!("creating the run folder {}: {e}", root.display()))?;
        Ok(Self { root })
    }

    fn package(&self) -> PathBuf {
        self.root.join("package.zip")
    }

    fn work(&self) -> PathBuf {
        self.root.join("work")
    }
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.root) {
            tracing::warn!(folder = %self.root.display(), error = %error, "removing a run folder");
        }
    }
}

pub fn runs_folder(data_dir: &Path) -> PathBuf {
    data_dir.join("runs")
}

/// Renews a running deployment's lease every [`RENEW_EVERY`] by the clock; says when another
/// server has taken the deployment over (the lease ran out meanwhile) so the run stops.
struct LeaseKeeper {
    lost: watch::Receiver<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl LeaseKeeper {
    fn start(context: Arc<Context>, id: Uuid) -> Self {
        let (lose, lost) = watch::channel(false);
        let task = tokio::spawn(async move {
            let lease = context.deploy_targets.lease;
            let mut renewed = context.now();
            loop {
                tokio::time::sleep(StdDuration::from_millis(500)).await;
                let now = context.now();
                if now - renewed < RENEW_EVERY {
                    continue;
                }
                match deployments::renew_lease(&context.db, id, &context.instance, now + lease).await {
                    Ok(true) => renewed = now,
                    Ok(false) => {
                        let _ = lose.send(true);
                        return;
                    }
                    // The database is away: try again; the lease covers several attempts.
                    Err(error) => tracing::warn!(deployment = %id, error = %error, "renewing a deployment's lease"),
                }
            }
        });
        Self { lost, task }
    }

    fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for LeaseKeeper {
    fn drop(&mut self) {
        self.task.abort();
    }
}
