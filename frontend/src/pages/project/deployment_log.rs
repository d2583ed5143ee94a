//! A deployment's log. While the deployment is queued or running the viewer follows it as it is
//! written (the server sends each line as the command prints it, whichever server runs it) and
//! offers Cancel where the role allows; once it ends, the viewer says so and the list refreshes.

use leptos::html::Pre;
use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_domain::deployments::{Deployment, DeploymentState};

use super::ProjectContext;
use crate::api::{self, ApiFailure};
use crate::components::{ConfirmButton, failed, loading};

/// What the viewer shows.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Loading,
    /// The text so far; `live` while the log is still being written.
    Text {
        text: String,
        live: bool,
    },
    Failed(ApiFailure),
}

/// The log of `deployment`; `on_ended` runs when a followed deployment ends (the list reloads),
/// `cancel` when the viewer's Cancel is confirmed (None: the role may not cancel).
pub fn log_viewer(
    deployment: Deployment,
    title: String,
    on_close: Callback<()>,
    on_ended: Callback<()>,
    cancel: Option<Callback<()>>,
) -> AnyView {
    let guid = ProjectContext::get().guid;
    let id = deployment.id;
    let shown = RwSignal::new(Shown::Loading);
    let view_ref = NodeRef::<Pre>::new();
    let under_way = matches!(deployment.state, DeploymentState::Queued | DeploymentState::InProgress);
    let load = move || {
        spawn_local(async move {
            let text = api::projects::deployment_log(guid, id).await;
            let _ = shown.try_set(match text {
                Ok(text) => Shown::Text { text, live: false },
                Err(failure) => Shown::Failed(failure),
            });
        });
    };
    if under_way {
        spawn_local(async move {
            let followed = api::projects::follow_deployment_log(guid, id, move |piece| {
                // Gone (the viewer was closed): stop reading.
                shown
                    .try_update(|shown| match shown {
                        Shown::Text { text, .. } => text.push_str(&piece),
                        other => *other = Shown::Text { text: piece, live: true },
                    })
                    .is_some()
            })
            .await;
            let ended = match followed {
                Ok(()) => shown.try_update(|shown| {
                    if let Shown::Text { live, .. } = shown {
                        *live = false;
                    }
                }),
                Err(failure) => shown.try_set(Shown::Failed(failure)).map(|_| ()),
            };
            if ended.is_some() {
                on_ended.run(());
            }
        });
    } else {
        load();
    }
    // Keep the newest line in view while following.
    Effect::new(move |_| {
        shown.track();
        if let Some(pre) = view_ref.get() {
            pre.set_scroll_top(pre.scroll_height());
        }
    });
    let live = move || matches!(shown.get(), Shown::Text { live: true, .. });
    view! {
        <section class="card" aria-labelledby="log-title">
            <h2 id="log-title">{title}</h2>
            <p role="status" data-testid="log-status">
                {move || match shown.get() {
                    Shown::Text { live: true, .. } => "Live: new lines appear as the deployment writes them.",
                    Shown::Text { live: false, .. } if under_way => "The deployment has ended; its state is in the list.",
                    _ => "",
                }}
            </p>
            // Plain text, not JSON: shown as it came. Not a live region: a running command writes
            // too much to read aloud; the status above says when it ends.
            {move || match shown.get() {
                Shown::Loading => loading("the log"),
                Shown::Text { text, .. } => view! {
                    <pre class="log" data-testid="deployment-log" tabindex="0" node_ref=view_ref>{text}</pre>
                }
                .into_any(),
                Shown::Failed(failure) => failed(&failure),
            }}
            <div class="actions">
                {move || (live() && cancel.is_some()).then(|| {
                    let cancel = cancel.expect("checked");
                    view! {
                        <ConfirmButton
                            label="Cancel deployment"
                            subject=""
                            question="Stop this deployment? Its command is sent SIGTERM, then SIGKILL 10 seconds later."
                            confirm="Yes, stop it"
                            on_confirm=cancel
                        />
                    }
                })}
                {move || (!live()).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| load()>"Reload log"</button>
                })}
                <button type="button" class="secondary" on:click=move |_| on_close.run(())>"Close log"</button>
            </div>
        </section>
    }
    .into_any()
}
