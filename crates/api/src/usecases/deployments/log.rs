//! A deployment's log: the lines kept so far, or followed as they are written (by whichever
//! server runs it: followers read the lines from the database), ending with a line that names
//! the final state.

use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use portico_domain::deployments::DeploymentState;
use portico_domain::projects::Action;
use portico_store::entities::deployment_log_line::LogStream;
use portico_store::{deployment_logs, deployments};
use uuid::Uuid;

use super::{DeploymentsResult, deployment_not_found};
use crate::auth::project_access::ProjectAccess;
use crate::context::Context;

/// Lines read from the database at once.
const PAGE: u64 = 1000;
/// A follower looks for lines written on another server this often (lines written on its own
/// server wake it at once).
const LOOK_EVERY: Duration = Duration::from_millis(250);

pub async fn log(state: &Context, access: &ProjectAccess, id: Uuid) -> DeploymentsResult<String> {
    access.require(Action::ViewProject)?;
    let row = deployments::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    // Deployments from before logs were lines keep theirs in the row.
    let mut text = row.log;
    let mut after = 0;
    loop {
        let lines = deployment_logs::after(&state.db, id, after, PAGE).await?;
        let Some(last) = lines.last() else { break };
        after = last.id;
        text.extend(lines.iter().map(deployment_logs::render));
    }
    Ok(text)
}

fn is_under_way(state: DeploymentState) -> bool {
    matches!(state, DeploymentState::Scheduled | DeploymentState::Queued | DeploymentState::InProgress)
}

struct Follower {
    context: Arc<Context>,
    id: Uuid,
    after: i64,
    earlier: Option<String>,
    ended: bool,
}

/// The log so far, then each line as it is written, then (once the deployment has ended and
/// every line is out) `... portico Ended: <state>`.
pub async fn follow(
    context: Arc<Context>,
    access: &ProjectAccess,
    id: Uuid,
) -> DeploymentsResult<impl Stream<Item = DeploymentsResult<String>> + 'static> {
    access.require(Action::ViewProject)?;
    let row =
        deployments::find_in_project(&context.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    let earlier = Some(row.log).filter(|log| !log.is_empty());
    let follower = Follower { context, id, after: 0, earlier, ended: false };
    Ok(futures_util::stream::unfold(follower, |mut follower| async move {
        if follower.ended {
            return None;
        }
        if let Some(earlier) = follower.earlier.take() {
            return Some((Ok(earlier), follower));
        }
        let next = follower.next_chunk().await;
        if next.is_err() {
            follower.ended = true;
        }
        Some((next, follower))
    }))
}

impl Follower {
    /// Waits for new lines, or for the end.
    async fn next_chunk(&mut self) -> DeploymentsResult<String> {
        loop {
            let notify = Arc::clone(&self.context.log_written);
            let written = notify.notified();
            tokio::pin!(written);
            written.as_mut().enable();
            if let Some(lines) = self.new_lines().await? {
                return Ok(lines);
            }
            let state = deployments::find(&self.context.db, self.id).await?.map(|row| row.state);
            match state {
                Some(state) if is_under_way(state) => {}
                ended => {
                    // Lines written between the two reads above come first.
                    if let Some(lines) = self.new_lines().await? {
                        return Ok(lines);
                    }
                    self.ended = true;
                    let state = ended.map(DeploymentState::as_str).unwrap_or("deleted");
                    return Ok(deployment_logs::render_line(
                        self.context.now(),
                        LogStream::Portico,
                        &format!("Ended: {state}"),
                    ));
                }
            }
            tokio::select! {
                _ = written => {}
                _ = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    }

    async fn new_lines(&mut self) -> DeploymentsResult<Option<String>> {
        let lines = deployment_logs::after(&self.context.db, self.id, self.after, PAGE).await?;
        let Some(last) = lines.last() else { return Ok(None) };
        self.after = last.id;
        Ok(Some(lines.iter().map(deployment_logs::render).collect()))
    }
}
