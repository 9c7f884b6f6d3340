//! The seed's scenario, typed by a person: `amplify-rs init`, the profile picker, the MFA prompt.

use std::os::unix::fs::PermissionsExt;

use amplify_test_support::{SEED_MFA_SERIAL, SEED_ROLE_ARN};

use crate::common::*;

#[test]
fn interactive_init_with_the_role_profile_and_mfa() {
    let ctx = seeded();
    ctx.moto().start_recording();
    let mut pty = ctx.pty(&["init"]);

    pty.expect("Enter a name for the project");
    pty.enter();
    pty.expect("Initialize the project with the above configuration?");
    let summary = pty.screen();
    for line in [
        "The following configuration will be applied:",
        "| Name: myapp",
        "| Environment: dev",
        "| Default editor: Visual Studio Code",
        "| App type: javascript",
    ] {
        assert!(summary.contains(line), "missing {line:?} in\n{summary}");
    }
    pty.enter();
    pty.expect("Select the authentication method you want to use:");
    assert!(
        pty.screen()
            .contains("Using default provider  awscloudformation")
    );
    pty.enter();

    pty.expect("Please choose the profile you want to use");
    let picker = pty.screen();
    assert!(
        picker.contains("bizcorprole")
            && picker.contains("role BizCorpAmplifyRole via devcorpuser, MFA"),
        "{picker}"
    );
    assert!(
        picker.contains("devcorpuser") && picker.contains("static keys"),
        "{picker}"
    );
    pty.send("bizcorp");
    pty.enter();

    pty.expect("Enter the MFA token code:");
    let prompt = pty.screen();
    assert!(
        prompt.contains("Profile bizcorprole is configured to assume role"),
        "{prompt}"
    );
    assert!(prompt.contains(&format!("  {SEED_ROLE_ARN}")), "{prompt}");
    assert!(
        prompt.contains("It requires MFA authentication. The MFA device is"),
        "{prompt}"
    );
    assert!(prompt.contains(&format!("  {SEED_MFA_SERIAL}")), "{prompt}");
    // A typo is reported and asked again, not fatal.
    pty.send_line("31415");
    pty.expect("Must have length equal to 6");
    pty.send_line(MFA_CODE);

    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    let screen = pty.screen();
    assert!(
        screen.contains("Deployed root stack amplify-myapp-dev-"),
        "{screen}"
    );

    // What Biz Corp's STS and CloudFormation received.
    let recording = ctx.moto().recording();
    let assume = calls(&recording, "AssumeRole");
    assert_eq!(assume.len(), 1, "{recording:#?}");
    let p = &assume[0].params;
    assert_eq!(p["RoleArn"], SEED_ROLE_ARN);
    assert_eq!(p["ExternalId"], "bizcorp-7f3a9c");
    assert_eq!(p["SerialNumber"], SEED_MFA_SERIAL);
    assert_eq!(p["TokenCode"], MFA_CODE);
    assert_eq!(p["RoleSessionName"], "amplify");
    assert!(
        !p.contains_key("DurationSeconds"),
        "not configured, so STS's default applies"
    );
    assert_eq!(
        assume[0].access_key, DEV_KEY,
        "AssumeRole is signed with devcorpuser's keys"
    );
    let create = calls(&recording, "CreateStack");
    assert_eq!(create.len(), 1);
    let entries = cached_entries(&ctx, &ctx.project_dir());
    let assumed_key = entries.values().next().unwrap()["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        create[0].access_key, assumed_key,
        "CreateStack is signed with the assumed role's credentials"
    );
    assert!(create[0].has_session_token);
    assert_eq!(create[0].region, "us-east-1");

    // The project files.
    let tpi = ctx.project_json("amplify/team-provider-info.json");
    let stack_id = tpi["dev"]["awscloudformation"]["StackId"].as_str().unwrap();
    assert!(
        stack_id
            .starts_with("arn:aws:cloudformation:us-east-1:111122223333:stack/amplify-myapp-dev-"),
        "in Biz Corp's account: {stack_id}"
    );
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json"),
        serde_json::json!({"dev": {"configLevel": "project", "useProfile": true, "profileName": "bizcorprole"}})
    );
    assert_eq!(
        ctx.project_json("amplify/.config/project-config.json")["javascript"]["framework"],
        "none"
    );
    let gitignore = fs_err::read_to_string(ctx.project_dir().join(".gitignore")).unwrap();
    assert!(
        gitignore.starts_with("#amplify-do-not-edit-begin\namplify/\\#current-cloud-backend\n"),
        "{gitignore}"
    );

    // The cache: private, in a private folder.
    let mode = |p: &std::path::Path| fs_err::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&ctx.cache_path()), 0o600);
    assert_eq!(mode(ctx.cache_path().parent().unwrap()), 0o700);

    assert_no_secrets(&ctx, &[&pty.transcript()]);
}

#[test]
fn the_no_branch_asks_every_question() {
    let ctx = seeded();
    fs_err::write(
        ctx.project_dir().join("package.json"),
        r#"{"dependencies":{"react":"18.2.0"}}"#,
    )
    .unwrap();
    let mut pty = ctx.pty(&["init"]);
    pty.expect("Enter a name for the project");
    pty.send_line("x");
    pty.expect("Project name should be between 3 and 20 characters and alphanumeric");
    pty.send("\x15"); // Ctrl-U clears the line
    for _ in 0..5 {
        pty.send("\x7f");
    }
    pty.send_line("inventory");
    pty.expect("Initialize the project with the above configuration?");
    assert!(
        pty.screen().contains("| Javascript framework: react"),
        "guessed from package.json:\n{}",
        pty.screen()
    );
    pty.send("n"); // a confirmation takes y or n without Enter
    pty.expect("Enter a name for the environment");
    pty.send_line("Prod");
    pty.expect("Environment name must be between 2 and 10 characters, and lowercase only.");
    for _ in 0..4 {
        pty.send("\x7f");
    }
    pty.send_line("prod");
    pty.expect("Choose your default editor:");
    pty.down();
    pty.down();
    pty.down();
    pty.down();
    pty.down();
    pty.enter(); // IntelliJ IDEA
    pty.expect("Choose the type of app that you're building");
    pty.enter(); // javascript is preselected
    pty.expect("What javascript framework are you using");
    pty.enter(); // react, the guess
    pty.expect("Source Directory Path:");
    pty.enter();
    pty.expect("Distribution Directory Path:");
    pty.enter();
    pty.expect("Build Command:");
    pty.enter();
    pty.expect("Start Command:");
    pty.enter();
    pty.expect("Select the authentication method you want to use:");
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    pty.send("devcorp");
    pty.enter();
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0);

    let config = ctx.project_json("amplify/.config/project-config.json");
    assert_eq!(config["projectName"], "inventory");
    assert_eq!(config["javascript"]["framework"], "react");
    assert_eq!(config["javascript"]["config"]["DistributionDir"], "build");
    let env_info = ctx.project_json("amplify/.config/local-env-info.json");
    assert_eq!(env_info["envName"], "prod");
    assert_eq!(env_info["defaultEditor"], "intellij");
    assert!(ctx.project_json("amplify/team-provider-info.json")["prod"]["awscloudformation"]["StackName"]
        .as_str()
        .unwrap()
        .starts_with("amplify-inventory-prod-"));
}

#[test]
fn ctrl_c_at_a_prompt_writes_nothing() {
    let ctx = seeded();
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults(&mut pty);
    pty.ctrl_c();
    assert_eq!(pty.wait(), 130, "{}", pty.screen());
    assert!(
        pty.screen().contains("Interrupted: nothing was written."),
        "{}",
        pty.screen()
    );
    assert!(project_files(&ctx).is_empty(), "{:?}", project_files(&ctx));
}

#[test]
fn access_keys_typed_at_the_prompt_are_checked_and_stored_privately() {
    let ctx = seeded();
    ctx.moto().start_recording();
    let secret = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2Fy";
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults(&mut pty);
    pty.down();
    pty.enter();
    pty.expect("accessKeyId:");
    pty.send_line("AKIA-TOO-SHORT");
    pty.expect("Access Key ID must be 20 characters, and uppercase alphanumeric only.");
    pty.send_line("AKIATYPEDATPROMPT001");
    pty.expect("secretAccessKey:");
    pty.send_line("short");
    pty.expect("Secret Access Key must be 40 characters, and base-64 string only.");
    pty.send_line(secret);
    pty.expect("region:");
    pty.enter();
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    assert!(
        pty.screen().contains("These keys belong to arn:aws:"),
        "checked with GetCallerIdentity:\n{}",
        pty.screen()
    );

    let recording = ctx.moto().recording();
    assert_eq!(
        calls(&recording, "GetCallerIdentity")[0].access_key,
        "AKIATYPEDATPROMPT001"
    );
    assert_eq!(
        calls(&recording, "CreateStack")[0].access_key,
        "AKIATYPEDATPROMPT001"
    );
    let auth = &ctx.project_json("amplify/.config/local-aws-info.json")["dev"];
    assert_eq!(auth["useProfile"], false);
    let keys = std::path::PathBuf::from(auth["awsConfigFilePath"].as_str().unwrap());
    assert!(
        keys.starts_with(ctx.home().join(".amplify/awscloudformation")),
        "{}",
        keys.display()
    );
    let mode = |p: &std::path::Path| fs_err::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&keys),
        0o600,
        "the original left this file world-readable"
    );
    assert!(
        !pty.transcript().contains(secret) && !pty.transcript().contains("AKIATYPEDATPROMPT001"),
        "typed keys are hidden"
    );
    assert_no_secrets(&ctx, &[&pty.transcript()]);
}

#[test]
fn aws_profile_is_preselected_in_the_picker() {
    let ctx = seeded().env("AWS_PROFILE", "devcorpuser");
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults(&mut pty);
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    assert!(pty.screen().contains("❯ devcorpuser"), "{}", pty.screen());
    pty.enter();
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "devcorpuser"
    );
}

#[test]
fn no_color_and_quiet() {
    let ctx = seeded().env("NO_COLOR", "1");
    let mut pty = ctx.pty(&["init"]);
    pty.expect("Enter a name for the project");
    pty.enter();
    pty.expect("Initialize the project with the above configuration?");
    pty.ctrl_c();
    pty.wait();
    let transcript = pty.transcript();
    for sgr in ["\x1b[32m", "\x1b[33m", "\x1b[36m", "\x1b[1m", "\x1b[38;5;"] {
        assert!(
            !transcript.contains(sgr),
            "NO_COLOR, yet {sgr:?} in {transcript:?}"
        );
    }

    let ctx = seeded();
    let out = headless_init(&ctx, &["--quiet"]);
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stderr, "", "--quiet prints nothing on success");
}

/// Ctrl-C at every kind of prompt (a list, a text, the hidden MFA code) leaves the terminal as it was:
/// echo on, the cursor shown.
#[test]
fn the_terminal_is_restored_after_ctrl_c_at_each_prompt() {
    let ctx = seeded();
    let steps: [(&str, &[&str]); 3] = [
        ("Enter a name for the project", &[]),
        (
            "Select the authentication method you want to use:",
            &["accept"],
        ),
        ("Enter the MFA token code:", &["accept", "profile"]),
    ];
    for (prompt, before) in steps {
        let mut pty = ctx.pty_with_echo(&["init"]);
        if before.contains(&"accept") {
            accept_the_defaults(&mut pty);
        }
        if before.contains(&"profile") {
            pty.enter();
            pty.expect("Please choose the profile you want to use");
            pty.send("bizcorp");
            pty.enter();
        }
        pty.expect(prompt);
        pty.ctrl_c();
        assert_eq!(pty.wait(), 130, "{prompt}: {}", pty.screen());
        assert!(
            pty.echo_is_on(),
            "echo is back on after Ctrl-C at {prompt:?}"
        );
    }
    assert!(project_files(&ctx).is_empty());
}

#[test]
fn without_any_profile_init_offers_to_set_up_a_new_user_as_the_original() {
    let ctx = amplify_test_support::TestContext::new(env!("CARGO_BIN_EXE_amplify-rs")).with_moto();
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults_before_auth(&mut pty);
    pty.expect("Setup new user");
    assert!(
        pty.screen()
            .contains("AWS access credentials can not be found."),
        "{}",
        pty.screen()
    );
    pty.send("y");
    pty.expect("Specify the AWS Region");
    pty.enter();
    pty.expect("accessKeyId:");
    pty.send_line("AKIANEWUSERATINIT001");
    pty.expect("secretAccessKey:");
    pty.send_line("Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2Fy");
    pty.expect("Profile Name:");
    pty.send_line("newuser");
    pty.expect("Successfully set up the new user.");
    pty.expect("Select the authentication method you want to use:");
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    pty.enter();
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "newuser"
    );
}
