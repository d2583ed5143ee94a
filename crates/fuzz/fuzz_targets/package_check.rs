//! The deployment package check: any bytes are accepted or refused, never a panic, and
//! never more than the bounded reads.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use portico_api::packages::check_package;
use portico_domain::deployments::PackageLimits;

fuzz_target!(|bytes: &[u8]| {
    let mut file = tempfile::NamedTempFile::new().expect("a temp file");
    file.write_all(bytes).expect("writing the input");
    let limits = PackageLimits { max_entries: 1000, max_uncompressed: 64 << 20, max_ratio: 100 };
    let _ = check_package(file.path(), limits);
});
