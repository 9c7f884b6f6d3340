//! Projects move freely between the original Amplify CLI and amplify-rs: a project the original wrote
//! (`fixtures/original-amplify-init`) works here, and a project written here has the original's files,
//! keys and shapes.

use std::path::Path;

use amplify_test_support::{TestContext, repo_root};
use serde_json::Value;

use crate::common::*;

const FIXTURE: &str = "fixtures/original-amplify-init";

/// The original's project copied into the test's project folder, `.gitignore` given back its name.
fn copy_fixture(ctx: &TestContext) {
    let from = repo_root().join(FIXTURE);
    let mut stack = vec![from.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs_err::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(&from).unwrap();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if relative == Path::new("ABOUT.md") {
                continue;
            }
            let to = if relative == Path::new("_gitignore") {
                ctx.project_dir().join(".gitignore")
            } else {
                ctx.project_dir().join(relative)
            };
            fs_err::create_dir_all(to.parent().unwrap()).unwrap();
            fs_err::copy(&path, &to).unwrap();
        }
    }
}

/// The structure of a JSON value: object keys and the kinds of values, not the values.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::String(_) => Value::String("string".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Null => Value::Null,
    }
}

#[test]
fn a_project_written_here_has_the_originals_files_and_shapes() {
    let ctx = seeded();
    // The flags the original ran with (fixtures/original-amplify-init/ABOUT.md).
    let out = ctx.run(&[
        "init",
        "--amplify",
        r#"{"projectName":"myapp","envName":"dev","defaultEditor":"code"}"#,
        "--frontend",
        r#"{"frontend":"javascript","framework":"none","config":{"SourceDir":"src","DistributionDir":"dist","BuildCommand":"npm run-script build","StartCommand":"npm run-script start"}}"#,
        "--providers",
        r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"devcorpuser"}}"#,
        "--yes",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());

    let fixture = repo_root().join(FIXTURE);
    let mut expected = files_under(&fixture);
    expected.remove("ABOUT.md");
    expected.remove("_gitignore");
    expected.insert(".gitignore".into());
    assert_eq!(files_under(&ctx.project_dir()), expected);

    for file in &expected {
        let ours = fs_err::read_to_string(ctx.project_dir().join(file)).unwrap();
        let theirs = fs_err::read_to_string(fixture.join(if file == ".gitignore" {
            "_gitignore"
        } else {
            file
        }))
        .unwrap();
        if !file.ends_with(".json") {
            assert_eq!(ours, theirs, "{file} differs");
            continue;
        }
        let (mut ours, mut theirs): (Value, Value) = (
            serde_json::from_str(&ours).unwrap(),
            serde_json::from_str(&theirs).unwrap(),
        );
        // The answer to the original's "Why Gen 1?" question, which amplify-rs does not ask.
        if let Some(map) = theirs.as_object_mut() {
            map.remove("whyContinueWithGen1");
        }
        assert_eq!(shape(&ours), shape(&theirs), "{file}: keys or kinds differ");
        if file.ends_with("project-config.json")
            || file.ends_with("tags.json")
            || file.ends_with("cli.json")
            || file.ends_with("local-aws-info.json")
        {
            assert_eq!(ours, theirs, "{file}: values differ");
        }
        if file.ends_with("local-env-info.json") {
            ours["projectPath"] = theirs["projectPath"].clone();
            assert_eq!(ours["envName"], theirs["envName"]);
        }
    }
}

#[test]
fn the_originals_project_works_here() {
    let ctx = seeded();
    copy_fixture(&ctx);

    let out = ctx.run(&["aws", "reset-cache"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr
            .contains("No temp credentials are cached for the project.")
    );

    // configure project reads the display-name form of defaultEditor, then switches to the role profile.
    let mut pty = ctx.pty(&["configure", "project"]);
    pty.expect("Which setting do you want to configure?");
    assert!(
        pty.screen()
            .contains("| Default editor: Visual Studio Code"),
        "{}",
        pty.screen()
    );
    assert!(
        pty.screen().contains("| Selected profile: devcorpuser"),
        "{}",
        pty.screen()
    );
    pty.down();
    pty.enter();
    pty.expect("Do you want to update or remove the project level AWS profile?");
    pty.down();
    pty.enter();
    pty.expect("Select the authentication method you want to use:");
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    pty.send("bizcorp");
    pty.enter();
    pty.expect("Successfully made configuration changes to your project.");
    assert_eq!(pty.wait(), 0);

    // Adding an environment through the role, then reset-cache finds this project's session.
    let out = headless_init(&ctx, &["--amplify", r#"{"envName":"prod"}"#]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let tpi = ctx.project_json("amplify/team-provider-info.json");
    assert_eq!(
        tpi["dev"]["awscloudformation"]["StackName"], "amplify-myapp-dev-62f3b",
        "the original's environment is kept"
    );
    assert!(
        tpi["prod"]["awscloudformation"]["StackId"]
            .as_str()
            .unwrap()
            .contains(":111122223333:stack/amplify-myapp-prod-")
    );
    assert_eq!(
        ctx.project_json("amplify/.config/project-config.json")["whyContinueWithGen1"],
        "Prefer not to answer"
    );
    let out = ctx.run(&["aws", "reset-cache"]);
    assert!(
        out.stderr
            .contains("Cached temp credentials are deleted for the project."),
        "{}",
        out.stderr
    );
}

#[test]
fn a_fresh_clone_chooses_an_environment() {
    let ctx = seeded();
    assert_eq!(
        headless_init(&ctx, &["--amplify", r#"{"envName":"dev"}"#]).code,
        Some(0)
    );
    assert_eq!(
        headless_init(&ctx, &["--amplify", r#"{"envName":"prod"}"#]).code,
        Some(0)
    );
    // What git keeps: .gitignore leaves out amplify/.config/local-*, the backend's amplify-meta.json and
    // #current-cloud-backend.
    for gone in [
        "amplify/.config/local-env-info.json",
        "amplify/.config/local-aws-info.json",
        "amplify/backend/amplify-meta.json",
    ] {
        fs_err::remove_file(ctx.project_dir().join(gone)).unwrap();
    }
    fs_err::remove_dir_all(ctx.project_dir().join("amplify/#current-cloud-backend")).unwrap();

    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("as in a fresh clone") && out.stderr.contains("amplify-rs init"),
        "{}",
        out.stderr
    );
    let out = ctx.run(&["init", "--yes"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("has no environment chosen in this folder")
            && out.stderr.contains("dev, prod"),
        "{}",
        out.stderr
    );

    ctx.moto().start_recording();
    let out = ctx.run(&[
        "init",
        "--yes",
        "--amplify",
        r#"{"envName":"dev"}"#,
        "--providers",
        PROFILE_PROVIDERS,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr
            .contains("Successfully pulled backend environment dev from the cloud."),
        "{}",
        out.stderr
    );
    let recording = ctx.moto().recording();
    assert!(
        calls(&recording, "CreateStack").is_empty(),
        "an existing environment: no new stack"
    );
    assert_eq!(
        calls(&recording, "DescribeStacks").len(),
        1,
        "the stack's current outputs are read"
    );
    // The environment's state, from its deployment bucket, restored as the original restores it.
    assert_eq!(
        fs_err::read_to_string(
            ctx.project_dir()
                .join("amplify/#current-cloud-backend/awscloudformation/build/root-cloudformation-stack.json")
        )
        .unwrap(),
        fs_err::read_to_string(amplify_test_support::repo_root().join(
            "fixtures/original-amplify-init/amplify/#current-cloud-backend/awscloudformation/build/root-cloudformation-stack.json"
        ))
        .unwrap()
    );
    assert!(
        !ctx.project_dir()
            .join("amplify/#current-cloud-backend/cli.json")
            .exists()
    );
    let env_info = ctx.project_json("amplify/.config/local-env-info.json");
    assert_eq!(env_info["envName"], "dev");
    assert_eq!(env_info["defaultEditor"], "vscode");
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "bizcorprole"
    );
    let tpi = ctx.project_json("amplify/team-provider-info.json");
    for meta in [
        "amplify/backend/amplify-meta.json",
        "amplify/#current-cloud-backend/amplify-meta.json",
    ] {
        assert_eq!(
            ctx.project_json(meta)["providers"]["awscloudformation"],
            tpi["dev"]["awscloudformation"],
            "{meta}"
        );
    }
    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
}
