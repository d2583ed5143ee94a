//! Email parsing: never panics; a parsed address parses again to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portico_domain::identity::Email;

fuzz_target!(|text: &str| {
    if let Ok(email) = Email::parse(text) {
        assert_eq!(Email::parse(email.as_str()).unwrap(), email);
    }
});
