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
use portico_api::{openapi, telemetry};

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
    /// Ask a running server whether it is ready (exit 0) or not (exit 1); for container health checks.
    Healthcheck {
        /// Address to ask; defaults to PORTICO_BIND.
        #[arg(long)]
        address: Option<SocketAddr>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("portico: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Openapi = cli.command {
        std::io::stdout().write_all(openapi::document_json().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = Settings::load(&cli.config)?;
    match cli.command {
        Command::Openapi => unreachable!("handled above"),
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
