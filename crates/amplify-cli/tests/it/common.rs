//! Shared setup and the checks every test makes: what moto recorded, and that no secret leaked.

use std::path::Path;

use amplify_test_support::{Recorded, SEED_SECRET_KEY, TestContext};
use serde_json::Value;

pub const PROFILE_PROVIDERS: &str = r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}"#;
pub const DEV_KEY: &str = "AKIADEVCORPUSER00001";
pub const MFA_CODE: &str = "314159";

/// A temporary HOME with the seed's two profiles and a moto server of its own.
pub fn seeded() -> TestContext {
    TestContext::new(env!("CARGO_BIN_EXE_amplify-rs"))
        .with_seed_profiles()
        .with_moto()
}

/// Headless `init --yes` of the seed's role profile, the MFA code from the environment.
pub fn headless_init(ctx: &TestContext, extra: &[&str]) -> amplify_test_support::CommandOutput {
    let mut args = vec!["init", "--yes", "--providers", PROFILE_PROVIDERS];
    args.extend_from_slice(extra);
    let mut command = ctx.command(&args);
    command
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
        .stdin(std::process::Stdio::null());
    let output = command.output().unwrap();
    amplify_test_support::CommandOutput {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn calls<'a>(recording: &'a [Recorded], action: &str) -> Vec<&'a Recorded> {
    recording.iter().filter(|r| r.action == action).collect()
}

pub fn cache(ctx: &TestContext) -> Value {
    serde_json::from_str(&fs_err::read_to_string(ctx.cache_path()).unwrap()).unwrap()
}

/// Our cache entries of the project in `dir`, keyed by chain.
pub fn cached_entries(ctx: &TestContext, dir: &Path) -> serde_json::Map<String, Value> {
    let key = fs_err::canonicalize(dir).unwrap().display().to_string();
    cache(ctx)["amplify-rs"]["projects"][&key]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

/// The secrets a run may hold: the user's secret key, every cached secret and token, and the MFA code.
pub fn secrets(ctx: &TestContext) -> Vec<String> {
    let mut secrets = vec![SEED_SECRET_KEY.to_string(), MFA_CODE.to_string()];
    if ctx.cache_path().exists()
        && let Some(projects) = cache(ctx)["amplify-rs"]["projects"].as_object()
    {
        {
            for entries in projects.values() {
                for entry in entries.as_object().into_iter().flat_map(|e| e.values()) {
                    for key in ["secretAccessKey", "sessionToken"] {
                        if let Some(s) = entry[key].as_str() {
                            secrets.push(s.to_string());
                        }
                    }
                }
            }
        }
    }
    secrets
}

/// No secret in `texts` nor in any file of the project folder.
pub fn assert_no_secrets(ctx: &TestContext, texts: &[&str]) {
    let secrets = secrets(ctx);
    for text in texts {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret ({}...) leaked into output:\n{text}",
                &secret[..4]
            );
        }
    }
    let mut stack = vec![ctx.project_dir()];
    while let Some(dir) = stack.pop() {
        for entry in fs_err::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let content = String::from_utf8_lossy(&fs_err::read(&path).unwrap()).into_owned();
                for secret in &secrets {
                    assert!(
                        !content.contains(secret.as_str()),
                        "a secret leaked into {}",
                        path.display()
                    );
                }
            }
        }
    }
}

/// The files under `root`, relative, sorted.
pub fn files_under(root: &std::path::Path) -> std::collections::BTreeSet<String> {
    let mut files = std::collections::BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs_err::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    files
}

/// The files of the project folder, relative, sorted.
pub fn project_files(ctx: &TestContext) -> Vec<String> {
    files_under(&ctx.project_dir()).into_iter().collect()
}

/// A temporary HOME with the seed's profiles and no AWS peer (for commands that never call AWS).
pub fn seeded_without_moto() -> TestContext {
    TestContext::new(env!("CARGO_BIN_EXE_amplify-rs")).with_seed_profiles()
}

/// Interactive init up to the authentication method: the default name, the defaults accepted.
pub fn accept_the_defaults(pty: &mut amplify_test_support::Pty) {
    pty.expect("Enter a name for the project");
    pty.enter();
    pty.expect("Initialize the project with the above configuration?");
    pty.enter();
    pty.expect("Select the authentication method you want to use:");
}
