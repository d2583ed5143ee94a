//! The `portico` command.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use portico_api::app::{Application, open_database};
use portico_api::config::Settings;
use portico_api::keys::MasterKey;
use portico_api::{openapi, telemetry, usecases};

mod deploy;

#[derive(Parser)]
#[command(name = "portico", version, about = "Portico: a self-hostable project portal")]
struct Cli {
    /// Configuration file; PORTICO_* environment variables override it.
    #[arg(long, global = true, default_value = "portico.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the API and the browser app until SIGINT/SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document (what `openapi/portico.json` must contain).
    Openapi,
    /// Upload a deployment package with a personal access token (from PORTICO_TOKEN), showing
    /// progress; exits non-zero with the server's message when the upload is refused.
    Deploy {
        /// The Portico server, e.g. https://portal.example.com (or PORTICO_URL).
        #[arg(long, env = "PORTICO_URL")]
        url: String,
        /// The project GUID.
        #[arg(long)]
        project: uuid::Uuid,
        /// qa, uat, stg or prod.
        #[arg(long, default_value = portico_client::DEFAULT_ENVIRONMENT)]
        env: String,
        /// Print the deployment's log as it is written until it ends; exit 0 when it succeeded,
        /// 1 when it failed, 2 when it was cancelled.
        #[arg(long)]
        wait: bool,
        /// The ZIP package.
        package: PathBuf,
    },
    /// Account administration from the server's machine (works when nobody can sign in).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Ask a running server whether it is ready (exit 0) or not (exit 1); for container health checks.
    Healthcheck {
        /// Address to ask; defaults to PORTICO_BIND.
        #[arg(long)]
        address: Option<SocketAddr>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make the account with this email an Administrator (creating it if needed) and print a
    /// set-up link when it has no password yet.
    CreateAdministrator {
        #[arg(long)]
        email: String,
    },
    /// Remove the authenticator of the account with this email, end its sessions, and print
    /// (and email) an enrolment link: how a locked-out sole Administrator gets back in.
    ResetMfa {
        #[arg(long)]
        email: String,
    },
    /// Import accounts from a CSV file with columns email, user_name, first_name, last_name,
    /// password_hash (ASP.NET Identity v3, as Xperience stores it) and optionally system_role.
    /// They sign in with their old password and set up MFA through an emailed link.
    ImportUsers {
        /// The CSV file (with a header row).
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("portico: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Large blocks (argon2 takes 19 MiB per password check) are mapped and unmapped directly.
/// Otherwise glibc raises its mmap threshold after the first such free and each thread arena
/// keeps its freed blocks: one burst of sign-ins left the server at ~600 MiB RSS for good.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_system() {
    // SAFETY: mallopt only tunes the allocator; it takes the allocator's own locks.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_system() {}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Openapi => {
            std::io::stdout().write_all(openapi::document_json().as_bytes())?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Deploy { url, project, env, wait, package } => {
            let token = std::env::var("PORTICO_TOKEN")
                .context("set PORTICO_TOKEN to a personal access token of the project (ptc_...)")?;
            return runtime()?.block_on(deploy::run(&url, &token, project, &env, &package, wait));
        }
        _ => {}
    }
    let settings = Settings::load(&cli.config)?;
    match cli.command {
        Command::Openapi | Command::Deploy { .. } => unreachable!("handled above"),
        Command::Healthcheck { address } => {
            let mut address = match address {
                Some(address) => address,
                None => settings.bind_addr()?,
            };
            if address.ip().is_unspecified() {
                address.set_ip([127, 0, 0, 1].into());
            }
            healthcheck(address)
        }
        Command::Serve => {
            telemetry::init_logging(&settings.log);
            runtime()?.block_on(async {
                let app = Application::build(settings).await?;
                app.shutdown_on_signals()?;
                tracing::info!(port = app.port(), "listening");
                app.run_until_stopped().await.context("serving")?;
                tracing::info!("stopped");
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Admin(command) => {
            telemetry::init_logging(&settings.log);
            runtime()?.block_on(admin(settings, command))
        }
        Command::Migrate => {
            telemetry::init_logging(&settings.log);
            runtime()?.block_on(async {
                open_database(&settings).await?;
                eprintln!("portico: the database is up to date");
                Ok(ExitCode::SUCCESS)
            })
        }
    }
}

async fn admin(settings: Settings, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let settings = std::sync::Arc::new(settings);
    let master_key = std::sync::Arc::new(MasterKey::load(&settings)?);
    let db = open_database(&settings).await?;
    let clock: std::sync::Arc<dyn portico_api::clock::Clock> = std::sync::Arc::new(portico_api::clock::SystemClock);
    portico_store::accounts::ensure_builtin_accounts(&db, &settings.admin_email, clock.now()).await?;
    let packages = portico_api::packages::PackageStore::open(&settings).await?;
    let state = portico_api::context::Context::new(db, clock, settings, master_key, Default::default(), packages)?;
    let problem = |e: usecases::bootstrap::BootstrapError| anyhow::anyhow!("{e}");
    match command {
        AdminCommand::CreateAdministrator { email } => {
            let outcome = usecases::bootstrap::create_administrator(&state, &email).await.map_err(problem)?;
            println!("{email} is {} Administrator.", if outcome.created { "a new" } else { "now an" });
            match outcome.setup_link {
                Some(link) => println!("Set-up link (also emailed):\n\n    {link}\n"),
                None => println!("The account already has a password; it signs in as before."),
            }
        }
        AdminCommand::ResetMfa { email } => {
            let link = usecases::bootstrap::reset_mfa_by_email(&state, &email).await.map_err(problem)?;
            println!("The authenticator of {email} was removed and its sessions ended.");
            println!("Enrolment link (also emailed):\n\n    {link}\n");
        }
        AdminCommand::ImportUsers { file } => {
            let mut reader = csv::ReaderBuilder::new()
                .trim(csv::Trim::All)
                .from_path(&file)
                .with_context(|| format!("opening {}", file.display()))?;
            let rows = reader
                .deserialize()
                .collect::<Result<Vec<usecases::bootstrap::ImportRow>, _>>()
                .with_context(|| format!("reading {}", file.display()))?;
            let report = usecases::bootstrap::import_users(&state, rows).await.map_err(|e| {
                use portico_api::usecases::errors::UseCaseError;
                let fields: Vec<String> = e.fields().iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
                anyhow::anyhow!(
                    "nothing was imported: {}",
                    if fields.is_empty() { e.to_string() } else { fields.join("; ") }
                )
            })?;
            println!("Imported {} account(s).", report.imported);
            for email in report.skipped_existing {
                println!("Skipped {email}: an account with this email exists.");
            }
        }
    }
    // Servers on the same PostgreSQL forget what they read before this change.
    portico_api::cluster::announce(&state.db, "admin-cli").await.context("telling the servers about the change")?;
    Ok(ExitCode::SUCCESS)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// A plain HTTP/1.0 GET of `/readyz`, so the probe needs nothing but the binary.
fn healthcheck(address: SocketAddr) -> anyhow::Result<ExitCode> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(3))
        .with_context(|| format!("connecting to {address}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(format!("GET /readyz HTTP/1.0\r\nHost: {address}\r\n\r\n").as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status_line = answer.lines().next().unwrap_or_default();
    if status_line.split_whitespace().nth(1) == Some("200") {
        println!("ready");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("not ready: {status_line}");
        Ok(ExitCode::FAILURE)
    }
}
