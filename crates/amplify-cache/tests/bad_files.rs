//! Whatever is in cache.json (truncated, binary, huge, deeply nested, of the wrong types), a lookup is at
//! worst a warning and a store at worst moves the file aside: never a panic, never a lost entry of another
//! program when the file is still JSON.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::path::Path;

use amplify_cache::{CachedCredentials, CredentialCache, ProjectKey};
use amplify_creds::{Credentials, Secret};
use rand::{Rng as _, SeedableRng as _};
use time::OffsetDateTime;

fn entry() -> CachedCredentials {
    CachedCredentials {
        profile: "p".into(),
        role_arn: Some("arn:aws:iam::111122223333:role/R".into()),
        mfa_serial: None,
        credentials: Credentials {
            access_key_id: "ASIA".into(),
            secret_access_key: Secret::new("s"),
            session_token: Some(Secret::new("t")),
            expiration: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
        },
    }
}

fn check(contents: &[u8], label: &str) {
    let home = tempfile::tempdir().unwrap();
    let cache = CredentialCache::in_home(home.path());
    std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
    std::fs::write(cache.path(), contents).unwrap();
    let project = ProjectKey::from_canonical(Path::new("/p"));
    let now = OffsetDateTime::now_utc();
    let lookup = cache
        .lookup(&project, "id", now)
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(lookup.entry.is_none(), "{label}");
    cache
        .store(&project, "id", &entry(), now)
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(
        cache.lookup(&project, "id", now).unwrap().entry.is_some(),
        "{label}: the new entry is readable"
    );
    let after = std::fs::read(cache.path()).unwrap();
    // Another program's keys survive, with their exact text, when the file was a JSON object; otherwise
    // the file was moved aside.
    match others(contents) {
        Some(before) => {
            assert_eq!(others(&after), Some(before), "{label}: another key changed");
            assert!(
                !moved_aside(&cache),
                "{label}: a JSON object is never moved aside"
            );
        }
        None => assert!(
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(contents).is_err(),
            "{label}"
        ),
    }
}

/// The top-level members but ours, each with its exact text.
fn others(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let map: indexmap::IndexMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_slice(bytes).ok()?;
    Some(
        map.into_iter()
            .filter(|(k, _)| k != "amplify-rs")
            .map(|(k, v)| (k, v.get().to_string()))
            .collect(),
    )
}

fn moved_aside(cache: &CredentialCache) -> bool {
    std::fs::read_dir(cache.path().parent().unwrap())
        .unwrap()
        .any(|e| e.unwrap().file_name().to_string_lossy().contains("corrupt"))
}

#[test]
fn hostile_cache_files() {
    let valid =
        br#"{"other-tool": {"k": [1, 2, 3]}, "amplify-rs": {"version": 1, "projects": {}}}"#;
    for cut in 0..valid.len() {
        check(&valid[..cut], &format!("truncated at {cut}"));
    }
    check(&"[".repeat(100_000).into_bytes(), "deeply nested");
    check(
        format!("{{\"big\": \"{}\"}}", "x".repeat(20 << 20)).as_bytes(),
        "20 MiB",
    );
    check(b"\xff\xfe\x00binary\x00", "binary");
    for wrong in [
        r#"{"amplify-rs": []}"#,
        r#"{"amplify-rs": {"version": "1", "projects": {}}}"#,
        r#"{"amplify-rs": {"version": 1, "projects": []}}"#,
        r#"{"amplify-rs": {"version": 1, "projects": {"/p": 5}}}"#,
        r#"{"amplify-rs": {"version": 1, "projects": {"/p": {"id": {"expiration": {}}}}}}"#,
        r#"{"amplify-rs": {"version": 1, "projects": {"/p": {"id": {"profile": "p", "accessKeyId": "A", "secretAccessKey": "s", "sessionToken": "t", "expiration": "yesterday"}}}}}"#,
        r#"{"amplify-rs": {"version": 99, "projects": {}}, "kept": true}"#,
        r#"{"n": 12345678901234567890123, "e": 1e400, "m": -1E-400, "amplify-rs": {"version": 1, "projects": {}}}"#,
        r#"{"amplify-rs": {"version": 1, "projects": {"/p": {"id": {"n": 1e400}}}}, "after": [1e400]}"#,
        r#"{"dup": 1, "dup": 2, "amplify-rs": 0, "amplify-rs": {"version": 1, "projects": {}}}"#,
    ] {
        check(wrong.as_bytes(), wrong);
    }
    // Valid JSON nested past serde_json's recursion limit (128): kept, not judged corrupt.
    let nested = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let deep = format!("{{\"deep\": {nested}}}");
    check(deep.as_bytes(), "nested 1,000 deep");
    let home = tempfile::tempdir().unwrap();
    let cache = CredentialCache::in_home(home.path());
    std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
    std::fs::write(cache.path(), &deep).unwrap();
    let project = ProjectKey::from_canonical(Path::new("/p"));
    let now = OffsetDateTime::now_utc();
    assert!(
        cache
            .store(&project, "id", &entry(), now)
            .unwrap()
            .is_empty()
    );
    let after = std::fs::read_to_string(cache.path()).unwrap();
    assert!(
        after.starts_with(&format!("{{\"deep\": {nested},")),
        "{after}"
    );
    assert!(!moved_aside(&cache));

    let seed = 7;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for i in 0..300 {
        let mut bytes = valid.to_vec();
        for _ in 0..rng.random_range(1..6) {
            let at = rng.random_range(0..bytes.len());
            bytes[at] = rng.random();
        }
        check(&bytes, &format!("mutation {i} (seed {seed})"));
    }
}
