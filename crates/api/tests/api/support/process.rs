//! `portico serve` as a separate process, to kill with SIGKILL and start again.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct ServerProcess {
    child: Child,
    pub address: String,
}

impl ServerProcess {
    /// Starts a server on a free port with the given data dir, database and SMTP sink.
    pub fn start(data_dir: &Path, database_url: &str, smtp_port: u16) -> Self {
        Self::start_with(data_dir, database_url, smtp_port, &[])
    }

    /// As `start`, with more environment variables (settings, or what a host sets: a proxy).
    pub fn start_with(data_dir: &Path, database_url: &str, smtp_port: u16, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORTICO_BIND", "127.0.0.1:0")
            .env("PORTICO_DATA_DIR", data_dir)
            .env("PORTICO_DATABASE_URL", database_url)
            .env("PORTICO_SECRET_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
            .env("PORTICO_PUBLIC_URL", super::PUBLIC_URL)
            .env("PORTICO_ADMIN_EMAIL", super::ADMIN_EMAIL)
            .env("PORTICO_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
            .env("PORTICO_MAIL_FROM", "portico@portal.test")
            .env("PORTICO_PROVISIONING_DELAY", "0s")
            .env("PORTICO_FRONTEND_DIR", data_dir.join("no-frontend"))
            .env("PORTICO_LOG", "warn,portico=info")
            .envs(env.iter().copied())
            .current_dir(data_dir)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("portico starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("\"message\":\"listening\"") {
                    let port: String =
                        line.split("\"port\":").nth(1).unwrap_or("").chars().take_while(char::is_ascii_digit).collect();
                    let _ = tx.send(Ok(port));
                }
                seen.push(line);
            }
            let _ = tx.send(Err(seen.join("\n")));
        });
        let port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(port)) => port,
            Ok(Err(log)) => panic!("portico serve exited before listening:\n{log}"),
            Err(error) => panic!("portico serve did not report its port: {error}"),
        };
        Self { child, address: format!("http://127.0.0.1:{port}") }
    }

    /// The most memory the process has held so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc/PID/status");
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc/PID/status");
        line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()).expect("VmHWM in KiB")
    }

    /// SIGKILL: no graceful shutdown, nothing flushed.
    pub fn kill_hard(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The deploy target the deployment tests configure (`tests/fixtures/deploy-target.sh`; its
/// modes are listed at its top).
pub fn deploy_target_fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deploy-target.sh")
}

/// Whether a process runs (a zombie waiting for its parent has stopped running).
pub fn running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(stat.rsplit_once(") ").map(|(_, rest)| &rest[..1]), Some("Z" | "X")),
        Err(_) => false,
    }
}
