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
