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
    App::new().into_utoipa_app().openapi(base()).configure(crate::routes::configure).split_for_parts().1
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
