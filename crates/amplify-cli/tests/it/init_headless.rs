//! `amplify-rs init` without a terminal: the original's flags and errors, and the MFA code from the
//! environment or a flag.

use crate::common::*;

#[test]
fn headless_init_takes_the_mfa_code_from_the_environment() {
    let ctx = seeded();
    ctx.moto().start_recording();
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr
            .contains("Your project has been successfully initialized and connected to the cloud!")
    );
    let recording = ctx.moto().recording();
    assert_eq!(
        calls(&recording, "AssumeRole")[0].params["TokenCode"],
        MFA_CODE
    );
    assert_eq!(
        ctx.project_json("amplify/.config/project-config.json")["projectName"],
        "myapp"
    );
    assert_no_secrets(&ctx, &[&out.all()]);
}

#[test]
fn headless_init_takes_the_mfa_code_from_a_flag_and_the_profiles_duration() {
    let ctx = seeded();
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace(
            "region=us-east-1\n\n",
            "region=eu-west-1\nduration_seconds=900\n\n",
        ),
    )
    .unwrap();
    ctx.moto().start_recording();
    let out = ctx.run(&[
        "init",
        "--yes",
        "--providers",
        PROFILE_PROVIDERS,
        "--mfa-code",
        MFA_CODE,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let recording = ctx.moto().recording();
    let assume = &calls(&recording, "AssumeRole")[0];
    assert_eq!(assume.params["DurationSeconds"], "900");
    let create = &calls(&recording, "CreateStack")[0];
    assert_eq!(
        create.region, "eu-west-1",
        "the stack goes to the role profile's region"
    );
    assert_eq!(
        ctx.project_json("amplify/team-provider-info.json")["dev"]["awscloudformation"]["Region"],
        "eu-west-1"
    );
    let exports = fs_err::read_to_string(ctx.project_dir().join("src/aws-exports.js")).unwrap();
    assert!(
        exports.contains("\"aws_project_region\": \"eu-west-1\""),
        "{exports}"
    );
}

#[test]
fn without_a_code_or_a_terminal_nothing_is_written() {
    let ctx = seeded();
    ctx.moto().start_recording();
    let out = ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stderr.contains("profile bizcorprole"), "{}", out.stderr);
    assert!(
        out.stderr.contains("--mfa-code") && out.stderr.contains("AMPLIFY_RS_MFA_CODE"),
        "{}",
        out.stderr
    );
    assert!(project_files(&ctx).is_empty(), "{:?}", project_files(&ctx));
    let recording = ctx.moto().recording();
    assert!(
        calls(&recording, "AssumeRole").is_empty() && calls(&recording, "CreateStack").is_empty(),
        "{recording:#?}"
    );
    assert!(!ctx.cache_path().exists());
}

#[test]
fn the_originals_headless_errors() {
    let ctx = seeded();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--providers",
                r#"{"awscloudformation":{"configLevel":"project"}}"#,
            ],
            "Error in the command line parameter for awscloudformation configuration. configLevel set to \"project\" but project level config is missing.",
        ),
        (
            &[
                "--providers",
                r#"{"awscloudformation":{"configLevel":"project","useProfile":true}}"#,
            ],
            "project level config set useProfile to true, but profile name is missing.",
        ),
        (
            &[
                "--providers",
                r#"{"awscloudformation":{"configLevel":"project","useProfile":false,"accessKeyId":"AKIAIOSFODNN7EXAMPLE"}}"#,
            ],
            "project level config set useProfile to false, but access key or region is missing.",
        ),
        (&["--providers", "{oops"], "--providers is not valid JSON"),
        (
            &[
                "--frontend",
                r#"{"frontend":"javascript","framework":"react","config":{"SourceDir":"src"}}"#,
            ],
            "The command line parameter for javascript frontend configuration is incomplete.",
        ),
        (
            &["--amplify", r#"{"envName":"Prod"}"#],
            "Invalid environment name: Prod",
        ),
        (
            &[
                "--providers",
                r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprol"}}"#,
            ],
            "The config profile (bizcorprol) could not be found",
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["init", "--yes"];
        args.extend_from_slice(flags);
        let out = ctx.run(&args);
        assert_eq!(out.code, Some(1), "{flags:?}: {}", out.all());
        assert!(
            out.stderr.contains(message),
            "{flags:?}: expected {message:?} in\n{}",
            out.stderr
        );
        assert!(out.stderr.contains("hint:"), "{flags:?}: {}", out.stderr);
        assert!(
            project_files(&ctx).is_empty(),
            "{flags:?} wrote {:?}",
            project_files(&ctx)
        );
    }
    let out = ctx.run(&["init", "--yes", "--providers", r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprol"}}"#]);
    assert!(
        out.stderr.contains("did you mean `bizcorprole`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn yes_without_providers_uses_aws_profile() {
    let ctx = seeded();
    let mut command = ctx.command(&["init", "--yes"]);
    command
        .env("AWS_PROFILE", "devcorpuser")
        .stdin(std::process::Stdio::null());
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "devcorpuser"
    );

    let bare = amplify_test_support::TestContext::new(env!("CARGO_BIN_EXE_amplify-rs"));
    let out = bare.run(&["init", "--yes"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("Failed to resolve AWS credentials with --yes flag."),
        "{}",
        out.stderr
    );
}

#[test]
fn init_without_a_terminal_and_without_yes_explains_itself() {
    let ctx = seeded();
    let out = ctx.run(&["init"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("there is no terminal") && out.stderr.contains("--yes"),
        "{}",
        out.stderr
    );
}

/// The profile files are read once per process, by one parser: the picker, the session and the region all
/// use that one reading, and the AWS SDK never parses them again. The kernel counts the opens (inotify).
#[test]
fn the_aws_files_are_opened_once_each() {
    use inotify::{Inotify, WatchMask};
    let ctx = seeded();
    let mut inotify = Inotify::init().unwrap();
    let config = ctx.home().join(".aws/config");
    let credentials = ctx.home().join(".aws/credentials");
    let config_watch = inotify.watches().add(&config, WatchMask::OPEN).unwrap();
    let credentials_watch = inotify
        .watches()
        .add(&credentials, WatchMask::OPEN)
        .unwrap();
    let out = headless_init(&ctx, &["--verbose"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let mut buffer = [0; 4096];
    let (mut config_opens, mut credentials_opens) = (0, 0);
    for event in inotify.read_events(&mut buffer).unwrap() {
        if event.wd == config_watch {
            config_opens += 1;
        } else if event.wd == credentials_watch {
            credentials_opens += 1;
        }
    }
    assert_eq!((config_opens, credentials_opens), (1, 1), "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("read the profiles of").count(),
        1,
        "{}",
        out.stderr
    );
}

/// What the original's init leaves in the deployment bucket, so its `amplify push` and a teammate's init
/// find the environment: the zip of `#current-cloud-backend` with `cli.json`, `studio-backend/`, and
/// `amplify-meta.json`, uploaded with the project's session.
#[test]
fn the_environments_state_is_in_its_deployment_bucket() {
    let ctx = seeded();
    ctx.moto().start_recording();
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let tpi = ctx.project_json("amplify/team-provider-info.json");
    let bucket = tpi["dev"]["awscloudformation"]["DeploymentBucketName"]
        .as_str()
        .unwrap();
    let moto = ctx.moto();
    assert_eq!(
        moto.s3_keys(bucket),
        [
            "#current-cloud-backend.zip",
            "amplify-meta.json",
            "studio-backend/amplify-meta.json",
            "studio-backend/cli.json"
        ]
    );
    let project_file = |relative: &str| fs_err::read(ctx.project_dir().join(relative)).unwrap();
    let meta = project_file("amplify/#current-cloud-backend/amplify-meta.json");
    assert_eq!(moto.s3_object(bucket, "amplify-meta.json").unwrap(), meta);
    assert_eq!(
        moto.s3_object(bucket, "studio-backend/amplify-meta.json")
            .unwrap(),
        meta
    );
    assert_eq!(
        moto.s3_object(bucket, "studio-backend/cli.json").unwrap(),
        project_file("amplify/cli.json")
    );

    let zip = moto
        .s3_object(bucket, "#current-cloud-backend.zip")
        .unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "cli.json",
            "amplify-meta.json",
            "awscloudformation/",
            "awscloudformation/build/",
            "awscloudformation/build/root-cloudformation-stack.json",
            "tags.json"
        ],
        "the original's layout: entries at the zip's root"
    );
    for (entry, local) in [
        ("cli.json", "amplify/cli.json"),
        (
            "amplify-meta.json",
            "amplify/#current-cloud-backend/amplify-meta.json",
        ),
        ("tags.json", "amplify/backend/tags.json"),
        (
            "awscloudformation/build/root-cloudformation-stack.json",
            "amplify/backend/awscloudformation/build/root-cloudformation-stack.json",
        ),
    ] {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_name(entry).unwrap(), &mut bytes).unwrap();
        assert_eq!(bytes, project_file(local), "{entry}");
    }

    let recording = moto.recording();
    let puts = calls(&recording, "PutObject");
    let keys: Vec<&str> = puts.iter().map(|c| c.params["Key"].as_str()).collect();
    assert_eq!(
        keys,
        [
            "#current-cloud-backend.zip",
            "studio-backend/cli.json",
            "studio-backend/amplify-meta.json",
            "amplify-meta.json"
        ],
        "the original's order"
    );
    let assume = calls(&recording, "AssumeRole");
    assert_eq!(assume.len(), 1);
    for put in &puts {
        assert!(
            put.access_key.starts_with("ASIA") && put.has_session_token && put.service == "s3",
            "uploaded with the role's session: {put:?}"
        );
    }
    assert_no_secrets(&ctx, &[&out.stdout, &out.stderr]);
}
