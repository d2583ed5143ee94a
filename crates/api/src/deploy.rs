//! `portico deploy`: uploads a package like Kentico's scripts do, with a progress bar (bytes,
//! rate, ETA) on a terminal and plain progress lines otherwise; with `--wait` it prints the
//! deployment's log as it is written and exits 0 on `succeeded`, 1 on `failed`, 2 on `cancelled`.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use portico_client::Client;
use portico_domain::deployments::DeploymentState;
use uuid::Uuid;

pub async fn run(
    url: &str,
    token: &str,
    project: Uuid,
    env: &str,
    package: &Path,
    wait: bool,
) -> anyhow::Result<ExitCode> {
    let client = Client::new(url, token)?;
    let size = std::fs::metadata(package).map_err(|e| anyhow::anyhow!("{}: {e}", package.display()))?.len();
    let progress = progress_reporter(size);
    let report = progress.clone();
    let uploaded = client.upload_package(project, env, package, move |sent, total| report.update(sent, total)).await;
    progress.finish();
    let accepted = match uploaded {
        Ok(accepted) => accepted,
        Err(error) => {
            eprintln!("portico deploy: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "Uploaded {} bytes to {}: deployment {} is {:?} (SHA-256 {}).",
        accepted.package_size,
        env.to_uppercase(),
        accepted.id,
        accepted.state,
        accepted.package_sha256
    );
    if !wait {
        return Ok(ExitCode::SUCCESS);
    }
    // The log as it is written, until the deployment ends (whichever server runs it).
    let followed = client
        .follow_log(project, accepted.id, |text| {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        })
        .await;
    if let Err(error) = followed {
        eprintln!("portico deploy: following the log broke off ({error}); waiting for the outcome");
    }
    loop {
        let page = client.deployments(project, 1, 100).await?;
        let Some(deployment) = page.items.iter().find(|d| d.id == accepted.id) else {
            anyhow::bail!("deployment {} is no longer listed", accepted.id);
        };
        match deployment.state {
            DeploymentState::Succeeded => return Ok(ExitCode::SUCCESS),
            DeploymentState::Failed => return Ok(ExitCode::from(1)),
            DeploymentState::Cancelled => return Ok(ExitCode::from(2)),
            _ => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

/// Shows upload progress: a bar on a terminal, a line every 10 % (or 5 s) otherwise.
#[derive(Clone)]
enum Progress {
    Bar(ProgressBar),
    Lines(Arc<Mutex<(u64, Instant)>>),
}

fn progress_reporter(total: u64) -> Progress {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} [{bar:30}] {binary_bytes_per_sec} ETA {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Progress::Bar(bar)
    } else {
        Progress::Lines(Arc::new(Mutex::new((0, Instant::now()))))
    }
}

impl Progress {
    fn update(&self, sent: u64, total: u64) {
        match self {
            Progress::Bar(bar) => bar.set_position(sent),
            Progress::Lines(last) => {
                let mut last = last.lock().expect("progress lock");
                let step = (total / 10).max(1);
                if sent == total || sent >= last.0 + step || last.1.elapsed() >= Duration::from_secs(5) {
                    let percent = (sent * 100).checked_div(total).unwrap_or(100);
                    eprintln!("uploaded {sent} of {total} bytes ({percent}%)");
                    *last = (sent, Instant::now());
                }
            }
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
