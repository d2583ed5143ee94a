//! How a package is checked: bounded reads of the ZIP (its end records first, then each entry's
//! header), never an extraction to disk.

use std::io::Read;
use std::path::Path;

use portico_domain::deployments::{
    MANIFEST_NAME, PackageLimits, PackageManifest, XPERIENCE_CD_REPOSITORY, is_safe_entry_name, is_valid_version,
};

/// What a package turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageReport {
    pub entries: usize,
    pub uncompressed: u64,
    /// The manifest's version, or `1.0` for an Xperience package without one.
    pub version: String,
    pub layout: &'static str,
}

/// Reads every entry of the package within bounds: a readable ZIP, no zip-slip names, a
/// bounded expansion ratio and total, CRCs that match, and the layout of a deployment package.
pub fn check_package(path: &Path, limits: PackageLimits) -> Result<PackageReport, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("the package cannot be read: {e}"))?;
    let file_len = file.metadata().map_err(|e| format!("the package cannot be read: {e}"))?.len();
    let compressed_total = file_len.max(1);
    // Opening the archive parses its whole central directory into memory (about 500 bytes per
    // entry), so the entry count is checked from the end record first.
    let directory = read_directory_facts(&mut file, file_len)?;
    if directory.entries > limits.max_entries as u64 {
        return Err(format!(
            "the package's central directory lists {} entries; at most {} are allowed",
            directory.entries, limits.max_entries
        ));
    }
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("the package is not a readable ZIP archive: {e}"))?;
    if archive.len() > limits.max_entries {
        return Err(format!("the package has {} entries; at most {} are allowed", archive.len(), limits.max_entries));
    }
    let budget = limits.max_uncompressed.min(compressed_total.saturating_mul(limits.max_ratio));
    let mut uncompressed = 0u64;
    let mut manifest = None;
    let mut xperience = false;
    let mut buffer = vec![0u8; 64 * 1024];
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| format!("entry {index} cannot be read: {e}"))?;
        let name = entry.name().to_owned();
        if !is_safe_entry_name(&name) {
            return Err(format!("the entry name {name:?} points outside the package (zip-slip); rebuild the package"));
        }
        if name.starts_with(XPERIENCE_CD_REPOSITORY) {
            xperience = true;
        }
        if entry.is_dir() {
            continue;
        }
        let declared = entry.size();
        let entry_budget = entry.compressed_size().max(1).saturating_mul(limits.max_ratio).max(1024);
        let mut seen = 0u64;
        let mut kept = Vec::new();
        let keep = name == MANIFEST_NAME;
        loop {
            let read = entry.read(&mut buffer).map_err(|e| format!("{name}: {e} (corrupt or tampered)"))?;
            if read == 0 {
                break;
            }
            seen += read as u64;
            uncompressed += read as u64;
            if seen > declared || seen > entry_budget || uncompressed > budget {
                return Err(format!(
                    "{name} expands beyond the allowed ratio of {}:1 or the declared size (a zip bomb?)",
                    limits.max_ratio
                ));
            }
            if keep && kept.len() < 64 * 1024 {
                kept.extend_from_slice(&buffer[..read]);
            }
        }
        if keep {
            let parsed: PackageManifest = serde_json::from_slice(&kept)
                .map_err(|e| format!("{MANIFEST_NAME} is not valid: {e}; it needs {{\"name\", \"version\"}}"))?;
            if !is_valid_version(&parsed.version) {
                return Err(format!("{MANIFEST_NAME}: the version {:?} is not valid", parsed.version));
            }
            manifest = Some(parsed);
        }
    }
    let (version, layout) = match (manifest, xperience) {
        (Some(manifest), _) => (manifest.version.trim().to_owned(), "portico-package.json"),
        (None, true) => ("1.0".to_owned(), "Xperience deployment package"),
        (None, false) => {
            return Err(format!(
                "this is not a deployment package: expected an Xperience package (with {XPERIENCE_CD_REPOSITORY}) \
                 or a {MANIFEST_NAME} manifest at the root"
            ));
        }
    };
    Ok(PackageReport { entries: archive.len(), uncompressed, version, layout })
}

/// What a ZIP's end records say about its central directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectoryFacts {
    pub entries: u64,
    pub size: u64,
}

const END_RECORD: [u8; 4] = 0x0605_4b50u32.to_le_bytes();
const END_RECORD_LEN: usize = 22;
const ZIP64_LOCATOR: [u8; 4] = 0x0706_4b50u32.to_le_bytes();
const ZIP64_LOCATOR_LEN: usize = 20;
const ZIP64_END_RECORD: [u8; 4] = 0x0606_4b50u32.to_le_bytes();
const ZIP64_END_RECORD_LEN: usize = 56;
/// The smallest central directory header (no name, extra field or comment).
const CENTRAL_HEADER_MIN_LEN: u64 = 46;

fn le_u16(bytes: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
}

fn le_u32(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")))
}

fn le_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

fn read_at(file: &mut std::fs::File, offset: u64, len: usize) -> Result<Vec<u8>, String> {
    use std::io::{Seek, SeekFrom};
    let mut bytes = vec![0; len];
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(|e| format!("the package cannot be read: {e}"))?;
    Ok(bytes)
}

/// Reads the entry count and directory size from the end-of-central-directory record (and the
/// ZIP64 one when the classic fields overflow), with bounded reads, without opening the archive.
/// A directory larger than the file, or too small for the entries it claims, is refused.
pub fn read_directory_facts(file: &mut std::fs::File, file_len: u64) -> Result<DirectoryFacts, String> {
    let not_a_zip = || "the package is not a readable ZIP archive: no end of central directory record".to_owned();
    let tail_len = file_len.min((END_RECORD_LEN + usize::from(u16::MAX)) as u64) as usize;
    let tail_start = file_len - tail_len as u64;
    let tail = read_at(file, tail_start, tail_len)?;
    // The last signature whose comment length fits the rest of the file is the real record.
    let at = (0..tail.len().saturating_sub(END_RECORD_LEN - 1))
        .rev()
        .find(|&at| {
            tail[at..at + 4] == END_RECORD && at + END_RECORD_LEN + le_u16(&tail, at + 20) as usize <= tail.len()
        })
        .ok_or_else(not_a_zip)?;
    let record = &tail[at..at + END_RECORD_LEN];
    let mut facts = DirectoryFacts { entries: le_u16(record, 10), size: le_u32(record, 12) };
    let overflows = facts.entries == u64::from(u16::MAX)
        || facts.size == u64::from(u32::MAX)
        || le_u32(record, 16) == u64::from(u32::MAX);
    let record_offset = tail_start + at as u64;
    if overflows && record_offset >= ZIP64_LOCATOR_LEN as u64 {
        let locator = read_at(file, record_offset - ZIP64_LOCATOR_LEN as u64, ZIP64_LOCATOR_LEN)?;
        if locator[..4] == ZIP64_LOCATOR {
            let zip64_offset = le_u64(&locator, 8);
            if zip64_offset.checked_add(ZIP64_END_RECORD_LEN as u64).is_none_or(|end| end > file_len) {
                return Err(format!("{}: its ZIP64 record lies outside the file", not_a_zip()));
            }
            let zip64 = read_at(file, zip64_offset, ZIP64_END_RECORD_LEN)?;
            if zip64[..4] != ZIP64_END_RECORD {
                return Err(format!("{}: its ZIP64 record is missing", not_a_zip()));
            }
            facts = DirectoryFacts { entries: le_u64(&zip64, 32), size: le_u64(&zip64, 40) };
        }
    }
    if facts.size > file_len || facts.entries.saturating_mul(CENTRAL_HEADER_MIN_LEN) > facts.size {
        return Err(format!(
            "the package's central directory is damaged: it claims {} entries in {} bytes of a {file_len}-byte file",
            facts.entries, facts.size
        ));
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_with(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = zip::ZipWriter::new(file.reopen().unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(body).unwrap();
        }
        writer.finish().unwrap();
        file
    }

    #[test]
    fn a_manifest_package_is_accepted_with_its_version() {
        let file =
            zip_with(&[("portico-package.json", br#"{"name":"site","version":"2.3.1"}"#), ("app/site.dll", b"MZ")]);
        let report = check_package(file.path(), PackageLimits::default()).unwrap();
        assert_eq!(report.version, "2.3.1");
        assert_eq!(report.entries, 2);
    }

    #[test]
    fn an_xperience_package_is_recognised_by_its_cd_repository() {
        let file = zip_with(&[("$CDRepository/repository.config", b"<config/>"), ("Site.dll", b"MZ")]);
        assert_eq!(
            check_package(file.path(), PackageLimits::default()).unwrap().layout,
            "Xperience deployment package"
        );
    }

    #[test]
    fn zip_slip_names_are_refused() {
        let file =
            zip_with(&[("portico-package.json", br#"{"name":"x","version":"1"}"#), ("../../etc/cron.d/evil", b"x")]);
        assert!(check_package(file.path(), PackageLimits::default()).unwrap_err().contains("zip-slip"));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_ratio() {
        let zeros = vec![0u8; 4 << 20];
        let file = zip_with(&[("portico-package.json", br#"{"name":"x","version":"1"}"#), ("bomb.bin", &zeros)]);
        let error = check_package(file.path(), PackageLimits { max_ratio: 100, ..Default::default() }).unwrap_err();
        assert!(error.contains("zip bomb"), "{error}");
    }

    #[test]
    fn other_archives_and_noise_are_refused() {
        let file = zip_with(&[("readme.txt", b"hello")]);
        assert!(check_package(file.path(), PackageLimits::default()).unwrap_err().contains("not a deployment package"));
        let mut noise = tempfile::NamedTempFile::new().unwrap();
        noise.write_all(b"PK\x03\x04 not really a zip").unwrap();
        assert!(check_package(noise.path(), PackageLimits::default()).unwrap_err().contains("not a readable ZIP"));
    }

    fn directory_of(file: &tempfile::NamedTempFile) -> Result<DirectoryFacts, String> {
        let len = std::fs::metadata(file.path()).unwrap().len();
        read_directory_facts(&mut std::fs::File::open(file.path()).unwrap(), len)
    }

    #[test]
    fn the_entry_count_comes_from_the_end_record() {
        let file = zip_with(&[("portico-package.json", br#"{"name":"x","version":"1"}"#), ("a.txt", b"a")]);
        assert_eq!(directory_of(&file).unwrap().entries, 2);
    }

    #[test]
    fn counts_past_65535_are_read_from_the_zip64_record_and_refused_before_opening() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = zip::ZipWriter::new(file.reopen().unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for index in 0..70_000 {
            writer.start_file(format!("{index}"), options).unwrap();
        }
        writer.finish().unwrap();
        assert_eq!(directory_of(&file).unwrap().entries, 70_000);
        let error =
            check_package(file.path(), PackageLimits { max_entries: 50_000, ..Default::default() }).unwrap_err();
        assert!(error.contains("lists 70000 entries; at most 50000"), "{error}");
    }

    #[test]
    fn a_directory_too_small_for_its_claimed_entries_is_refused() {
        let file = zip_with(&[("portico-package.json", br#"{"name":"x","version":"1"}"#)]);
        let mut bytes = std::fs::read(file.path()).unwrap();
        let end = bytes.len() - END_RECORD_LEN;
        assert_eq!(bytes[end..end + 4], END_RECORD);
        bytes[end + 8..end + 12].copy_from_slice(&[0xfe, 0xff, 0xfe, 0xff]); // 65,534 entries
        std::fs::write(file.path(), &bytes).unwrap();
        let error = check_package(file.path(), PackageLimits::default()).unwrap_err();
        assert!(error.contains("central directory is damaged"), "{error}");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

            /// Whatever the bytes, the check answers (accept or refuse) without panicking.
            #[test]
            fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..4096), zip_head in any::<bool>()) {
                if zip_head && bytes.len() >= 4 {
                    bytes[..4].copy_from_slice(b"PK\x03\x04");
                }
                let mut file = tempfile::NamedTempFile::new().unwrap();
                file.write_all(&bytes).unwrap();
                let _ = check_package(file.path(), PackageLimits::default());
            }

            /// A package with a manifest is accepted exactly when every entry name is safe.
            #[test]
            fn names_decide_acceptance(names in proptest::collection::vec("[a-z./\\\\:]{1,12}", 1..5)) {
                let mut entries: Vec<(&str, &[u8])> = vec![("portico-package.json", br#"{"name":"x","version":"1.0"}"#)];
                let unique: std::collections::BTreeSet<&str> = names.iter().map(String::as_str).filter(|n| *n != "portico-package.json").collect();
                entries.extend(unique.iter().map(|n| (*n, b"x".as_slice())));
                let file = zip_with(&entries);
                let all_safe = unique.iter().all(|n| is_safe_entry_name(n));
                let result = check_package(file.path(), PackageLimits::default());
                prop_assert_eq!(result.is_ok() || !all_safe, true, "{:?}: {:?}", unique, result);
                if !all_safe {
                    prop_assert!(result.unwrap_err().contains("zip-slip"));
                }
            }
        }
    }
}
