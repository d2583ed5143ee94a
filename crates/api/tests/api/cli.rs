//! The `portico` binary: bad configuration and unusable databases stop it with a message
//! naming the cause; SIGTERM stops it cleanly.

use std::process::{Command, Stdio};
use std::time::Duration;

fn portico(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTICO_DATA_DIR", data_dir)
        .env("PORTICO_BIND", "127.0.0.1:0")
        .current_dir(data_dir);
    command
}

#[test]
fn unknown_configuration_keys_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let output = portico(dir.path()).env("PORTICO_LOCKOUT_TRESHOLD", "5").arg("serve").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lockout_treshold"), "{stderr}");
}

#[test]
fn invalid_values_in_portico_toml_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("portico.toml"), "json_limit = \"huge\"\n").unwrap();
    let output = portico(dir.path()).arg("serve").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("PORTICO_JSON_LIMIT"), "{stderr}");
}

#[test]
fn an_unopenable_database_exits_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let output = portico(dir.path())
        .env("PORTICO_DATABASE_URL", "sqlite:///nonexistent-folder/portico.db?mode=rwc")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("opening the database"), "{stderr}");
}

#[test]
fn postgres_without_a_master_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = portico(dir.path())
        .env("PORTICO_DATABASE_URL", "postgres://nobody@127.0.0.1:1/portico")
        .arg("serve")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("PORTICO_SECRET_KEY"), "{stderr}");
}

#[test]
fn migrate_then_serve_then_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let migrate = portico(dir.path()).arg("migrate").output().unwrap();
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let mut child = portico(dir.path()).arg("serve").stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (listening_tx, listening_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut log = String::new();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)) {
            let line = line.unwrap();
            if line.contains("\"message\":\"listening\"") {
                listening_tx.send(()).unwrap();
            }
            log.push_str(&line);
            log.push('\n');
        }
        log
    });
    listening_rx.recv_timeout(Duration::from_secs(30)).expect("the server starts listening");
    let kill = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    let log = reader.join().unwrap();
    assert!(status.success(), "exit {status:?}: {log}");
    assert!(log.contains("\"message\":\"stopped\""), "{log}");
}

#[test]
fn help_explains_each_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let output = portico(dir.path()).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    for command in ["serve", "migrate", "openapi", "healthcheck"] {
        assert!(text.contains(command), "{text}");
    }
}
