//! Token parsing: never panics; whatever parses has the documented shape.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portico_domain::tokens::{TOKEN_LEN, TokenSecret};

fuzz_target!(|text: &str| {
    if let Ok(token) = TokenSecret::parse(text) {
        assert_eq!(token.expose().len(), TOKEN_LEN);
        assert!(token.expose().starts_with("ptc_"));
        assert_eq!(TokenSecret::parse(token.expose()).unwrap(), token);
    }
});
