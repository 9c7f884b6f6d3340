//! `amplify-rs init` inside a project adds an environment with the project's cached credentials.

use crate::common::*;

#[test]
fn a_second_environment_reuses_the_cached_credentials() {
    let ctx = seeded();
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let assumed_key = cached_entries(&ctx, &ctx.project_dir())
        .values()
        .next()
        .unwrap()["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string();

    ctx.moto().start_recording();
    // No MFA code anywhere and no terminal: it can only succeed from the cache.
    let out = ctx.run(&["init", "--yes", "--amplify", r#"{"envName":"prod"}"#]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let recording = ctx.moto().recording();
    assert!(calls(&recording, "AssumeRole").is_empty(), "{recording:#?}");
    let create = calls(&recording, "CreateStack");
    assert_eq!(create.len(), 1);
    assert_eq!(create[0].access_key, assumed_key);
    assert_eq!(
        create[0].params["StackName"].split('-').nth(2),
        Some("prod")
    );

    let tpi = ctx.project_json("amplify/team-provider-info.json");
    let envs: Vec<&str> = tpi
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(envs, ["dev", "prod"]);
    assert_ne!(
        tpi["dev"]["awscloudformation"]["StackName"],
        tpi["prod"]["awscloudformation"]["StackName"]
    );
    assert_eq!(
        ctx.project_json("amplify/.config/local-env-info.json")["envName"],
        "prod"
    );
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["prod"]["profileName"],
        "bizcorprole"
    );
    let meta = ctx.project_json("amplify/backend/amplify-meta.json");
    assert_eq!(
        meta["providers"]["awscloudformation"]["StackName"],
        tpi["prod"]["awscloudformation"]["StackName"]
    );
}

#[test]
fn yes_without_an_environment_name_is_refused() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let out = ctx.run(&["init", "--yes"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("Amplify project myapp is already initialized for environment dev"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_nested_project_is_refused() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    fs_err::create_dir_all(ctx.project_dir().join("src/sub")).unwrap();
    let mut command = ctx.command(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    command.current_dir(ctx.project_dir().join("src/sub"));
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Creating a nested amplify project is not supported")
    );
}
