//! The browser's WebAuthn API, through the JSON forms both ends speak: the server's options go
//! through `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`
//! and the credential comes back as its `toJSON()` (base64url throughout), so nothing here
//! converts bytes.

use js_sys::{Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use portico_domain::identity::api::SignInStep;
use portico_domain::identity::passkeys::PasskeyAssertion;

use crate::api::{self, ApiFailure};

/// Which ceremony: making a new passkey, or signing with one.
#[derive(Clone, Copy)]
enum Ceremony {
    Create,
    Get,
}

fn unsupported() -> ApiFailure {
    ApiFailure::Invalid("This browser cannot use passkeys. Use your authenticator app, or another browser.".into())
}

fn property(target: &JsValue, name: &str) -> Result<JsValue, ApiFailure> {
    Reflect::get(target, &JsValue::from_str(name)).map_err(|_| unsupported())
}

fn method(target: &JsValue, name: &str) -> Result<Function, ApiFailure> {
    property(target, name)?.dyn_into::<Function>().map_err(|_| unsupported())
}

/// What the browser said when the ceremony did not finish, in words a person can act on.
fn refused(error: JsValue) -> ApiFailure {
    let name = property(&error, "name").ok().and_then(|name| name.as_string()).unwrap_or_default();
    ApiFailure::Invalid(match name.as_str() {
        "NotAllowedError" => "The passkey request was cancelled or timed out. Try again.".into(),
        "InvalidStateError" => "This passkey is registered already.".into(),
        "SecurityError" => "Passkeys do not work at this address. Open Portico at its usual address.".into(),
        _ => "The passkey could not be used. Try again, or use your authenticator app.".into(),
    })
}

async fn run(ceremony: Ceremony, public_key: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    let window: JsValue = web_sys::window().ok_or_else(unsupported)?.into();
    let class = property(&window, "PublicKeyCredential")?;
    if class.is_undefined() {
        return Err(unsupported());
    }
    let (parse, call) = match ceremony {
        Ceremony::Create => ("parseCreationOptionsFromJSON", "create"),
        Ceremony::Get => ("parseRequestOptionsFromJSON", "get"),
    };
    // `serde_json::to_string`, not `Display`, which brings a pretty printer along.
    let text = serde_json::to_string(public_key).map_err(|_| unsupported())?;
    let options_json = JSON::parse(&text).map_err(|_| unsupported())?;
    let options = method(&class, parse)?.call1(&class, &options_json).map_err(refused)?;
    let request = Object::new();
    Reflect::set(&request, &JsValue::from_str("publicKey"), &options).map_err(|_| unsupported())?;
    let credentials = property(&property(&window, "navigator")?, "credentials")?;
    let promise: Promise = method(&credentials, call)?.call1(&credentials, &request).map_err(refused)?.unchecked_into();
    let credential = JsFuture::from(promise).await.map_err(refused)?;
    let as_json = method(&credential, "toJSON")?.call0(&credential).map_err(refused)?;
    let text: String = JSON::stringify(&as_json).map_err(|_| unsupported())?.into();
    serde_json::from_str(&text).map_err(|_| unsupported())
}

/// `navigator.credentials.create()`: a new passkey, as JSON for the server.
pub async fn create(public_key: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    run(Ceremony::Create, public_key).await
}

/// `navigator.credentials.get()`: an assertion, as JSON for the server.
pub async fn get(public_key: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    run(Ceremony::Get, public_key).await
}

/// Signs in with a passkey: the second step after the password, or passwordless when nobody is
/// signing in (the server knows which from the session).
pub async fn sign_in() -> Result<SignInStep, ApiFailure> {
    let options = api::auth::passkey_challenge().await?;
    let credential = get(&options.public_key).await?;
    api::auth::sign_in_with_passkey(&PasskeyAssertion { credential }).await
}

/// Adds a passkey named `name`: the server's options (the `password` again when signed in),
/// the browser makes the credential, the server stores it.
pub async fn add(
    name: String,
    password: Option<String>,
) -> Result<portico_domain::identity::passkeys::AddedPasskey, ApiFailure> {
    use portico_domain::identity::passkeys::{CreatePasskeyRequest, PasskeyOptionsRequest};
    let options = api::me::passkey_creation_options(&PasskeyOptionsRequest { password }).await?;
    let credential = create(&options.public_key).await?;
    api::me::add_passkey(&CreatePasskeyRequest { name, credential }).await
}

/// One of the account's passkeys answers a confirmation challenge (for an MFA reset); the answer
/// as JSON for the server.
pub async fn confirmation() -> Result<serde_json::Value, ApiFailure> {
    let options = api::me::passkey_confirmation_challenge().await?;
    get(&options.public_key).await
}
