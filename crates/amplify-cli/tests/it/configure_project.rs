//! `amplify-rs configure project`, typed by a person.

use crate::common::*;

/// `configure project` in a terminal, up to "Do you want to update or remove the project level AWS profile?".
fn to_the_profile_question(ctx: &amplify_test_support::TestContext) -> amplify_test_support::Pty {
    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    pty.down();
    pty.enter();
    pty.expect("Do you want to update or remove the project level AWS profile?");
    pty
}

#[test]
fn update_the_profile_then_remove_it() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));

    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    let screen = pty.screen();
    for line in [
        "Project information",
        "| Name: myapp",
        "| Environment: dev",
        "AWS Profile setting",
        "| Selected profile: bizcorprole",
    ] {
        assert!(screen.contains(line), "missing {line:?}:\n{screen}");
    }
    pty.down();
    pty.enter();
    pty.expect("Do you want to update or remove the project level AWS profile?");
    pty.down();
    pty.enter();
    pty.expect("Select the authentication method you want to use:");
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    pty.send("devcorp");
    pty.enter();
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "devcorpuser"
    );

    // Remove asks first, as the original does, and No keeps the setting.
    for (answer, expected) in [
        (
            "n",
            serde_json::json!({"dev": {"configLevel": "project", "useProfile": true, "profileName": "devcorpuser"}}),
        ),
        ("y", serde_json::json!({"dev": {"configLevel": "general"}})),
    ] {
        let mut pty = to_the_profile_question(&ctx);
        let screen = pty.screen();
        for line in [
            "For more information on AWS Profiles, see:",
            "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-profiles.html",
            "For the awscloudformation provider.",
        ] {
            assert!(screen.contains(line), "missing {line:?}:\n{screen}");
        }
        pty.down();
        pty.down();
        pty.enter();
        pty.expect("Remove project level configuration");
        pty.send(answer);
        pty.expect("Successfully made configuration changes to your project.");
        assert_eq!(pty.wait(), 0);
        assert_eq!(
            ctx.project_json("amplify/.config/local-aws-info.json"),
            expected,
            "answered {answer}"
        );
    }
}

const KEYS_PROVIDERS: &str = r#"{"awscloudformation":{"configLevel":"project","useProfile":false,"accessKeyId":"AKIAFIRSTKEYS0000001","secretAccessKey":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2Fy","region":"us-east-1"}}"#;

/// The keys file the environment's AWS setting names.
fn keys_file(ctx: &amplify_test_support::TestContext) -> std::path::PathBuf {
    let auth = ctx.project_json("amplify/.config/local-aws-info.json");
    auth["dev"]["awscloudformation"]
        .as_str()
        .or(auth["dev"]["awsConfigFilePath"].as_str())
        .map(std::path::PathBuf::from)
        .expect("a keys file")
}

#[test]
fn update_replaces_the_keys_file_and_remove_deletes_it() {
    let ctx = seeded();
    let out = headless_init_with(&ctx, &["--providers", KEYS_PROVIDERS]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let first = keys_file(&ctx);
    assert!(first.exists());

    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    assert!(
        !pty.screen().contains("Selected profile"),
        "{}",
        pty.screen()
    );
    pty.down();
    pty.enter();
    pty.expect("Do you want to update or remove the project level AWS profile?");
    pty.down();
    pty.enter();
    pty.expect("Select the authentication method you want to use:");
    pty.down();
    pty.enter();
    pty.expect("accessKeyId:");
    pty.send_line("AKIASECONDKEYS000001");
    pty.expect("secretAccessKey:");
    pty.send_line("Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2Fy");
    pty.expect("region:");
    pty.enter();
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    let second = keys_file(&ctx);
    assert_ne!(second, first);
    assert!(
        !first.exists(),
        "the old keys file is deleted, as the original deletes it"
    );
    assert!(
        fs_err::read_to_string(&second)
            .unwrap()
            .contains("AKIASECONDKEYS000001")
    );

    let mut pty = to_the_profile_question(&ctx);
    pty.down();
    pty.down();
    pty.enter();
    pty.expect("Remove project level configuration");
    pty.send("y");
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0);
    assert!(!second.exists(), "Remove deletes the keys file");
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json"),
        serde_json::json!({"dev": {"configLevel": "general"}})
    );
}

#[test]
fn container_based_deployments_are_shown_and_chosen() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    let screen = pty.screen();
    assert!(
        screen.contains("Advanced: Container-based deployments")
            && screen.contains("| Leverage container-based deployments: No"),
        "{screen}"
    );
    pty.down();
    pty.down();
    pty.enter();
    pty.expect("Do you want to enable container-based deployments?");
    pty.send("y");
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0);
    let config = ctx.project_json("amplify/.config/project-config.json");
    assert_eq!(config["javascript"]["config"]["ServerlessContainers"], true);
    assert_eq!(
        config["javascript"]["config"]["SourceDir"], "src",
        "the rest is kept"
    );

    // Shown as Yes next time, and kept when the frontend changes (headless).
    let out = ctx.run(&[
        "configure",
        "project",
        "--yes",
        "--frontend",
        r#"{"frontend":"javascript","framework":"vue","config":{"SourceDir":"app","DistributionDir":"dist","BuildCommand":"npm run build","StartCommand":"npm run serve"}}"#,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr
            .contains("| Leverage container-based deployments: Yes"),
        "{}",
        out.stderr
    );
    let config = ctx.project_json("amplify/.config/project-config.json");
    assert_eq!(config["javascript"]["framework"], "vue");
    assert_eq!(config["javascript"]["config"]["ServerlessContainers"], true);
}

#[test]
fn headless_configure_changes_what_the_flags_give() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let frontend_before =
        ctx.project_json("amplify/.config/project-config.json")["javascript"].clone();
    let out = ctx.run(&[
        "configure",
        "project",
        "--amplifyConfig",
        r#"{"projectName":"my-app","defaultEditor":"vim"}"#,
        "--providers",
        KEYS_PROVIDERS,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr
            .contains("Successfully made configuration changes to your project.")
    );
    let config = ctx.project_json("amplify/.config/project-config.json");
    assert_eq!(
        config["projectName"], "myapp",
        "normalised as the original normalises it"
    );
    assert_eq!(config["javascript"], frontend_before, "not given, kept");
    let env_info = ctx.project_json("amplify/.config/local-env-info.json");
    assert_eq!(env_info["defaultEditor"], "vim");
    assert_eq!(env_info["envName"], "dev");
    let keys = keys_file(&ctx);
    assert!(
        fs_err::read_to_string(&keys)
            .unwrap()
            .contains("AKIAFIRSTKEYS0000001")
    );

    // Back to the profile: the keys file goes.
    let out = ctx.run(&[
        "configure",
        "project",
        "-y",
        "--provider",
        PROFILE_PROVIDERS,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(!keys.exists());
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "bizcorprole"
    );

    // A mistake in a flag changes nothing.
    let before = ctx.project_json("amplify/.config/project-config.json");
    let out = ctx.run(&[
        "configure",
        "project",
        "--frontend",
        r#"{"frontend":"cobol"}"#,
    ]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr.contains("unknown frontend \"cobol\""),
        "{}",
        out.stderr
    );
    assert_eq!(
        ctx.project_json("amplify/.config/project-config.json"),
        before
    );

    // Without flags and without a terminal, it says what to do.
    let out = ctx.run(&["configure", "project"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr.contains("--amplify, --frontend and --providers"),
        "{}",
        out.stderr
    );
}

#[test]
fn change_the_project_information() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    pty.enter();
    pty.expect("Enter a name for the project");
    pty.send_line("renamed");
    pty.expect("Choose your default editor:");
    pty.down();
    pty.enter();
    pty.expect("Choose the type of app that you're building");
    pty.enter();
    pty.expect("What javascript framework are you using");
    pty.enter();
    pty.expect("Source Directory Path:");
    pty.send_line("web");
    pty.expect("Distribution Directory Path:");
    pty.enter();
    pty.expect("Build Command:");
    pty.enter();
    pty.expect("Start Command:");
    pty.enter();
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0);
    let config = ctx.project_json("amplify/.config/project-config.json");
    assert_eq!(config["projectName"], "renamed");
    assert_eq!(config["javascript"]["config"]["SourceDir"], "web");
    assert_eq!(
        ctx.project_json("amplify/.config/local-env-info.json")["defaultEditor"],
        "android-studio"
    );
    assert!(
        ctx.project_dir().join("web/aws-exports.js").exists(),
        "the frontend files follow the source folder"
    );
}

#[test]
fn outside_a_project_it_says_so() {
    let ctx = seeded();
    let out = ctx.run(&["configure", "project"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("No Amplify backend project files detected within this folder."),
        "{}",
        out.stderr
    );
}

/// `amplify-rs configure`: a new IAM user's keys into a profile, every other byte of the files untouched.
#[test]
fn configure_writes_a_new_user_and_changes_nothing_else() {
    let ctx = seeded_without_moto();
    let config = "# Dev Corp's AWS config\n[profile bizcorprole]\nrole_arn = arn:aws:iam::111122223333:role/BizCorpAmplifyRole\nsource_profile = devcorpuser\n\n[profile devcorpuser]\nregion = us-east-1\n";
    let credentials = "; keys rotate every 90 days\n[devcorpuser]\naws_access_key_id = AKIADEVCORPUSER00001\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEVCORPKEY\n";
    ctx.write_aws_files(config, credentials);
    let secret = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2Fy";

    let mut pty = ctx.pty(&["configure"]);
    pty.expect("Specify the AWS Region");
    pty.down();
    pty.down();
    pty.enter(); // us-west-1
    pty.expect("accessKeyId:");
    pty.send_line("akia-lowercase");
    pty.expect("Access Key ID must be 20 characters, and uppercase alphanumeric only.");
    pty.send_line("AKIANEWUSER000000001");
    pty.expect("secretAccessKey:");
    pty.send_line(secret);
    pty.expect("Profile Name:");
    pty.send_line("newuser");
    pty.expect("Successfully set up the new user.");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    assert!(
        !pty.transcript().contains(secret),
        "the secret key is never echoed"
    );

    let read = |name: &str| fs_err::read_to_string(ctx.home().join(".aws").join(name)).unwrap();
    assert_eq!(
        read("config"),
        format!("{config}\n[profile newuser]\nregion = us-west-1\n")
    );
    assert_eq!(
        read("credentials"),
        format!(
            "{credentials}\n[newuser]\naws_access_key_id = AKIANEWUSER000000001\naws_secret_access_key = {secret}\n"
        )
    );
    for name in ["config", "credentials"] {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &fs_err::metadata(ctx.home().join(".aws").join(name))
                .unwrap()
                .permissions(),
        );
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }

    // The AWS CLI reads the new profile as written.
    let aws = amplify_test_support::repo_root().join(".venv/bin/aws");
    let get = |key: &str| {
        let out = std::process::Command::new(&aws)
            .args(["configure", "get", key, "--profile", "newuser"])
            .env_clear()
            .env("HOME", ctx.home())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(get("region"), "us-west-1");
    assert_eq!(get("aws_access_key_id"), "AKIANEWUSER000000001");

    // An existing profile is replaced only when the user says so.
    let mut pty = ctx.pty(&["configure"]);
    pty.expect("Specify the AWS Region");
    pty.enter();
    pty.expect("accessKeyId:");
    pty.send_line("AKIAOTHERUSER0000001");
    pty.expect("secretAccessKey:");
    pty.send_line(secret);
    pty.expect("Profile Name:");
    pty.send_line("devcorpuser");
    pty.expect("already exists");
    pty.send("n");
    assert_eq!(pty.wait(), 1, "{}", pty.screen());
    assert!(
        read("credentials").contains("AKIADEVCORPUSER00001")
            && !read("credentials").contains("AKIAOTHERUSER0000001")
    );
}

#[test]
fn choosing_visual_studio_code_hides_the_generated_files_from_it() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    assert!(
        !ctx.project_dir().join(".vscode").exists(),
        "no editor question, no settings (as the original)"
    );
    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    pty.enter();
    for question in [
        "Enter a name for the project",
        "Choose your default editor:",
        "Choose the type of app that you're building",
        "What javascript framework are you using",
        "Source Directory Path:",
        "Distribution Directory Path:",
        "Build Command:",
        "Start Command:",
    ] {
        pty.expect(question);
        pty.enter();
    }
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0);
    let settings = ctx.project_json(".vscode/settings.json");
    for pattern in amplify_project::vscode::HIDDEN {
        assert_eq!(settings["files.exclude"][pattern], true, "{pattern}");
    }
}
