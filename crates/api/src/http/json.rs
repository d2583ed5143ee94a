//! `JsonBody<T>`: a JSON request body that must be an object. serde would also read a struct
//! from a JSON array (`[null, null]`), which no client means; this refuses it with the same
//! 400 as any other body of the wrong shape. Size, content type and syntax are checked by
//! actix's `Json` with the app's `JsonConfig`.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for JsonBody<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn wrong_shape(detail: String) -> actix_web::Error {
    ApiError::bad_request("invalid_body", detail).into()
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(request, payload);
        Box::pin(async move {
            let value = value.await?.into_inner();
            if !value.is_object() {
                return Err(wrong_shape(
                    "The JSON body must be an object; see the API reference at /api-docs/.".into(),
                ));
            }
            serde_json::from_value(value).map(JsonBody).map_err(|error| {
                wrong_shape(format!(
                    "The JSON body does not have the expected shape: {error}. See the API reference at /api-docs/."
                ))
            })
        })
    }
}
