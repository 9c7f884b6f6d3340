//! `amplify-rs init` inside a project adds an environment with the project's cached credentials.

use crate::common::*;

#[test]
fn a_second_environment_reuses_the_cached_credentials() {
    let ctx = seeded();
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let assumed_key = cached_key(&ctx, &ctx.project_dir());

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

#[test]
fn adding_an_environment_interactively() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    ctx.moto().start_recording();
    let mut pty = ctx.pty(&["init"]);
    pty.expect("Do you want to use an existing environment?");
    pty.send("n");
    pty.expect("Enter a name for the environment");
    pty.send_line("dev");
    pty.expect("The environment dev already exists: choose another name.");
    for _ in 0..3 {
        pty.send("\x7f");
    }
    pty.send_line("staging");
    pty.expect("Select the authentication method you want to use:");
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    assert!(
        pty.screen().contains("❯ bizcorprole"),
        "the environment's profile is preselected:\n{}",
        pty.screen()
    );
    pty.enter();
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    assert!(
        !pty.screen().contains("Enter the MFA token code"),
        "the cached session is reused:\n{}",
        pty.screen()
    );
    assert!(calls(&ctx.moto().recording(), "AssumeRole").is_empty());
    assert_eq!(
        ctx.project_json("amplify/.config/local-env-info.json")["envName"],
        "staging"
    );

    // Switching back to an existing environment creates nothing.
    let mut pty = ctx.pty(&["init"]);
    pty.expect("Do you want to use an existing environment?");
    pty.send("y");
    pty.expect("Choose the environment you would like to use:");
    assert!(
        pty.screen().contains("❯ staging"),
        "the current environment is preselected:\n{}",
        pty.screen()
    );
    pty.send("\x1b[A"); // up, to dev
    pty.enter();
    pty.expect("Successfully pulled backend environment dev from the cloud.");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        ctx.project_json("amplify/.config/local-env-info.json")["envName"],
        "dev"
    );
}

#[test]
fn a_new_environments_stack_carries_the_projects_custom_tags_and_the_originals_description() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    fs_err::write(
        ctx.project_dir().join("amplify/backend/tags.json"),
        r#"[{"Key":"user:Stack","Value":"{project-env}"},{"Key":"user:Application","Value":"{project-name}"},{"Key":"cost-center","Value":"biz-{project-name}-{project-env}"}]"#,
    )
    .unwrap();
    ctx.moto().start_recording();
    let out = headless_init_with(&ctx, &["--envName", "prod"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let recording = ctx.moto().recording();
    let create = &calls(&recording, "CreateStack")[0];
    assert_eq!(create.params["Tags.member.3.Key"], "cost-center");
    assert_eq!(create.params["Tags.member.3.Value"], "biz-myapp-prod");
    assert_eq!(create.params["Tags.member.1.Value"], "prod");
    let template: serde_json::Value = serde_json::from_str(&create.params["TemplateBody"]).unwrap();
    let description: serde_json::Value =
        serde_json::from_str(template["Description"].as_str().unwrap()).unwrap();
    assert_eq!(description["createdOn"], "Linux");
    assert_eq!(description["createdBy"], "Amplify");
    assert_eq!(description["stackType"], "root");
    assert_eq!(
        description["metadata"],
        serde_json::json!({"whyContinueWithGen1": ""})
    );
}
