//! A writer of the cache killed with SIGKILL at random instants, a thousand times: the file must parse
//! after every kill, and another program's entry must still be there. The writer is this test binary run
//! again in a child process (`kill_loop_writer`), storing entries as fast as it can.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long
#![allow(clippy::print_stderr)] // tests report their seeds and sizes

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use amplify_cache::{CachedCredentials, CredentialCache, ProjectKey};
use amplify_creds::{Credentials, Secret};
use rand::{Rng as _, SeedableRng as _};
use serde_json::{Value, json};
use time::OffsetDateTime;

const CHILD_ENV: &str = "AMPLIFY_RS_KILL_LOOP_CACHE";

fn entry(n: u64) -> CachedCredentials {
    CachedCredentials {
        profile: "bizcorprole".into(),
        role_arn: Some("arn:aws:iam::111122223333:role/Biz".into()),
        mfa_serial: None,
        credentials: Credentials {
            access_key_id: format!("ASIA{n:016}"),
            secret_access_key: Secret::new("s".repeat(40)),
            session_token: Some(Secret::new("t".repeat(400))),
            expiration: Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
        },
    }
}

#[test]
#[ignore = "run by a_writer_killed_at_any_instant_leaves_a_whole_file in a child process"]
fn kill_loop_writer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let cache = CredentialCache::at(PathBuf::from(path));
    for n in 0.. {
        let project = ProjectKey::from_canonical(Path::new(&format!("/projects/p{}", n % 7)));
        cache
            .store(
                &project,
                &format!("chain-{}", n % 5),
                &entry(n),
                OffsetDateTime::now_utc(),
            )
            .unwrap();
    }
}

#[test]
fn a_writer_killed_at_any_instant_leaves_a_whole_file() {
    let iterations: u32 = std::env::var("AMPLIFY_RS_KILL_LOOP_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = std::env::var("AMPLIFY_RS_KILL_LOOP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20261128);
    eprintln!("kill loop: {iterations} kills, seed {seed} (AMPLIFY_RS_KILL_LOOP_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let home = tempfile::tempdir().unwrap();
    let cache = CredentialCache::in_home(home.path());
    let theirs = json!({"arn:aws:iam::111122223333:role/Biz": {"amplify": {"accessKeyId": "ASIAORIGINAL", "expiration": "2030-01-01T00:00:00.000Z"}}});
    std::fs::create_dir_all(cache.path().parent().unwrap()).unwrap();
    std::fs::write(cache.path(), theirs.to_string()).unwrap();

    let exe = std::env::current_exe().unwrap();
    let mut changed = 0;
    let mut previous = String::new();
    for i in 0..iterations {
        let mut child = Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "kill_loop_writer",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, cache.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.random_range(2_000..25_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let text = std::fs::read_to_string(cache.path()).unwrap();
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("kill {i} (seed {seed}) left a torn file: {e}"));
        assert_eq!(
            value["arn:aws:iam::111122223333:role/Biz"],
            theirs["arn:aws:iam::111122223333:role/Biz"],
            "kill {i}"
        );
        if text != previous {
            changed += 1;
            previous = text;
        }
    }
    eprintln!("the file changed between {changed} of {iterations} kills");
    assert!(
        changed > iterations / 2,
        "the writer must be writing when it is killed for the test to mean anything"
    );
    let leftovers = std::fs::read_dir(cache.path().parent().unwrap())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".cache.json.")
        })
        .count();
    assert!(
        leftovers <= 1,
        "temporary files of killed writers are cleaned up by the next write: {leftovers} left"
    );
}
