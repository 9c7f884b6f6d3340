//! The cache as a user of `~/.amplify/awscloudformation/cache.json` sees it: entries per project, other
//! programs' entries untouched, private permissions, and a corrupt file that costs a warning, not a crash.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use amplify_cache::{CacheWarning, CachedCredentials, CredentialCache, ProjectKey};
use amplify_creds::{Credentials, Secret};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);
const IDENTITY: &str = "static:devcorpuser:AKIA > arn:aws:iam::111122223333:role/Biz|session=|external_id=x|mfa=m|duration=";

fn creds(key: &str, expires_in: Duration) -> CachedCredentials {
    CachedCredentials {
        profile: "bizcorprole".into(),
        role_arn: Some("arn:aws:iam::111122223333:role/Biz".into()),
        mfa_serial: None,
        credentials: Credentials {
            access_key_id: key.into(),
            secret_access_key: Secret::new("secret-of-".to_string() + key),
            session_token: Some(Secret::new("token-of-".to_string() + key)),
            expiration: Some(NOW + expires_in),
        },
    }
}

fn setup() -> (tempfile::TempDir, CredentialCache, ProjectKey, ProjectKey) {
    let home = tempfile::tempdir().unwrap();
    let cache = CredentialCache::in_home(home.path());
    let a = ProjectKey::from_canonical(Path::new("/work/projects/a"));
    let b = ProjectKey::from_canonical(Path::new("/work/projects/b"));
    (home, cache, a, b)
}

fn read(cache: &CredentialCache) -> Value {
    serde_json::from_slice(&std::fs::read(cache.path()).unwrap()).unwrap()
}

#[test]
fn each_project_has_its_own_entries() {
    let (_home, cache, a, b) = setup();
    assert!(
        cache.lookup(&a, IDENTITY, NOW).unwrap().entry.is_none(),
        "no file yet"
    );
    cache
        .store(&a, IDENTITY, &creds("ASIAA", Duration::hours(1)), NOW)
        .unwrap();
    let found = cache.lookup(&a, IDENTITY, NOW).unwrap().entry.unwrap();
    assert_eq!(found.credentials.access_key_id, "ASIAA");
    assert_eq!(
        found.credentials.session_token.unwrap().expose(),
        "token-of-ASIAA"
    );
    assert!(
        cache.lookup(&b, IDENTITY, NOW).unwrap().entry.is_none(),
        "same profile, other project"
    );
    assert!(
        cache
            .lookup(&a, "another chain", NOW)
            .unwrap()
            .entry
            .is_none()
    );

    cache
        .store(&b, IDENTITY, &creds("ASIAB", Duration::hours(1)), NOW)
        .unwrap();
    let removal = cache.remove_project(&a).unwrap();
    assert_eq!(removal.removed, 1);
    assert!(cache.lookup(&a, IDENTITY, NOW).unwrap().entry.is_none());
    assert_eq!(
        cache
            .lookup(&b, IDENTITY, NOW)
            .unwrap()
            .entry
            .unwrap()
            .credentials
            .access_key_id,
        "ASIAB"
    );
    assert_eq!(cache.remove_project(&a).unwrap().removed, 0);
}

#[test]
fn entries_are_reused_only_with_more_than_five_minutes_left() {
    let (_home, cache, a, _) = setup();
    cache
        .store(&a, IDENTITY, &creds("ASIAA", Duration::minutes(20)), NOW)
        .unwrap();
    assert!(
        cache
            .lookup(&a, IDENTITY, NOW + Duration::minutes(14))
            .unwrap()
            .entry
            .is_some()
    );
    assert!(
        cache
            .lookup(&a, IDENTITY, NOW + Duration::minutes(15))
            .unwrap()
            .entry
            .is_none()
    );
}

#[test]
fn expired_entries_of_ours_are_pruned_on_write() {
    let (_home, cache, a, b) = setup();
    cache
        .store(&a, IDENTITY, &creds("ASIAOLD", Duration::minutes(15)), NOW)
        .unwrap();
    cache
        .store(
            &b,
            IDENTITY,
            &creds("ASIANEW", Duration::hours(1)),
            NOW + Duration::minutes(20),
        )
        .unwrap();
    let projects = &read(&cache)["amplify-rs"]["projects"];
    assert!(projects.get("/work/projects/a").is_none(), "{projects}");
    assert!(projects.get("/work/projects/b").is_some());
}

#[test]
fn other_programs_entries_survive_every_write() {
    let (_home, cache, a, _) = setup();
    let original = json!({
        "arn:aws:iam::111122223333:role/Biz": {
            "amplify": {"accessKeyId": "ASIAORIG", "secretAccessKey": "s", "sessionToken": "t", "expiration": "2026-11-28T11:00:00.000Z"}
        },
        "zzz-other-tool": [1, 2.5, "three", null, {"nested": true}],
        "aaa-numbers": 12345678901234567890u64
    });
    std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
    std::fs::write(cache.path(), serde_json::to_string(&original).unwrap()).unwrap();

    cache
        .store(&a, IDENTITY, &creds("ASIAA", Duration::hours(1)), NOW)
        .unwrap();
    cache.remove_project(&a).unwrap();
    cache
        .store(&a, IDENTITY, &creds("ASIAA2", Duration::hours(1)), NOW)
        .unwrap();

    let after = read(&cache);
    let after = after.as_object().unwrap();
    for (key, value) in original.as_object().unwrap() {
        assert_eq!(&after[key], value, "{key} changed");
    }
    let keys: Vec<&str> = after.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "arn:aws:iam::111122223333:role/Biz",
            "zzz-other-tool",
            "aaa-numbers",
            "amplify-rs"
        ],
        "order kept"
    );
}

#[test]
fn file_is_private_and_a_loose_folder_is_tightened() {
    let (home, cache, a, _) = setup();
    // The original left ~/.amplify/awscloudformation world-readable: tighten a folder we find that way.
    let dir = cache.path().parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    cache
        .store(&a, IDENTITY, &creds("ASIAA", Duration::hours(1)), NOW)
        .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(cache.path()), 0o600);
    assert_eq!(mode(dir), 0o700);
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".cache.json."))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    drop(home);
}

#[test]
fn a_corrupt_file_is_a_warning_and_is_moved_aside_not_lost() {
    for junk in ["{\"truncated\": ", "", "[1,2]", "\u{0}\u{1}binary"] {
        let (_home, cache, a, _) = setup();
        std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
        std::fs::write(cache.path(), junk).unwrap();

        let lookup = cache.lookup(&a, IDENTITY, NOW).unwrap();
        assert!(lookup.entry.is_none());
        assert!(
            matches!(
                lookup.warnings.as_slice(),
                [CacheWarning::Unreadable { .. }]
            ),
            "{junk:?}: {:?}",
            lookup.warnings
        );

        let warnings = cache
            .store(&a, IDENTITY, &creds("ASIAA", Duration::hours(1)), NOW)
            .unwrap();
        let [CacheWarning::MovedAside { to, .. }] = warnings.as_slice() else {
            panic!("{junk:?}: {warnings:?}")
        };
        assert_eq!(
            std::fs::read_to_string(to).unwrap(),
            junk,
            "the unreadable file is kept as it was"
        );
        assert!(cache.lookup(&a, IDENTITY, NOW).unwrap().entry.is_some());
    }
}

#[test]
fn a_mangled_own_section_is_reset_without_touching_others() {
    let (_home, cache, a, _) = setup();
    std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
    std::fs::write(cache.path(), r#"{"amplify-rs": "oops", "other": {"k": 1}}"#).unwrap();
    let warnings = cache
        .store(&a, IDENTITY, &creds("ASIAA", Duration::hours(1)), NOW)
        .unwrap();
    assert!(
        matches!(warnings.as_slice(), [CacheWarning::OwnSectionReset { .. }]),
        "{warnings:?}"
    );
    assert_eq!(read(&cache)["other"], json!({"k": 1}));
    assert!(cache.lookup(&a, IDENTITY, NOW).unwrap().entry.is_some());
}

#[test]
fn project_lock_waits_for_the_holder() {
    let (_home, cache, a, b) = setup();
    let forever = std::time::Duration::from_secs(3600);
    let held = cache
        .lock_project(&a, forever, |_| panic!("nobody holds it yet"))
        .unwrap();
    // Another project's lock is independent.
    drop(
        cache
            .lock_project(&b, forever, |_| panic!("independent lock"))
            .unwrap(),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let other = cache.clone();
    let key = a.clone();
    let waiter = std::thread::spawn(move || {
        let mut holder = None;
        let _lock = other
            .lock_project(&key, forever, |pid| holder = Some(pid))
            .unwrap();
        tx.send(holder).unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        rx.try_recv().is_err(),
        "the waiter must block while the lock is held"
    );
    drop(held);
    let holder = rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
    assert_eq!(
        holder,
        Some(Some(std::process::id())),
        "on_wait was told who holds the lock"
    );
    waiter.join().unwrap();
}

#[test]
fn a_live_holder_blocks_only_until_the_limit() {
    let (_home, cache, a, _) = setup();
    let _held = cache
        .lock_project(&a, std::time::Duration::from_secs(1), |_| {})
        .unwrap();
    let other = cache.clone();
    let key = a.clone();
    let error = std::thread::spawn(move || {
        other
            .lock_project(&key, std::time::Duration::from_millis(300), |_| {})
            .unwrap_err()
    })
    .join()
    .unwrap();
    assert!(
        matches!(error, amplify_cache::CacheError::LockTimeout { .. }),
        "{error}"
    );
    assert!(
        error
            .hint()
            .contains(&format!("kill {}", std::process::id())),
        "{}",
        error.hint()
    );
}
