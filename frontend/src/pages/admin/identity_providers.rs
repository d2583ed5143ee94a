//! Administration: single sign-on providers (OpenID Connect). Adding one checks its issuer's
//! discovery document; the callback URL to register at the provider is shown for each.

use leptos::prelude::*;
use portico_domain::identity::sso::{NewSsoProvider, SsoProvider};
use uuid::Uuid;

use crate::api;
use crate::components::{Act, Cell, Checkbox, ErrorAlert, FormState, TextField, answer, fetch, set_title, show, table};

#[component]
pub fn AdminIdentityProviders() -> impl IntoView {
    set_title("Single sign-on");
    let providers = answer();
    let reload = Callback::new(move |()| fetch(providers, api::admin::identity_providers()));
    reload.run(());
    let form = FormState::new();
    let remove = Callback::new(move |id: Uuid| {
        form.run(async move {
            api::admin::remove_identity_provider(id).await?;
            reload.run(());
            Ok(())
        })
    });
    view! {
        <section class="card">
            <h1>"Single sign-on"</h1>
            <p>
                "People sign in through these OpenID Connect providers with a verified email address in an allowed
                 domain, to an existing account or an open invitation. Portico still asks for its second factor unless
                 the provider is trusted for MFA and says it did one."
            </p>
            <ErrorAlert failure=form.failure() />
            {show(providers, "identity providers", move |list: Vec<SsoProvider>| {
                if list.is_empty() {
                    return view! { <p>"No single sign-on providers yet."</p> }.into_any();
                }
                let rows = list.into_iter().map(|provider| provider_row(provider, remove)).collect();
                table("Single sign-on providers", HEADERS, rows, form.busy())
            })}
        </section>
        <section class="card" aria-labelledby="add-provider-title">
            <h2 id="add-provider-title">"Add a provider"</h2>
            <AddProvider reload />
        </section>
    }
}

const HEADERS: &[&str] = &["Provider", "Issuer", "Allowed domains", "Callback URL", ""];

fn provider_row(provider: SsoProvider, remove: Callback<Uuid>) -> Vec<Cell> {
    let id = provider.id;
    let trust = if provider.trust_provider_mfa { "its MFA trusted" } else { "Portico's MFA" };
    vec![
        Cell::TwoLines(provider.display_name.clone(), format!("{} · {trust}", provider.slug)),
        Cell::Text(provider.issuer_url),
        Cell::Text(provider.allowed_email_domains.join(", ")),
        Cell::Code(provider.callback_url),
        Cell::Actions(vec![Act::Confirm {
            label: "Remove",
            subject: provider.display_name.clone(),
            question: format!("Remove {}? Its links to accounts go too.", provider.display_name),
            confirm: "Remove provider",
            run: Callback::new(move |()| remove.run(id)),
        }]),
    ]
}

#[component]
fn AddProvider(reload: Callback<()>) -> impl IntoView {
    let form = FormState::new();
    let fields = [(); 6].map(|_| RwSignal::new(String::new()));
    let [slug, display_name, issuer_url, client_id, client_secret, domains] = fields;
    let trust = RwSignal::new(false);
    let added = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        added.set(None);
        let request = NewSsoProvider {
            slug: slug.get_untracked(),
            display_name: display_name.get_untracked(),
            issuer_url: issuer_url.get_untracked(),
            client_id: client_id.get_untracked(),
            client_secret: client_secret.get_untracked(),
            allowed_email_domains: domains
                .get_untracked()
                .split([',', ' ', '\n'])
                .filter(|d| !d.trim().is_empty())
                .map(|d| d.trim().to_owned())
                .collect(),
            trust_provider_mfa: trust.get_untracked(),
        };
        form.run(async move {
            let provider = api::admin::add_identity_provider(&request).await?;
            for field in fields {
                field.set(String::new());
            }
            trust.set(false);
            added.set(Some(format!(
                "{} is added. Register {} as its redirect URI at the provider.",
                provider.display_name, provider.callback_url
            )));
            reload.run(());
            Ok(())
        });
    };
    view! {
        <form class="stack narrow-form" on:submit=submit aria-label="Add a provider">
            <TextField id="idp-name" label="Display name" hint="Shown as “Sign in with …”." value=display_name required=true field="display_name" form=form />
            <TextField id="idp-slug" label="Slug" hint="Lower-case letters, digits and dashes: the provider's name in its URLs." value=slug required=true field="slug" form=form />
            <TextField id="idp-issuer" label="Issuer URL" input_type="url" value=issuer_url required=true field="issuer_url" form=form />
            <TextField id="idp-client-id" label="Client ID" value=client_id required=true field="client_id" form=form />
            <TextField id="idp-client-secret" label="Client secret" input_type="password" autocomplete="off" value=client_secret required=true field="client_secret" form=form />
            <TextField id="idp-domains" label="Allowed email domains" hint="Separated by commas, e.g. example.com, example.org." value=domains required=true field="allowed_email_domains" form=form />
            <Checkbox id="idp-trust" label="Trust the provider's MFA (its ID token's amr says mfa, hwk, swk or otp)" checked=trust />
            <ErrorAlert failure=form.failure() />
            {move || added.get().map(|message| view! { <p role="status" class="alert alert-ok">{message}</p> })}
            <div class="actions">
                <button type="submit" disabled=move || form.is_busy()>"Add provider"</button>
            </div>
        </form>
    }
}
