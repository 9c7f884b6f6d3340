//! A regression guard for the cost of a lookup, run in CI in the debug build: no timed threshold, but
//! what would change if a lookup went back to parsing the file into a tree, or became quadratic.
//!
//! - Allocations are counted (a counting global allocator): a lookup among 10,000 projects must make no
//!   more allocations (a handful of slack for the reading thread's), and hold no more bytes, than among 1,000, and never hold the file (9 MB) in memory.
//!   Parsing every project, or reading the whole file, fails this at once.
//! - Times are compared, not judged: 10,000 projects must cost less than 30 times 1,000 (linear work is
//!   about 10 times; quadratic work 100). A write is held to the same ratio.
//!
//! One test in this binary: the allocation counters are global, and another test's thread would add to them.

#![allow(clippy::disallowed_methods, clippy::print_stderr)] // tests may use std::fs and report sizes

use std::alloc::System;
use std::path::Path;
use std::time::{Duration, Instant};

use amplify_cache::{CachedCredentials, CredentialCache, ProjectKey};
use amplify_creds::{Credentials, Secret};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use time::OffsetDateTime;
use time::macros::datetime;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const NOW: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);
const IDENTITY: &str = "static:devcorpuser:AKIAIOSFODNN7EXAMPLE > arn:aws:iam::111122223333:role/BizCorpAmplifyRole|session=|external_id=bizcorp-7f3a9c|mfa=arn:aws:iam::444455556666:mfa/devcorpuser|duration=";

/// A cache as `amplify-rs` writes it, with `projects` projects (ours last: the lookup reads past all the
/// others) and one entry of the original CLI's.
fn cache_with(projects: usize) -> (tempfile::TempDir, CredentialCache, u64) {
    let home = tempfile::tempdir().unwrap();
    let cache = CredentialCache::in_home(home.path());
    let entry = |n: usize| {
        format!(
            "{{\n          \"profile\": \"bizcorprole\",\n          \"roleArn\": \"arn:aws:iam::111122223333:role/BizCorpAmplifyRole\",\n          \"accessKeyId\": \"ASIA{n:016}\",\n          \"secretAccessKey\": \"{}\",\n          \"sessionToken\": \"FQoGZXIvYXdzE{}\",\n          \"expiration\": \"2026-11-28T11:00:00Z\"\n        }}",
            "s".repeat(40),
            "t".repeat(343)
        )
    };
    let mut text = String::from(
        "{\n  \"arn:aws:iam::111122223333:role/BizCorpAmplifyRole\": {\"amplify\": {\"big\": 12345678901234567890123}},\n  \"amplify-rs\": {\n    \"version\": 1,\n    \"projects\": {",
    );
    for n in 0..projects {
        let name = if n + 1 == projects {
            "/home/dev/myapp".to_string()
        } else {
            format!("/home/dev/projects/p{n:06}")
        };
        if n > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "\n      \"{name}\": {{\n        \"{IDENTITY}\": {}\n      }}",
            entry(n)
        ));
    }
    text.push_str("\n    }\n  }\n}\n");
    std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
    std::fs::write(cache.path(), &text).unwrap();
    (home, cache, text.len() as u64)
}

fn ours() -> ProjectKey {
    ProjectKey::from_canonical(Path::new("/home/dev/myapp"))
}

struct Cost {
    allocations: usize,
    bytes: usize,
    time: Duration,
}

/// The allocations of one lookup, and the median time of five.
fn lookup_cost(cache: &CredentialCache) -> Cost {
    let region = Region::new(GLOBAL);
    let found = cache.lookup(&ours(), IDENTITY, NOW).unwrap();
    let change = region.change();
    assert!(found.entry.is_some(), "{:?}", found.warnings);
    drop(found);
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            cache.lookup(&ours(), IDENTITY, NOW).unwrap();
            start.elapsed()
        })
        .collect();
    times.sort();
    Cost {
        allocations: change.allocations + change.reallocations,
        bytes: change.bytes_allocated,
        time: times[2],
    }
}

fn store_time(cache: &CredentialCache) -> Duration {
    let entry = CachedCredentials {
        profile: "bizcorprole".into(),
        role_arn: Some("arn:aws:iam::111122223333:role/BizCorpAmplifyRole".into()),
        mfa_serial: None,
        credentials: Credentials {
            access_key_id: "ASIANEW".into(),
            secret_access_key: Secret::new("s".repeat(40)),
            session_token: Some(Secret::new("t".repeat(356))),
            expiration: Some(NOW + time::Duration::hours(1)),
        },
    };
    let start = Instant::now();
    cache.store(&ours(), IDENTITY, &entry, NOW).unwrap();
    start.elapsed()
}

#[test]
fn a_lookup_among_10k_projects_allocates_as_among_1k_and_scales_linearly() {
    let (_small_home, small, small_size) = cache_with(1_000);
    let (_large_home, large, large_size) = cache_with(10_000);
    let (s, l) = (lookup_cost(&small), lookup_cost(&large));
    eprintln!(
        "lookup: 1k projects ({small_size} bytes): {} allocations, {} bytes, {:?}; 10k ({large_size} bytes): {} allocations, {} bytes, {:?}",
        s.allocations, s.bytes, s.time, l.allocations, l.bytes, l.time
    );
    assert!(
        l.allocations <= s.allocations + 4,
        "a lookup allocates per project: {} allocations for 1k projects, {} for 10k",
        s.allocations,
        l.allocations
    );
    assert!(
        l.bytes <= s.bytes + (64 << 10),
        "a lookup holds more with more projects: {} bytes for 1k, {} for 10k",
        s.bytes,
        l.bytes
    );
    assert!(
        (l.bytes as u64) < large_size / 8,
        "a lookup must not hold the file ({large_size} bytes): it allocated {} bytes",
        l.bytes
    );
    assert!(
        l.time < s.time * 30,
        "a lookup is not linear: {:?} for 1k projects, {:?} for 10k",
        s.time,
        l.time
    );

    let (small_store, large_store) = (store_time(&small), store_time(&large));
    eprintln!("store: 1k projects {small_store:?}, 10k {large_store:?}");
    assert!(
        large_store < small_store * 30,
        "a write is not linear: {small_store:?} for 1k projects, {large_store:?} for 10k"
    );
    let after = std::fs::read_to_string(large.path()).unwrap();
    assert!(after.contains("{\"amplify\": {\"big\": 12345678901234567890123}}"));
    assert_eq!(
        large
            .lookup(&ours(), IDENTITY, NOW)
            .unwrap()
            .entry
            .unwrap()
            .credentials
            .access_key_id,
        "ASIANEW"
    );
}
