//! Shared setup and the checks every test makes: what moto recorded, and that no secret leaked.

use std::path::Path;

use amplify_test_support::{Recorded, TestContext};
use serde_json::Value;

pub const PROFILE_PROVIDERS: &str = r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}"#;
pub const DEV_KEY: &str = "AKIADEVCORPUSER00001";
pub const MFA_CODE: &str = "314159";

/// The files a whole project has, each of which must parse.
pub const PROJECT_FILES: [&str; 8] = [
    "amplify/.config/project-config.json",
    "amplify/.config/local-env-info.json",
    "amplify/.config/local-aws-info.json",
    "amplify/team-provider-info.json",
    "amplify/backend/amplify-meta.json",
    "amplify/#current-cloud-backend/amplify-meta.json",
    "amplify/backend/backend-config.json",
    "amplify/cli.json",
];

/// A temporary HOME with the seed's two profiles and a moto server of its own.
pub fn seeded() -> TestContext {
    TestContext::new(env!("CARGO_BIN_EXE_amplify-rs"))
        .with_seed_profiles()
        .with_moto()
}

/// Headless `init --yes` of the seed's role profile, the MFA code from the environment.
pub fn headless_init(ctx: &TestContext, extra: &[&str]) -> amplify_test_support::CommandOutput {
    let mut args = vec!["--providers", PROFILE_PROVIDERS];
    args.extend_from_slice(extra);
    headless_init_with(ctx, &args)
}

/// Headless `init --yes` with `flags` only, the MFA code from the environment.
pub fn headless_init_with(
    ctx: &TestContext,
    flags: &[&str],
) -> amplify_test_support::CommandOutput {
    let mut args = vec!["init", "--yes"];
    args.extend_from_slice(flags);
    let mut command = ctx.command(&args);
    command
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
        .stdin(std::process::Stdio::null());
    ctx.run_command(&mut command)
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

/// The access key of the session the project in `dir` has cached (its first chain's).
pub fn cached_key(ctx: &TestContext, dir: &Path) -> String {
    cached_entries(ctx, dir)
        .values()
        .next()
        .expect("a cached session")["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string()
}

/// No secret in `texts` nor in any file of the project folder (every run through the context is scanned
/// already; this is for texts a test got another way).
pub fn assert_no_secrets(ctx: &TestContext, texts: &[&str]) {
    amplify_test_support::secrets::assert_none_in(
        &ctx.secrets(&[MFA_CODE.to_string()]),
        texts,
        &ctx.project_dir(),
    );
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
    accept_the_defaults_before_auth(pty);
    pty.expect("Select the authentication method you want to use:");
}

/// Interactive init with the default name and the defaults accepted, up to what follows.
pub fn accept_the_defaults_before_auth(pty: &mut amplify_test_support::Pty) {
    pty.expect("Enter a name for the project");
    pty.enter();
    pty.expect("Initialize the project with the above configuration?");
    pty.enter();
}
