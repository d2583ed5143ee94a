//! Serves the browser app from `frontend/dist`: hashed assets under `/assets/` cached for a
//! year, `index.html` revalidated every time and returned for every client route (history-API
//! fallback), gzip/brotli variants used when the build left them beside the file. The fallback
//! never covers the API, the API reference or the health paths: those answer problem+json 404.

use std::collections::HashMap;
use std::path::Path;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use actix_web::ResponseError;

/// Paths the app never answers with `index.html`.
const NOT_SPA_PREFIXES: &[&str] = &["/api/", "/api-docs/"];
const NOT_SPA_PATHS: &[&str] = &["/api", "/api-docs", "/healthz", "/readyz", "/metrics"];

struct Asset {
    content_type: &'static str,
    body: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    etag: String,
    immutable: bool,
}

pub struct SpaAssets {
    files: HashMap<String, Asset>,
}

const INDEX: &str = "/index.html";

const NOT_BUILT_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Portico</title>\
<link rel=\"icon\" href=\"data:,\"></head><body><h1>Portico</h1><p>The browser app is not built. Run \
<code>just build</code> (or <code>just run</code>), then reload. The API is up: see <a href=\"/api-docs/\">/api-docs/</a>.</p></body></html>";

impl SpaAssets {
    /// Loads the built app into memory (it is small). A missing folder gives a page that says
    /// how to build it.
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let mut files = HashMap::new();
        if dir.join("index.html").is_file() {
            collect(dir, dir, &mut files)?;
        } else {
            tracing::warn!(dir = %dir.display(), "the browser app is not built; run `just build`");
            files.insert(
                INDEX.to_owned(),
                asset("index.html", Bytes::from_static(NOT_BUILT_PAGE.as_bytes()), None, None),
            );
        }
        Ok(Self { files })
    }
}

fn collect(root: &Path, dir: &Path, files: &mut HashMap<String, Asset>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, files)?;
            continue;
        }
        let name = path.to_string_lossy();
        if name.ends_with(".gz") || name.ends_with(".br") {
            continue;
        }
        let relative = path.strip_prefix(root).expect("walked from root").to_string_lossy().replace('\\', "/");
        let sibling = |suffix: &str| std::fs::read(format!("{name}.{suffix}")).ok().map(Bytes::from);
        let url = format!("/{relative}");
        files.insert(url, asset(&relative, Bytes::from(std::fs::read(&path)?), sibling("gz"), sibling("br")));
    }
    Ok(())
}

fn asset(relative: &str, body: Bytes, gzip: Option<Bytes>, brotli: Option<Bytes>) -> Asset {
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..12]));
    Asset { content_type: content_type(relative), body, gzip, brotli, etag, immutable: relative.starts_with("assets/") }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn is_reserved(path: &str) -> bool {
    NOT_SPA_PATHS.contains(&path) || NOT_SPA_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// The default service: app files, the app shell for client routes, problem+json otherwise.
pub async fn serve(
    request: HttpRequest,
    assets: web::Data<SpaAssets>,
    methods: web::Data<MethodTable>,
) -> Result<HttpResponse, ApiError> {
    let path = request.path();
    if is_reserved(path) {
        if let Some(allowed) = methods.allowed(path) {
            return Ok(method_not_allowed(&allowed.join(", "), "This address does not take that method"));
        }
        return Err(ApiError::not_found(
            "not_found",
            format!("There is no {} {path}. The API reference at /api-docs/ lists every operation.", request.method()),
        ));
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Ok(method_not_allowed("GET, HEAD", "Only GET and HEAD are served outside the API"));
    }
    let asset = match assets.files.get(path) {
        Some(asset) => asset,
        // A path that names a file (has an extension) and is missing is a real 404; anything
        // else is a client route of the app.
        None if path.rsplit('/').next().is_some_and(|last| last.contains('.')) => {
            return Err(ApiError::not_found("not_found", format!("There is no file {path}.")));
        }
        None => &assets.files[INDEX],
    };
    Ok(respond(&request, asset))
}

/// The methods each API path template answers (from the OpenAPI document), so a known path
/// asked with another method gets 405 and an `Allow` header rather than 404.
pub struct MethodTable(Vec<(String, Vec<&'static str>)>);

impl MethodTable {
    pub fn from_document(document: &utoipa::openapi::OpenApi) -> Self {
        Self(crate::openapi::method_table(document))
    }

    fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        // Where a fixed segment and a parameter both match (`/me/passkeys/options` and
        // `/me/passkeys/{id}`), the address is the fixed one's.
        let matching: Vec<&(String, Vec<&'static str>)> =
            self.0.iter().filter(|(template, _)| crate::openapi::path_matches(template, path)).collect();
        let parameters = |template: &str| template.matches('{').count();
        let fewest = matching.iter().map(|(template, _)| parameters(template)).min().unwrap_or_default();
        let mut allowed: Vec<&'static str> = matching
            .into_iter()
            .filter(|(template, _)| parameters(template) == fewest)
            .flat_map(|(_, methods)| methods.iter().copied())
            .collect();
        if allowed.is_empty() {
            return None;
        }
        if allowed.contains(&"GET") {
            allowed.push("HEAD");
        }
        allowed.sort_unstable();
        allowed.dedup();
        Some(allowed)
    }
}

pub(crate) fn method_not_allowed(allow: &str, what: &str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{what}; it takes {allow}. The API reference at /api-docs/ lists every operation."),
    )
    .error_response();
    if let Ok(value) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

fn respond(request: &HttpRequest, asset: &Asset) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    let cache = if asset.immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    response
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, asset.etag.clone()))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)));
    let not_modified = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == asset.etag));
    if not_modified {
        return response.status(StatusCode::NOT_MODIFIED).finish();
    }
    let accepts = |encoding: &str| {
        request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|list| list.split(',').any(|item| item.split(';').next().unwrap_or("").trim() == encoding))
    };
    // Precompressed bodies go out as they are; the Compress middleware leaves a response with
    // Content-Encoding alone.
    if let Some(body) = asset.brotli.as_ref().filter(|_| accepts("br")) {
        return response.insert_header((header::CONTENT_ENCODING, "br")).body(body.clone());
    }
    if let Some(body) = asset.gzip.as_ref().filter(|_| accepts("gzip")) {
        return response.insert_header((header::CONTENT_ENCODING, "gzip")).body(body.clone());
    }
    response.body(asset.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_paths_never_fall_back_to_the_app() {
        for path in ["/api", "/api/v1/nothing", "/api-docs/x", "/healthz", "/readyz", "/metrics"] {
            assert!(is_reserved(path), "{path}");
        }
        for path in ["/", "/status", "/sign-in", "/apis", "/api-documentation"] {
            assert!(!is_reserved(path), "{path}");
        }
    }

    #[test]
    fn wasm_has_its_own_mime_type() {
        assert_eq!(content_type("assets/portico-1234_bg.wasm"), "application/wasm");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
    }
}
