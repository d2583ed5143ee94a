//! The OpenAPI document: paths come from the handlers registered in `routes::configure`,
//! the rest (title, security schemes, shared schemas) from here.

use actix_web::App;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portico API",
        description = "Project portal: accounts, projects, access tokens, deployments, maintenance and alerts.\n\nErrors are `application/problem+json` (RFC 9457) with a stable `code`. Lists take `?page=&per_page=` (at most 200).",
        license(name = "MIT"),
    ),
    components(schemas(portico_domain::problem::Problem, portico_domain::problem::FieldError)),
    modifiers(&SecuritySchemes),
)]
struct BaseDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "portico_session",
                "The browser session (named `__Host-portico_session` when the public URL is https). Requests that change something must also send `X-Requested-With: portico`.",
            ))),
        );
        components.add_security_scheme(
            "personal_access_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ptc_...")
                    .description(Some("A personal access token of one project (scripts and SDKs)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The value of PORTICO_METRICS_TOKEN"))
                    .build(),
            ),
        );
    }
}

/// The whole document, built from the same route list the server mounts.
pub fn document() -> utoipa::openapi::OpenApi {
    finish(App::new().into_utoipa_app().openapi(base()).configure(crate::routes::configure).split_for_parts().1)
}

/// Completes a document collected from the routes (what the server serves and `document()` returns).
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    add_standard_responses(&mut doc);
    doc
}

/// The answers any operation can give besides its own: problems for bodies and queries that
/// cannot be read, for missing or insufficient credentials, for rate limits and for server
/// failures. Documented here once so every operation lists them.
fn add_standard_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::HttpMethod;
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let public_status =
            path.starts_with("/healthz") || path.starts_with("/readyz") || path.starts_with("/api/v1/status");
        let methods = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Delete, &mut item.delete),
        ];
        for (method, operation) in methods {
            let Some(operation) = operation else { continue };
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses.entry(status.to_owned()).or_insert_with(|| problem(description).into());
            };
            let has_body = operation.request_body.is_some();
            let has_query = operation.parameters.as_ref().is_some_and(|ps| {
                ps.iter().any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query))
            });
            let has_path_params = path.contains('{');
            let needs_auth = operation.security.as_ref().is_none_or(|rules| !rules.is_empty())
                && !public_status
                && operation.security.as_ref().is_some_and(|rules| {
                    serde_json::to_value(rules)
                        .is_ok_and(|v| v.as_array().is_some_and(|a| a.iter().all(|r| r != &serde_json::json!({}))))
                });
            if has_body || has_query {
                add("400", "The body or query cannot be read (`malformed_json`, `invalid_body`, `invalid_query`)");
                add("422", "Invalid fields (`validation_failed`, with `errors` naming them)");
            }
            if has_body {
                add("413", "The body is larger than the server accepts (`payload_too_large`)");
                add("415", "The body is not JSON (`unsupported_media_type`)");
            }
            if needs_auth {
                add("401", "Not signed in, the session ended, or the token is not valid");
                add(
                    "403",
                    "Not allowed: a missing role (`role_forbidden`, `administrator_required`), MFA set-up pending (`mfa_setup_required`), or the CSRF header missing (`csrf_header_missing`)",
                );
            } else if method != HttpMethod::Get {
                add("403", "A session cookie was sent without the CSRF header (`csrf_header_missing`)");
            }
            if has_path_params {
                add("404", "There is no such object, or it belongs to a project you cannot see");
            }
            if method != HttpMethod::Get && !public_status {
                add("409", "The request conflicts with the current state (see `code`)");
            }
            add("429", "Too many requests; see Retry-After");
            add("500", "The server failed; the request id identifies the failure in the logs");
        }
    }
}

/// Which methods each path template answers, for 405 answers with an `Allow` header.
pub fn method_table(document: &utoipa::openapi::OpenApi) -> Vec<(String, Vec<&'static str>)> {
    document
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let mut methods = Vec::new();
            for (name, present) in [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ] {
                if present {
                    methods.push(name);
                }
            }
            (path.clone(), methods)
        })
        .collect()
}

/// Whether a concrete path matches a template like `/api/v1/projects/{guid}`.
pub fn path_matches(template: &str, path: &str) -> bool {
    let mut template_parts = template.trim_end_matches('/').split('/');
    let mut path_parts = path.trim_end_matches('/').split('/');
    loop {
        match (template_parts.next(), path_parts.next()) {
            (None, None) => return true,
            (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') && !p.is_empty() => continue,
            (Some(t), Some(p)) if t == p => continue,
            _ => return false,
        }
    }
}

/// Everything but the paths.
pub fn base() -> utoipa::openapi::OpenApi {
    let mut doc = BaseDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// The document as committed in `openapi/portico.json`.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().expect("the OpenAPI document serializes");
    json.push('\n');
    json
}
