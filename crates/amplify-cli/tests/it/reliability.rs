//! The fast cases of the reliability suite (`cargo xtask soak` runs them longer and wider): many processes
//! at once on a cold cache, `init` killed at random instants, private files under a permissive umask, and no
//! secret anywhere a whole session of commands left behind.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::Duration;

use rand::{Rng as _, SeedableRng as _};

use crate::common::*;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn many_processes_on_a_cold_cache_make_one_sts_call() {
    let n = setting("AMPLIFY_RS_CONCURRENCY", 16) as usize;
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
    ctx.moto().start_recording();
    let children: Vec<_> = (0..n)
        .map(|_| {
            let mut command = ctx.command(&["aws", "whoami"]);
            command
                .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"Account\": \"111122223333\""));
    }
    let recording = ctx.moto().recording();
    eprintln!("{n} processes at once on a cold cache");
    assert_eq!(
        calls(&recording, "AssumeRole").len(),
        1,
        "one STS call for the one hop"
    );
    assert_eq!(calls(&recording, "GetCallerIdentity").len(), n);
    assert_eq!(
        cached_entries(&ctx, &ctx.project_dir()).len(),
        1,
        "no lost or torn entry"
    );
}

#[test]
fn init_killed_at_any_instant_leaves_no_half_written_project() {
    let kills = setting("AMPLIFY_RS_INIT_KILLS", 40);
    let seed = setting("AMPLIFY_RS_INIT_KILL_SEED", 20261128);
    eprintln!("init kill loop: {kills} kills, seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let ctx = seeded();
    // Calibrate on a warm moto (its first CloudFormation call is slow): kill anywhere from the middle of a
    // run to just past its end, where the files are written.
    let mut full = 0;
    for warm_up in ["w0", "w1"] {
        let dir = ctx.home().join(warm_up);
        fs_err::create_dir_all(&dir).unwrap();
        let start = std::time::Instant::now();
        let mut first = ctx.command(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
        first
            .current_dir(&dir)
            .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
            .stdin(Stdio::null());
        assert!(first.output().unwrap().status.success());
        full = start.elapsed().as_micros() as u64;
    }
    // Kill run `i` after `micros`; true if it left a whole project, false if none (a half one panics).
    let kill_after = |i: u64, micros: u64| -> bool {
        let dir = ctx.home().join(format!("k{i}"));
        fs_err::create_dir_all(&dir).unwrap();
        let mut command = ctx.command(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
        command
            .current_dir(&dir)
            .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = command.spawn().unwrap();
        std::thread::sleep(Duration::from_micros(micros));
        let _ = child.kill();
        child.wait().unwrap();
        if !dir.join("amplify").exists() {
            return false;
        }
        for file in PROJECT_FILES {
            let text = fs_err::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("kill {i}: {file}: {e}"));
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("kill {i}: {file} torn: {e}"));
        }
        true
    };
    let (mut none, mut whole) = (0, 0);
    for i in 0..kills {
        match kill_after(i, rng.random_range(full / 2..full + full / 10)) {
            true => whole += 1,
            false => none += 1,
        }
    }
    // A loaded machine shifts every run: if all kills fell on one side of the writes, aim at the other side
    // (before the middle, or well past the calibrated end) until one lands there.
    let mut extra = kills;
    while (none == 0 || whole == 0) && extra < kills + 40 {
        let micros = if none == 0 {
            rng.random_range(0..full / 2)
        } else {
            rng.random_range(full..full * 3)
        };
        match kill_after(extra, micros) {
            true => whole += 1,
            false => none += 1,
        }
        extra += 1;
    }
    eprintln!("{none} kills left no project, {whole} a whole one; none left half of one");
    assert!(
        none > 0 && whole > 0,
        "the kills landed before the files and after them ({none} / {whole}): the instants cover the writes"
    );
    // An init in a folder where one was killed finishes, and clears what the killed one staged.
    let dir = (0..extra)
        .map(|i| ctx.home().join(format!("k{i}")))
        .find(|d| !d.join("amplify").exists());
    if let Some(dir) = dir {
        let mut command = ctx.command(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
        command
            .current_dir(&dir)
            .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
            .stdin(Stdio::null());
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stages: Vec<_> = fs_err::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".amplify-init-")
            })
            .collect();
        assert!(stages.is_empty(), "abandoned staging folders are removed");
    }
}

#[test]
fn private_files_stay_private_under_a_permissive_umask() {
    let ctx = seeded();
    let keys = r#"{"awscloudformation":{"configLevel":"project","useProfile":false,"accessKeyId":"AKIAUMASKTEST0000001","secretAccessKey":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2Fy","region":"us-east-1"}}"#;
    let out = ctx
        .command_under_umask("000", &["init", "--yes", "--providers", keys])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The keys file was the first thing amplify-rs put under ~/.amplify: every folder it made is private.
    let mode = |p: &std::path::Path| fs_err::metadata(p).unwrap().permissions().mode() & 0o777;
    for dir in [".amplify", ".amplify/awscloudformation"] {
        assert_eq!(mode(&ctx.home().join(dir)), 0o700, "{dir} under umask 000");
    }
    let other = ctx.home().join("other");
    fs_err::create_dir_all(&other).unwrap();
    let mut command =
        ctx.command_under_umask("000", &["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    command
        .current_dir(&other)
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
        .stdin(Stdio::null());
    assert!(command.output().unwrap().status.success());

    let amplify_dir = ctx.home().join(".amplify/awscloudformation");
    assert_eq!(mode(&amplify_dir), 0o700);
    assert_eq!(mode(&ctx.cache_path()), 0o600);
    assert_eq!(mode(&amplify_dir.join("cache.json.lock")), 0o600);
    let keys_file =
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["awsConfigFilePath"]
            .as_str()
            .unwrap()
            .to_string();
    assert_eq!(mode(std::path::Path::new(&keys_file)), 0o600);
    assert_eq!(
        mode(
            &ctx.project_dir()
                .join("amplify/.config/project-config.json")
        ),
        0o666,
        "project files follow the umask"
    );
}

#[test]
fn no_secret_anywhere_a_session_of_commands_left() {
    let ctx = seeded();
    let mut outputs = Vec::new();
    // Every secret that existed at any point: sessions are replaced and reset-cache forgets them, but what
    // was printed before must still be checked against them.
    let mut all_secrets = std::collections::BTreeSet::new();
    let mut run = |args: &[&str], code: bool, expected: i32| {
        let mut command = ctx.command(args);
        if code {
            command.env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
        }
        let out = command.stdin(Stdio::null()).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {text}");
        outputs.push(text);
        all_secrets.extend(ctx.secrets(&[MFA_CODE.to_string()]));
    };
    run(
        &[
            "--verbose",
            "init",
            "--yes",
            "--providers",
            PROFILE_PROVIDERS,
        ],
        true,
        0,
    );
    run(&["--verbose", "aws", "whoami"], false, 0);
    run(
        &[
            "--verbose",
            "init",
            "--yes",
            "--amplify",
            r#"{"envName":"prod"}"#,
        ],
        false,
        0,
    );
    run(&["--verbose", "aws", "profiles", "--json"], false, 0);
    run(&["--verbose", "aws", "profiles", "bizcorprole"], false, 0);
    run(&["--verbose", "aws", "reset-cache"], false, 0);
    run(&["--verbose", "aws", "whoami"], false, 1); // no code, no terminal
    run(
        &["--verbose", "--mfa-code", "12345", "aws", "whoami"],
        false,
        1,
    ); // not six digits
    run(&["--verbose", "aws", "whoami"], true, 0);
    assert!(
        all_secrets.len() >= 6,
        "two sessions' keys and tokens, the user's key, the code: {}",
        all_secrets.len()
    );
    for text in &outputs {
        for secret in &all_secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret ({}...) in output:\n{text}",
                &secret[..4]
            );
        }
    }

    // Every file under HOME but the two places meant to hold secrets.
    let allowed = [ctx.home().join(".aws/credentials"), ctx.cache_path()];
    let mut stack = vec![ctx.home().to_path_buf()];
    let mut scanned = 0;
    while let Some(dir) = stack.pop() {
        for entry in fs_err::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !allowed.contains(&path) {
                scanned += 1;
                let text = String::from_utf8_lossy(&fs_err::read(&path).unwrap()).into_owned();
                for secret in &all_secrets {
                    assert!(
                        !text.contains(secret.as_str()),
                        "a secret in {}",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(scanned > 15, "scanned {scanned} files");
}
