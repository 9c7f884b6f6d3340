//! Working with the original Amplify CLI 14.2.2 (installed from npm by `cargo xtask setup`), against moto:
//! what `amplify-rs init` creates is pushed by the original; what the original creates gets environments from
//! amplify-rs that the original checks out and pushes; a teammate's clone is initialised by amplify-rs and
//! used by the original; and the original runs on amplify-rs's role + MFA session through `exec`.

use std::path::Path;
use std::process::Stdio;

use amplify_test_support::{CommandOutput, ORIGINAL_ENV, SEED_ROLE_ARN, TestContext, original_cli};

use crate::common::*;

fn run(command: &mut std::process::Command) -> CommandOutput {
    CommandOutput::run(command.stdin(Stdio::null()))
}

/// The role's account, from the seed's role ARN.
const ROLE_ACCOUNT: &str = "111122223333";

/// The seed's interactive init: the role profile picked, the MFA code typed once.
fn interactive_init_with_the_role(ctx: &TestContext) {
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults(&mut pty);
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    pty.send("bizcorp");
    pty.enter();
    pty.expect("Enter the MFA token code:");
    pty.send_line(MFA_CODE);
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
}

#[test]
fn the_original_pushes_what_amplify_rs_created_with_the_role_and_mfa_session() {
    let ctx = seeded();
    interactive_init_with_the_role(&ctx);

    ctx.moto().start_recording();
    let out = run(&mut ctx.exec_original(&["push", "--yes"]));
    assert_eq!(out.code, Some(0), "{}", out.all());
    let text = out.all();
    assert!(
        text.contains("Successfully pulled backend environment dev from the cloud."),
        "{text}"
    );
    assert!(text.contains("No changes detected"), "{text}");
    assert!(
        !text.contains("MFA"),
        "the original asks for no MFA code: {text}"
    );

    let recording = ctx.moto().recording();
    assert!(
        calls(&recording, "AssumeRole").is_empty(),
        "the session from init's AssumeRole is reused: {recording:#?}"
    );
    assert!(
        calls(&recording, "GetObject").len() >= 2,
        "the original read the environment's state: {recording:#?}"
    );
    let session_keys = cached_entries(&ctx, &ctx.project_dir());
    let session_key = session_keys
        .values()
        .next()
        .and_then(|e| e["accessKeyId"].as_str())
        .expect("init cached the session")
        .to_string();
    for call in &recording {
        assert_eq!(
            call.access_key, session_key,
            "every call of the original is signed with the project's session: {call:?}"
        );
        assert!(call.access_key.starts_with("ASIA") && call.has_session_token);
    }
    assert_no_private_files_left(&ctx);
    assert_no_secrets(&ctx, &[&out.stdout, &out.stderr]);
}

/// A static profile for the original (it cannot use the role with MFA), next to the seed's.
fn with_static_profile(ctx: &TestContext) {
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    let credentials = fs_err::read_to_string(ctx.home().join(".aws/credentials")).unwrap();
    ctx.write_aws_files(
        &format!("{config}\n[profile builder]\nregion=us-east-1\n"),
        &format!("{credentials}\n[builder]\naws_access_key_id={DEV_KEY}\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYBUILDERKEY\n"),
    );
}

const BUILDER_PROVIDERS: &str =
    r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"builder"}}"#;
const FRONTEND: &str = r#"{"frontend":"javascript","framework":"react","config":{"SourceDir":"src","DistributionDir":"build","BuildCommand":"npm run-script build","StartCommand":"npm run-script start"}}"#;

#[test]
fn amplify_rs_adds_an_environment_the_original_checks_out_and_pushes() {
    let ctx = seeded();
    with_static_profile(&ctx);
    let out = ctx.run_original(&[
        "init",
        "--amplify",
        r#"{"projectName":"myapp","envName":"dev","defaultEditor":"code"}"#,
        "--frontend",
        FRONTEND,
        "--providers",
        BUILDER_PROVIDERS,
        "--yes",
    ]);
    assert_eq!(out.code, Some(0), "the original's init: {}", out.all());

    let providers = BUILDER_PROVIDERS;
    let out = ctx.run(&[
        "init",
        "--yes",
        "--amplify",
        r#"{"envName":"prod"}"#,
        "--providers",
        providers,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());

    let out = ctx.run_original(&["env", "checkout", "prod"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let out = ctx.run_original(&["push", "--yes"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.all().contains("No changes detected"), "{}", out.all());
    let out = ctx.run_original(&["env", "checkout", "dev"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
}

/// A teammate's clone: only what git keeps (the project's .gitignore honoured), another HOME with the same
/// profiles.
fn teammate_clone(ctx: &TestContext) -> TestContext {
    let git = |args: &[&str], dir: &Path| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "dev")
            .env("GIT_AUTHOR_EMAIL", "dev@devcorp.example")
            .env("GIT_COMMITTER_NAME", "dev")
            .env("GIT_COMMITTER_EMAIL", "dev@devcorp.example")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"], &ctx.project_dir());
    git(&["add", "-A"], &ctx.project_dir());
    git(&["commit", "-qm", "project"], &ctx.project_dir());
    let mate = TestContext::new(env!("CARGO_BIN_EXE_amplify-rs"))
        .with_seed_profiles()
        .sharing_moto_of(ctx);
    fs_err::remove_dir(mate.project_dir()).unwrap();
    let source = ctx.project_dir().display().to_string();
    let target = mate.project_dir().display().to_string();
    git(&["clone", "-q", &source, &target], mate.home());
    mate
}

#[test]
fn a_teammate_initialises_a_clone_and_the_original_works_there() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let mate = teammate_clone(&ctx);
    assert!(
        !mate
            .project_dir()
            .join("amplify/#current-cloud-backend")
            .exists()
    );
    assert!(
        !mate
            .project_dir()
            .join("amplify/.config/local-aws-info.json")
            .exists()
    );

    let out = headless_init(&mate, &["--amplify", r#"{"envName":"dev"}"#]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let current = mate.project_dir().join("amplify/#current-cloud-backend");
    for file in [
        "amplify-meta.json",
        "tags.json",
        "awscloudformation/build/root-cloudformation-stack.json",
    ] {
        assert_eq!(
            fs_err::read(current.join(file)).unwrap(),
            fs_err::read(
                ctx.project_dir()
                    .join("amplify/#current-cloud-backend")
                    .join(file)
            )
            .unwrap(),
            "{file} restored from the bucket"
        );
    }

    let out = run(&mut mate.exec_original(&["status"]));
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.all().contains("Current Environment: dev"),
        "{}",
        out.all()
    );
    let out = run(&mut mate.exec_original(&["push", "--yes"]));
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.all().contains("No changes detected"), "{}", out.all());
}

#[test]
fn a_teammate_chooses_the_environment_interactively() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let mate = teammate_clone(&ctx);
    let mut pty = mate.pty(&["init"]);
    pty.expect("Do you want to use an existing environment?");
    pty.enter();
    pty.expect("Choose the environment you would like to use:");
    pty.enter();
    // A clone has no editor of its own: asked, as the original asks it.
    pty.expect("Choose your default editor:");
    pty.down();
    pty.enter();
    pty.expect("Select the authentication method you want to use:");
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    pty.send("bizcorp");
    pty.enter();
    pty.expect("Enter the MFA token code:");
    pty.send_line(MFA_CODE);
    pty.expect("Successfully pulled backend environment dev from the cloud.");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    assert_eq!(
        mate.project_json("amplify/.config/local-env-info.json")["defaultEditor"],
        "android-studio"
    );
    assert!(
        mate.project_dir()
            .join("amplify/#current-cloud-backend/amplify-meta.json")
            .is_file()
    );
    let out = run(&mut mate.exec_original(&["push", "--yes"]));
    assert_eq!(out.code, Some(0), "{}", out.all());
}

/// Nothing exec gave a program stays on disk after it: no private copy of the AWS files.
fn assert_no_private_files_left(ctx: &TestContext) {
    let leftovers: Vec<String> = fs_err::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("amplify-rs-exec-"))
        .filter(|n| {
            // Only this test's: the folder names the process that made it, which has ended.
            let pid = n
                .trim_start_matches("amplify-rs-exec-")
                .split('-')
                .next()
                .unwrap_or("");
            !Path::new(&format!("/proc/{pid}")).exists()
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "{leftovers:?} in {}",
        ctx.home().display()
    );
}

#[test]
fn exec_runs_programs_with_the_session_and_passes_their_status() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let aws = amplify_test_support::repo_root().join(".venv/bin/aws");
    let out = ctx.run(&[
        "exec",
        "--",
        aws.to_str().unwrap(),
        "sts",
        "get-caller-identity",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stdout.contains(&format!(
            "arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/BizCorpAmplifyRole/amplify"
        )),
        "{}",
        out.all()
    );
    // The profile the project names is the session for programs that read it (through amplify-rs).
    let out = ctx.run(&[
        "exec",
        "--",
        aws.to_str().unwrap(),
        "--profile",
        "bizcorprole",
        "sts",
        "get-caller-identity",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stdout.contains("assumed-role/BizCorpAmplifyRole"),
        "{}",
        out.all()
    );

    let out = ctx.run(&["exec", "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.code, Some(7));
    let out = ctx.run(&["exec", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(
        out.code,
        Some(128 + 15),
        "a signal's status as a shell reports it"
    );
    let out = ctx.run(&["exec", "--", "no-such-program-anywhere"]);
    assert_eq!(out.code, Some(127), "{}", out.all());

    // What the program was given is gone once it ends.
    let out = ctx.run(&[
        "exec",
        "--",
        "sh",
        "-c",
        "cat \"$AWS_CONFIG_FILE\" >/dev/null && echo \"$AWS_CONFIG_FILE\"",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let given = out.stdout.trim();
    assert!(given.contains("amplify-rs-exec-"), "{given}");
    assert!(!Path::new(given).exists(), "{given} was removed");
    assert!(!Path::new(given).parent().unwrap().exists());
    assert_no_secrets(&ctx, &[&out.stderr]);
    let _ = (SEED_ROLE_ARN, original_cli, ORIGINAL_ENV);
}

#[test]
fn a_credential_process_that_comes_back_to_the_same_session_is_a_loop_error() {
    let ctx = seeded_without_moto();
    let exe = env!("CARGO_BIN_EXE_amplify-rs");
    // The project's environment uses profile loop, whose credential_process asks amplify-rs for that
    // environment's credentials: itself.
    ctx.write_aws_files(
        &format!("[profile loop]\nregion=us-east-1\ncredential_process = {exe} aws credentials --project {}\n", ctx.project_dir().display()),
        "",
    );
    fs_err::create_dir_all(ctx.project_dir().join("amplify/.config")).unwrap();
    for (file, text) in [
        ("amplify/.config/project-config.json", r#"{"projectName":"myapp","version":"3.1","frontend":"javascript","javascript":{"framework":"none","config":{"SourceDir":"src","DistributionDir":"dist","BuildCommand":"npm run-script build","StartCommand":"npm run-script start"}},"providers":["awscloudformation"]}"#.to_string()),
        ("amplify/.config/local-env-info.json", format!(r#"{{"projectPath":"{}","defaultEditor":"vscode","envName":"dev"}}"#, ctx.project_dir().display())),
        ("amplify/.config/local-aws-info.json", r#"{"dev":{"configLevel":"project","useProfile":true,"profileName":"loop"}}"#.to_string()),
    ] {
        fs_err::write(ctx.project_dir().join(file), text).unwrap();
    }
    let started = std::time::Instant::now();
    let out = ctx.run(&["aws", "credentials"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "no hang"
    );
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stderr.contains("a loop"), "{}", out.stderr);
}

/// The deployment bucket of the project's dev environment.
fn dev_bucket(ctx: &TestContext) -> String {
    ctx.project_json("amplify/team-provider-info.json")["dev"]["awscloudformation"]["DeploymentBucketName"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A clone whose pull fails must fail cleanly: the message names the bucket and the key, the exit code is
/// the one of its cause, and the clone is left as it was (no environment chosen, nothing restored).
fn pull_fails(
    ctx: &TestContext,
    break_state: impl FnOnce(&TestContext, &str),
    expected: &str,
    code: i32,
) {
    let bucket = dev_bucket(ctx);
    let mate = teammate_clone(ctx);
    break_state(ctx, &bucket);
    let before = files_under(&mate.project_dir());
    let out = headless_init(&mate, &["--amplify", r#"{"envName":"dev"}"#]);
    assert_eq!(out.code, Some(code), "{}", out.all());
    assert!(
        out.stderr.contains(expected),
        "{expected:?} in {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&bucket),
        "the bucket is named: {}",
        out.stderr
    );
    assert_eq!(
        files_under(&mate.project_dir()),
        before,
        "nothing was written"
    );
}

#[test]
fn a_missing_state_is_an_error_that_names_the_bucket_and_key() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    pull_fails(
        &ctx,
        |ctx, bucket| ctx.moto().s3_delete(bucket, "#current-cloud-backend.zip"),
        "#current-cloud-backend.zip: NoSuchKey",
        3,
    );
}

#[test]
fn a_truncated_zip_is_refused_before_anything_is_written() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    pull_fails(
        &ctx,
        |ctx, bucket| {
            let zip = ctx
                .moto()
                .s3_object(bucket, "#current-cloud-backend.zip")
                .unwrap();
            ctx.moto()
                .s3_put(bucket, "#current-cloud-backend.zip", &zip[..zip.len() / 2]);
        },
        "#current-cloud-backend.zip cannot be used: it is not a zip file",
        1,
    );
}

#[test]
fn a_missing_bucket_says_the_environment_may_be_gone() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let bucket = dev_bucket(&ctx);
    let mate = teammate_clone(&ctx);
    // team-provider-info.json names a bucket that does not exist (deleted, or another account's).
    let tpi_path = mate.project_dir().join("amplify/team-provider-info.json");
    let tpi = fs_err::read_to_string(&tpi_path)
        .unwrap()
        .replace(&bucket, "amplify-gone-bucket");
    fs_err::write(&tpi_path, tpi).unwrap();
    let out = headless_init(&mate, &["--amplify", r#"{"envName":"dev"}"#]);
    assert_eq!(out.code, Some(3), "{}", out.all());
    assert!(
        out.stderr
            .contains("s3://amplify-gone-bucket/#current-cloud-backend.zip: NoSuchBucket"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the environment may have been deleted"),
        "{}",
        out.stderr
    );
    assert!(
        !mate
            .project_dir()
            .join("amplify/.config/local-env-info.json")
            .exists()
    );
}

#[test]
fn a_failed_upload_leaves_no_project_and_names_the_stack() {
    let ctx = seeded().env("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9");
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(3), "{}", out.all());
    assert!(
        out.stderr
            .contains("cannot reach S3 to upload s3://amplify-myapp-dev-"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the environment's state could not be stored in its deployment bucket; no project file was written"),
        "{}",
        out.stderr
    );
    assert!(project_files(&ctx).is_empty(), "{:?}", project_files(&ctx));
}
