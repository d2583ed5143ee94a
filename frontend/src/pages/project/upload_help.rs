//! How scripts upload a package to this project: the Kentico-compatible HTTP call and the
//! `portico deploy` command, with this server's address and the project's GUID filled in.

use leptos::prelude::*;

use super::ProjectContext;
use crate::components::CopyButton;

pub fn upload_help() -> AnyView {
    let context = ProjectContext::get();
    let origin = web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default();
    let guid = context.guid;
    let curl = format!(
        "curl --fail-with-body -X POST -H \"Authorization: Bearer $PORTICO_TOKEN\" \\\n  -H \"Content-Type: application/zip\" \
         --data-binary @package.zip \\\n  {origin}/api/deployment/upload/{guid}/qa"
    );
    let cli = format!("PORTICO_TOKEN=ptc_… portico deploy --url {origin} --project {guid} --env qa --wait package.zip");
    view! {
        <section class="card" aria-labelledby="upload-help-title">
            <h2 id="upload-help-title">"Uploading a deployment package"</h2>
            <p>
                "Scripts upload a ZIP package with an access token that has the permission for the environment
                 (" <code>"qa"</code> ", " <code>"uat"</code> ", " <code>"stg"</code> " or " <code>"prod"</code>
                 " at the end of the address). The package needs a " <code>"portico-package.json"</code>
                 " with its name and version at its root, or an Xperience " <code>"$CDRepository"</code> " folder."
            </p>
            <h3>"With curl"</h3>
            <pre class="command" data-testid="curl-command">{curl.clone()}</pre>
            <CopyButton text=curl subject="the curl command" />
            <h3>"With the portico command"</h3>
            <pre class="command" data-testid="cli-command">{cli.clone()}</pre>
            <CopyButton text=cli subject="the portico deploy command" />
        </section>
    }
    .into_any()
}
