//! A running deployment's log. The runner's own lines and the command's output go through one
//! writer, so they keep their order; it stores them in small batches (a printed line is in the
//! database a moment later, where a follower on any server reads it) and stops keeping the
//! command's output once `PORTICO_DEPLOY_LOG_LIMIT` is reached (the command keeps running).

use std::sync::Arc;
use std::time::Duration;

use portico_store::deployment_logs;
use portico_store::entities::deployment_log_line::LogStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::context::Context;

/// Lines waiting to be stored, at most; a command printing faster than the database takes its
/// lines waits on its pipe.
const BACKLOG: usize = 1024;
/// A batch is stored after this long or this many lines, whichever comes first.
const BATCH_WINDOW: Duration = Duration::from_millis(100);
const BATCH_LINES: usize = 256;

struct Entry {
    at: chrono::DateTime<chrono::Utc>,
    stream: LogStream,
    text: String,
}

/// Where a deployment's lines are written; cheap to clone for each output stream.
#[derive(Clone)]
pub struct LogHandle {
    sender: mpsc::Sender<Entry>,
    context: Arc<Context>,
}

impl LogHandle {
    /// A line of Portico's own (always kept).
    pub async fn say(&self, text: impl Into<String>) {
        self.write(LogStream::Portico, text.into()).await;
    }

    /// A line the command printed.
    pub async fn write(&self, stream: LogStream, text: String) {
        let entry = Entry { at: self.context.now(), stream, text };
        // The writer ends only when every handle is gone, or the database refused a batch (then
        // the run goes on and its outcome is still stored).
        let _ = self.sender.send(entry).await;
    }
}

/// The task storing a deployment's lines.
pub struct DeploymentLog {
    handle: Option<LogHandle>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl DeploymentLog {
    pub fn start(context: Arc<Context>, deployment: Uuid) -> Self {
        let (sender, receiver) = mpsc::channel(BACKLOG);
        let limit = context.deploy_targets.log_limit;
        let task = tokio::spawn(store_lines(Arc::clone(&context), deployment, receiver, limit));
        Self { handle: Some(LogHandle { sender, context }), task }
    }

    pub fn handle(&self) -> LogHandle {
        self.handle.clone().expect("the log is open until finished")
    }

    /// Waits until every line written so far is stored.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        drop(self.handle.take());
        (&mut self.task).await?
    }
}

impl Drop for DeploymentLog {
    fn drop(&mut self) {
        if self.handle.is_some() {
            self.task.abort();
        }
    }
}

async fn store_lines(
    context: Arc<Context>,
    deployment: Uuid,
    mut receiver: mpsc::Receiver<Entry>,
    limit: u64,
) -> anyhow::Result<()> {
    let mut kept: u64 = 0;
    let mut cut = false;
    while let Some(first) = receiver.recv().await {
        let mut batch = Vec::new();
        let mut keep = |entry: Entry, batch: &mut Vec<_>| {
            if entry.stream != LogStream::Portico {
                let size = entry.text.len() as u64 + 1;
                if cut {
                    return;
                }
                if kept + size > limit {
                    cut = true;
                    batch.push((
                        entry.at,
                        LogStream::Portico,
                        format!(
                            "The log is cut here: it reached {limit} bytes (PORTICO_DEPLOY_LOG_LIMIT). \
                             The command keeps running; its further output is not kept."
                        ),
                    ));
                    return;
                }
                kept += size;
            }
            batch.push((entry.at, entry.stream, entry.text));
        };
        keep(first, &mut batch);
        let deadline = tokio::time::Instant::now() + BATCH_WINDOW;
        while batch.len() < BATCH_LINES {
            match tokio::time::timeout_at(deadline, receiver.recv()).await {
                Ok(Some(entry)) => keep(entry, &mut batch),
                Ok(None) | Err(_) => break,
            }
        }
        deployment_logs::append(&context.db, deployment, batch).await?;
        context.log_written.notify_waiters();
    }
    Ok(())
}
