//! The cache's JSON reading fuzzed with generated and mutated files, seeded so a failure replays:
//! `AMPLIFY_RS_FUZZ_CASES` cases (600 in CI; `cargo xtask soak` runs more), `AMPLIFY_RS_FUZZ_SEED` to replay.
//!
//! For each file:
//! - the scanner agrees with `serde_json` on what is JSON, whatever the size of the chunks it is fed in;
//! - a lookup and a store never panic and never fail (a file that is not JSON is a warning);
//! - when the file is a JSON object, every other program's key keeps its exact text and its place after
//!   the store, and the stored entry is found again; when it is not, it is moved aside byte for byte.

#![allow(
    clippy::disallowed_methods,
    clippy::too_many_lines,
    clippy::print_stderr
)] // tests

use std::path::Path;

use amplify_cache::{CacheWarning, CachedCredentials, CredentialCache, ProjectKey, validate_json};
use amplify_creds::{Credentials, Secret};
use indexmap::IndexMap;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Pieces a stranger's or another program's JSON is made of, the awkward ones included.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "12345678901234567890123",
    "1e400",
    "-1E-400",
    "3.14",
    "0.5e+7",
    "18446744073709551616",
    "-9223372036854775809",
];
const STRINGS: &[&str] = &[
    "\"\"",
    "\"plain\"",
    "\"caf\\u00e9 \\ud83d\\ude00\"",
    "\"tab\\tquote\\\" slash\\/ back\\\\\"",
    "\"é 😀 \u{7f}\"",
    "\"\\ud800 lone\"",
    "\"2026-11-28T11:00:00Z\"",
    "\"amplify-rs\"",
];
const KEYS: &[&str] = &[
    "\"amplify-rs\"",
    "\"amplify\\u002drs\"",
    "\"arn:aws:iam::111122223333:role/Biz\"",
    "\"other-tool\"",
    "\"\"",
    "\"k\\n\"",
    "\"/p\"",
    "\"version\"",
    "\"projects\"",
    "\"expiration\"",
];
const SPACE: &[&str] = &["", " ", "\n", "\r\n  ", "\t", "    "];

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

fn value(rng: &mut StdRng, depth: u32, out: &mut String) {
    let choice = if depth > 4 {
        rng.random_range(0..4)
    } else {
        rng.random_range(0..7)
    };
    match choice {
        0 => out.push_str(pick(rng, NUMBERS)),
        1 => out.push_str(pick(rng, STRINGS)),
        2 => out.push_str(pick(rng, &["true", "false", "null"])),
        3 => out.push_str(&rng.random_range(-1000..1000i64).to_string()),
        4 => {
            out.push('[');
            for i in 0..rng.random_range(0..4) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(pick(rng, SPACE));
                value(rng, depth + 1, out);
            }
            out.push(']');
        }
        5 => object(rng, depth + 1, out),
        _ => own_section(rng, out),
    }
}

fn object(rng: &mut StdRng, depth: u32, out: &mut String) {
    out.push('{');
    for i in 0..rng.random_range(0..5) {
        if i > 0 {
            out.push(',');
        }
        out.push_str(pick(rng, SPACE));
        out.push_str(pick(rng, KEYS));
        out.push_str(pick(rng, &[":", ": ", " : "]));
        value(rng, depth, out);
    }
    out.push_str(pick(rng, SPACE));
    out.push('}');
}

/// Our section, often well formed, with entries valid, expired or odd.
fn own_section(rng: &mut StdRng, out: &mut String) {
    let entry = |rng: &mut StdRng| {
        match rng.random_range(0..4) {
        0 => "{\"profile\": \"p\", \"accessKeyId\": \"ASIAOLD\", \"secretAccessKey\": \"s\", \"sessionToken\": \"t\", \"expiration\": \"2026-11-28T11:00:00Z\"}".to_string(),
        1 => "{\"expiration\": \"2020-01-01T00:00:00Z\", \"n\": 1e400}".to_string(),
        2 => "{\"expiration\": 5}".to_string(),
        _ => "[1, 2]".to_string(),
    }
    };
    let version = pick(rng, &["1", "1", "1", "2", "\"1\"", "1.0"]);
    out.push_str(&format!("{{\"version\": {version}, \"projects\": {{"));
    for i in 0..rng.random_range(0..4) {
        if i > 0 {
            out.push_str(", ");
        }
        let project = pick(rng, &["\"/p\"", "\"/q\"", "\"\\/p\"", "\"/r\""]);
        let identity = pick(rng, &["\"id\"", "\"other\"", "\"i\\u0064\""]);
        out.push_str(&format!("{project}: {{{identity}: {}}}", entry(rng)));
    }
    out.push_str("}}");
}

fn generated(rng: &mut StdRng) -> Vec<u8> {
    let mut out = String::new();
    out.push_str(pick(rng, SPACE));
    if rng.random_range(0..10) == 0 {
        value(rng, 0, &mut out);
    } else {
        object(rng, 0, &mut out);
    }
    out.push_str(pick(rng, SPACE));
    out.into_bytes()
}

fn mutated(rng: &mut StdRng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..rng.random_range(1..4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.random_range(0..bytes.len());
        match rng.random_range(0..5) {
            0 => bytes[at] = rng.random(),
            1 => {
                let structural = b"{}[]\",:\\ 0e-";
                bytes.insert(at, structural[rng.random_range(0..structural.len())]);
            }
            2 => {
                bytes.remove(at);
            }
            3 => bytes.truncate(at),
            _ => {
                let end = rng.random_range(at..bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.random_range(0..bytes.len());
                bytes.splice(to..to, copy);
            }
        }
    }
    bytes
}

/// serde_json's answer: `Some(true)` for JSON, `Some(false)` for not, `None` when it cannot say (nested
/// past its recursion limit, which the cache's scanner does not have).
fn serde_says(bytes: &[u8]) -> Option<bool> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(false);
    };
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => Some(true),
        Err(e) if e.to_string().contains("recursion limit") => None,
        Err(_) => Some(false),
    }
}

/// Every top-level member but ours, with its exact text, in order (last duplicate wins, first place).
fn others(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let map: IndexMap<String, Box<RawValue>> = serde_json::from_slice(bytes).ok()?;
    Some(
        map.into_iter()
            .filter(|(k, _)| k != "amplify-rs")
            .map(|(k, v)| (k, v.get().to_string()))
            .collect(),
    )
}

fn entry() -> CachedCredentials {
    CachedCredentials {
        profile: "p".into(),
        role_arn: Some("arn:aws:iam::111122223333:role/R".into()),
        mfa_serial: None,
        credentials: Credentials {
            access_key_id: "ASIANEW".into(),
            secret_access_key: Secret::new("s"),
            session_token: Some(Secret::new("t")),
            expiration: Some(NOW + time::Duration::hours(1)),
        },
    }
}

fn check(bytes: &[u8], label: &str, home: &Path) {
    let json = validate_json(bytes, bytes.len().max(4)).is_ok();
    for chunk in [4, 5, 7, 64] {
        assert_eq!(
            validate_json(bytes, chunk).is_ok(),
            json,
            "{label}: chunks of {chunk} disagree with the whole"
        );
    }
    if let Some(serde) = serde_says(bytes) {
        assert_eq!(json, serde, "{label}: the scanner and serde_json disagree");
    }

    let cache = CredentialCache::in_home(home);
    std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
    std::fs::write(cache.path(), bytes).unwrap();
    let project = ProjectKey::from_canonical(Path::new("/p"));
    cache
        .lookup(&project, "id", NOW)
        .unwrap_or_else(|e| panic!("{label}: lookup: {e}"));
    let warnings = cache
        .store(&project, "id", &entry(), NOW)
        .unwrap_or_else(|e| panic!("{label}: store: {e}"));
    let after = std::fs::read(cache.path()).unwrap();
    assert!(
        validate_json(&after, 4096).is_ok(),
        "{label}: wrote a file that is not JSON"
    );
    let found = cache.lookup(&project, "id", NOW).unwrap();
    assert_eq!(
        found.entry.map(|e| e.credentials.access_key_id).as_deref(),
        Some("ASIANEW"),
        "{label}: {:?}\nbefore: {}\nafter: {}",
        found.warnings,
        String::from_utf8_lossy(bytes),
        String::from_utf8_lossy(&after)
    );
    match others(bytes) {
        Some(before) => assert_eq!(others(&after), Some(before), "{label}: another key changed"),
        None if !json || bytes.trim_ascii_start().first() != Some(&b'{') => {
            let moved = warnings.iter().find_map(|w| match w {
                CacheWarning::MovedAside { to, .. } => Some(to.clone()),
                _ => None,
            });
            let moved = moved.unwrap_or_else(|| panic!("{label}: not moved aside: {warnings:?}"));
            assert_eq!(std::fs::read(&moved).unwrap(), bytes, "{label}");
            std::fs::remove_file(moved).unwrap();
        }
        // A JSON object serde_json cannot map (a key with a lone surrogate): nothing to compare with.
        None => {}
    }
}

#[test]
fn generated_and_mutated_cache_files() {
    let cases = env_or("AMPLIFY_RS_FUZZ_CASES", 600);
    let seed = env_or("AMPLIFY_RS_FUZZ_SEED", 20261129);
    eprintln!("cache fuzz: {cases} cases, seed {seed} (AMPLIFY_RS_FUZZ_SEED to replay)");
    let mut rng = StdRng::seed_from_u64(seed);
    let home = tempfile::tempdir().unwrap();
    let mut objects = 0;
    for case in 0..cases {
        let bytes = generated(&mut rng);
        let bytes = if case % 2 == 1 {
            mutated(&mut rng, bytes)
        } else {
            bytes
        };
        if others(&bytes).is_some() {
            objects += 1;
        }
        check(&bytes, &format!("case {case} (seed {seed})"), home.path());
    }
    eprintln!("{objects} of {cases} files were JSON objects");
    assert!(
        objects > cases / 3,
        "the generator must make mostly valid files"
    );
}
