//! Running a deploy or restart command: no shell, a cleared environment, its own process group
//! (so stopping it stops everything it started), output read line by line into the log, and a
//! timeout, a cancellation or the server stopping ending it with SIGTERM, a grace period, then
//! SIGKILL. Time is the context's clock, so tests move it instead of waiting.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use portico_store::deployments;
use portico_store::entities::deployment_log_line::LogStream;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::watch;
use uuid::Uuid;

use super::log_writer::LogHandle;
use crate::context::Context;
use crate::deploy_targets::TargetCommand;

/// How long a stopped command's process group has between SIGTERM and SIGKILL.
pub const GRACE: Duration = Duration::seconds(10);
/// How often a running command is looked at (the clock, a cancellation, its process group).
const TICK: StdDuration = StdDuration::from_millis(250);
/// Cancellation requests are read from the database every this many ticks.
const CANCEL_EVERY_TICKS: u32 = 4;
/// Longer lines are split: a command printing without newlines cannot fill the memory.
const MAX_LINE: usize = 16 << 10;

/// How a command ended.
#[derive(Debug)]
pub enum Ending {
    Exited(ExitStatus),
    TimedOut(Duration),
    /// Someone asked to stop it (their account, if known).
    Cancelled(Option<Uuid>),
    /// The server is shutting down.
    ServerStopping,
    /// Another server failed the deployment after this one's lease ran out.
    LeaseLost,
}

/// What one run needs to watch besides the command itself.
pub struct Watch {
    pub deployment: Uuid,
    pub stop: watch::Receiver<bool>,
    pub lease_lost: watch::Receiver<bool>,
}

/// Why a command ends now, once it has been asked to end.
enum Stopping {
    TimedOut(Duration),
    Cancelled(Option<Uuid>),
    Shutdown,
    LeaseLost,
}

/// The command's process group, killed (SIGKILL) if the run is dropped before it ended, so no
/// deploy script outlives a server task that was abandoned.
struct ProcessGroup(i32);

impl ProcessGroup {
    fn signal(&self, signal: i32) {
        // SAFETY: killpg only sends a signal; a group that is gone answers ESRCH.
        unsafe { libc::killpg(self.0, signal) };
    }

    /// Whether any process of the group is still running (zombies awaiting their parent's wait
    /// count as gone).
    fn alive(&self) -> bool {
        // SAFETY: signal 0 checks for existence without sending anything.
        if unsafe { libc::killpg(self.0, 0) } != 0 {
            return false;
        }
        group_members(self.0).into_iter().any(|pid| !is_zombie(pid))
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.signal(libc::SIGKILL);
    }
}

/// The pids in a process group, from /proc.
fn group_members(pgid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return vec![pgid] };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| process_group_of(*pid) == Some(pgid))
        .collect()
}

/// Fields of /proc/PID/stat after the command name: state, ppid, pgrp, ...
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

fn process_group_of(pid: i32) -> Option<i32> {
    stat_fields(pid)?.get(2)?.parse().ok()
}

fn is_zombie(pid: i32) -> bool {
    stat_fields(pid).is_none_or(|fields| fields.first().is_some_and(|state| state == "Z" || state == "X"))
}

/// Runs `command` in `work_dir` with exactly `environment`, writing its output to `log`, until it
/// exits or is stopped; then stops whatever it left running in its process group.
pub async fn run(
    context: &Arc<Context>,
    command: &TargetCommand,
    environment: &[(String, String)],
    work_dir: &Path,
    log: &LogHandle,
    mut watch: Watch,
) -> anyhow::Result<Ending> {
    let mut process = tokio::process::Command::new(&command.program);
    process
        .args(&command.arguments)
        .current_dir(work_dir)
        .env_clear()
        .envs(environment.iter().map(|(name, value)| (name, value)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    // SAFETY: prctl is async-signal-safe; it asks the kernel to SIGKILL the command when the
    // thread that started it ends (the server crashing or being killed), so it is not left behind.
    unsafe {
        process.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child =
        process.spawn().map_err(|e| anyhow::anyhow!("{} could not be started: {e}", command.program.display()))?;
    let group = ProcessGroup(child.id().expect("a running child has a pid") as i32);
    let stdout = tokio::spawn(read_lines(child.stdout.take().expect("piped"), LogStream::Stdout, log.clone()));
    let stderr = tokio::spawn(read_lines(child.stderr.take().expect("piped"), LogStream::Stderr, log.clone()));

    let started = context.now();
    let timeout = context.deploy_targets.timeout;
    let mut stopping: Option<(Stopping, DateTime<Utc>)> = None;
    let mut killed = false;
    let mut ticks = 0u32;
    let status = loop {
        tokio::select! {
            status = child.wait() => break status?,
            _ = tokio::time::sleep(TICK) => {}
        }
        ticks += 1;
        let now = context.now();
        if stopping.is_none() {
            let reason = if now - started >= timeout {
                Some(Stopping::TimedOut(now - started))
            } else if *watch.stop.borrow_and_update() {
                Some(Stopping::Shutdown)
            } else if *watch.lease_lost.borrow_and_update() {
                Some(Stopping::LeaseLost)
            } else if ticks.is_multiple_of(CANCEL_EVERY_TICKS) {
                deployments::cancel_request(&context.db, watch.deployment).await?.map(Stopping::Cancelled)
            } else {
                None
            };
            if let Some(reason) = reason {
                log.say(match &reason {
                    Stopping::TimedOut(after) => {
                        format!(
                            "Stopping the command: it timed out after {} (PORTICO_DEPLOY_TIMEOUT)",
                            describe(*after)
                        )
                    }
                    Stopping::Cancelled(_) => "Stopping the command: the deployment was cancelled".to_owned(),
                    Stopping::Shutdown => "Stopping the command: the server is shutting down".to_owned(),
                    Stopping::LeaseLost => "Stopping the command: another server has failed this deployment".to_owned(),
                })
                .await;
                group.signal(libc::SIGTERM);
                stopping = Some((reason, now));
            }
        } else if let Some((_, since)) = &stopping
            && !killed
            && now - *since >= GRACE
        {
            log.say(format!("The command did not stop within {} of SIGTERM: SIGKILL", describe(GRACE))).await;
            group.signal(libc::SIGKILL);
            killed = true;
        }
    };
    stop_leftovers(context, &group, log).await;
    for reader in [stdout, stderr] {
        // Every writer of the pipes is gone with the group; a process that left the group and
        // kept them open does not hold the run up.
        if tokio::time::timeout(StdDuration::from_secs(2), reader).await.is_err() {
            log.say("Stopped reading the command's output: a process outside its group still holds it").await;
        }
    }
    Ok(match stopping {
        Some((Stopping::TimedOut(after), _)) => Ending::TimedOut(after),
        Some((Stopping::Cancelled(by), _)) => Ending::Cancelled(by),
        Some((Stopping::Shutdown, _)) => Ending::ServerStopping,
        Some((Stopping::LeaseLost, _)) => Ending::LeaseLost,
        None => Ending::Exited(status),
    })
}

/// Once the command's first process has exited, what it started in its group is stopped too
/// (SIGTERM, the grace period, SIGKILL): a deployment leaves nothing running behind. (A service
/// meant to outlive it is started by its supervisor, e.g. `systemctl restart`.)
async fn stop_leftovers(context: &Context, group: &ProcessGroup, log: &LogHandle) {
    if !group.alive() {
        return;
    }
    log.say("Stopping what the command left running in its process group (SIGTERM)").await;
    group.signal(libc::SIGTERM);
    let since = context.now();
    while group.alive() {
        if context.now() - since >= GRACE {
            log.say(format!("Its process group did not stop within {}: SIGKILL", describe(GRACE))).await;
            group.signal(libc::SIGKILL);
            break;
        }
        tokio::time::sleep(TICK).await;
    }
}

/// Copies a stream into the log a line at a time (lines longer than [`MAX_LINE`] in pieces,
/// bytes that are not UTF-8 replaced).
async fn read_lines(reader: impl AsyncRead + Unpin, stream: LogStream, log: LogHandle) {
    let mut reader = BufReader::with_capacity(64 << 10, reader);
    let mut line: Vec<u8> = Vec::new();
    loop {
        let available = match reader.fill_buf().await {
            Ok([]) | Err(_) => break,
            Ok(bytes) => bytes,
        };
        let room = MAX_LINE - line.len();
        let (taken, complete) = match available.iter().take(room).position(|&b| b == b'\n') {
            Some(end) => {
                line.extend_from_slice(&available[..end]);
                (end + 1, true)
            }
            None => {
                let taken = available.len().min(room);
                line.extend_from_slice(&available[..taken]);
                (taken, line.len() >= MAX_LINE)
            }
        };
        reader.consume(taken);
        if complete {
            emit(&mut line, stream, &log).await;
        }
    }
    if !line.is_empty() {
        emit(&mut line, stream, &log).await;
    }
}

async fn emit(line: &mut Vec<u8>, stream: LogStream, log: &LogHandle) {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    log.write(stream, String::from_utf8_lossy(line).into_owned()).await;
    line.clear();
}

/// `1h 2m 3s`, `30m`, `10s`: whole seconds, written as the duration settings are.
pub fn describe(duration: Duration) -> String {
    let seconds = StdDuration::from_secs(duration.num_seconds().max(0) as u64);
    humantime::format_duration(seconds).to_string()
}

/// How an exit status reads in the log.
pub fn exit_description(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal} ({})", signal_name(signal)),
        (None, None) => "an unknown status".to_owned(),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGTERM => "SIGTERM",
        libc::SIGKILL => "SIGKILL",
        libc::SIGINT => "SIGINT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGHUP => "SIGHUP",
        _ => "another signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_the_settings() {
        assert_eq!(describe(Duration::minutes(30)), "30m");
        assert_eq!(describe(Duration::seconds(3723)), "1h 2m 3s");
        assert_eq!(describe(Duration::zero()), "0s");
    }
}
