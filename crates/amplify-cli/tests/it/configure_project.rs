//! `amplify-rs configure project`, typed by a person.

use crate::common::*;

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

    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    pty.down();
    pty.enter();
    pty.expect("Do you want to update or remove the project level AWS profile?");
    pty.down();
    pty.down();
    pty.enter();
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json"),
        serde_json::json!({"dev": {"configLevel": "general"}})
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
