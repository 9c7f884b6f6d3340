//! The original's init flags under every name it accepts them (`--amplifyConfig`, `--provider`,
//! `--frontend-config`, `--envName`, `--appId`...), the flags it accepts and ignores, its leniency with
//! their values, and the `awscfn` alias.

use crate::common::*;

const FRONTEND: &str = r#"{"frontend":"javascript","framework":"vue","config":{"SourceDir":"app","DistributionDir":"dist","BuildCommand":"npm run build","StartCommand":"npm run serve"}}"#;

#[test]
fn every_alias_of_the_json_flags_is_read() {
    let spellings: [[&str; 3]; 3] = [
        ["--amplify-config", "--frontend-config", "--provider"],
        ["--amplifyConfig", "--frontendConfig", "--providersConfig"],
        ["-a", "-f", "--providers-config"],
    ];
    for [amplify, frontend, providers] in spellings {
        let ctx = seeded();
        let out = headless_init_with(
            &ctx,
            &[
                amplify,
                r#"{"projectName":"aliasapp","envName":"stage","defaultEditor":"vim"}"#,
                frontend,
                FRONTEND,
                providers,
                PROFILE_PROVIDERS,
            ],
        );
        assert_eq!(
            out.code,
            Some(0),
            "{amplify} {frontend} {providers}: {}",
            out.all()
        );
        let config = ctx.project_json("amplify/.config/project-config.json");
        assert_eq!(config["projectName"], "aliasapp", "{amplify}");
        assert_eq!(config["javascript"]["framework"], "vue", "{frontend}");
        assert_eq!(
            config["javascript"]["config"]["SourceDir"], "app",
            "{frontend}"
        );
        let env_info = ctx.project_json("amplify/.config/local-env-info.json");
        assert_eq!(env_info["envName"], "stage", "{amplify}");
        assert_eq!(env_info["defaultEditor"], "vim", "{amplify}");
        assert_eq!(
            ctx.project_json("amplify/.config/local-aws-info.json")["stage"]["profileName"],
            "bizcorprole",
            "{providers}"
        );
    }
}

#[test]
fn env_name_flag_wins_over_the_json_and_ignored_flags_are_accepted() {
    let ctx = seeded();
    let out = headless_init_with(
        &ctx,
        &[
            "--amplify",
            r#"{"projectName":"flagapp","envName":"dev"}"#,
            "--envName",
            "qa",
            "--providers",
            PROFILE_PROVIDERS,
            "--forcePush",
            "--debug",
            "--categories",
            "{}",
            "--codegen",
            r#"{"generateCode":false}"#,
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        ctx.project_json("amplify/.config/local-env-info.json")["envName"],
        "qa"
    );
    let tpi = ctx.project_json("amplify/team-provider-info.json");
    assert!(tpi.get("qa").is_some() && tpi.get("dev").is_none(), "{tpi}");

    // An invalid --envName is the original's error, before anything is written or called.
    let other = seeded();
    let out = headless_init_with(
        &other,
        &["--envName", "Prod", "--providers", PROFILE_PROVIDERS],
    );
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr.contains("Invalid environment name: Prod"),
        "{}",
        out.stderr
    );
    assert!(project_files(&other).is_empty());
}

#[test]
fn app_id_naming_another_app_is_refused_as_the_original_refuses_it() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    // A project the original initialised with an Amplify app records its id.
    let tpi_path = ctx.project_dir().join("amplify/team-provider-info.json");
    let mut tpi = ctx.project_json("amplify/team-provider-info.json");
    tpi["dev"]["awscloudformation"]["AmplifyAppId"] = "d1abcdef".into();
    fs_err::write(&tpi_path, serde_json::to_string_pretty(&tpi).unwrap()).unwrap();

    let out = headless_init_with(
        &ctx,
        &[
            "--appId",
            "d2other",
            "--envName",
            "prod",
            "--providers",
            PROFILE_PROVIDERS,
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr.contains("Amplify appId mismatch."),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("You are currently working in the amplify project with Id d1abcdef")
            && out.stderr.contains("AMPLIFY_SKIP_APP_ID_MISMATCH_CHECK"),
        "{}",
        out.stderr
    );
    assert!(
        ctx.project_json("amplify/team-provider-info.json")
            .get("prod")
            .is_none()
    );

    // The same id, or the original's bypass, goes on.
    let out = headless_init_with(
        &ctx,
        &[
            "--appId",
            "d1abcdef",
            "--envName",
            "prod",
            "--providers",
            PROFILE_PROVIDERS,
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.all());
    let mut command = ctx.command(&[
        "init",
        "--yes",
        "--appId",
        "d2other",
        "--envName",
        "test",
        "--providers",
        PROFILE_PROVIDERS,
    ]);
    command
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
        .env("AMPLIFY_SKIP_APP_ID_MISMATCH_CHECK", "true")
        .stdin(std::process::Stdio::null());
    let out = ctx.run_command(&mut command);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        ctx.project_json("amplify/team-provider-info.json")
            .get("test")
            .is_some()
    );
}

#[test]
fn awscfn_is_an_alias_of_the_provider_command() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    assert_eq!(cached_entries(&ctx, &ctx.project_dir()).len(), 1);
    let out = ctx.run(&["awscfn", "reset-cache"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr
            .contains("Cached temp credentials are deleted for the project."),
        "{}",
        out.stderr
    );
    assert!(cached_entries(&ctx, &ctx.project_dir()).is_empty());
}

#[test]
fn the_originals_leniency_with_headless_values() {
    let ctx = seeded();
    let out = headless_init(
        &ctx,
        &[
            "--amplify",
            r#"{"projectName":"my-app","defaultEditor":"notepad"}"#,
            "--frontend",
            r#"{"frontend":"javascript","framework":"Vue"}"#,
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.all());
    let config = ctx.project_json("amplify/.config/project-config.json");
    assert_eq!(
        config["projectName"], "myapp",
        "normalised as the original does"
    );
    assert_eq!(config["javascript"]["framework"], "vue");
    assert_eq!(
        config["javascript"]["config"],
        serde_json::json!({"SourceDir":"src","DistributionDir":"dist","BuildCommand":"npm run-script build","StartCommand":"npm run-script serve"}),
        "completed from vue's defaults"
    );
    assert_eq!(
        ctx.project_json("amplify/.config/local-env-info.json")["defaultEditor"],
        "vscode"
    );
    assert!(
        out.stderr
            .contains("unknown defaultEditor \"notepad\"; Visual Studio Code is used"),
        "{}",
        out.stderr
    );

    // An unsupported framework is `none`, with a warning, as in the original.
    let other = seeded();
    let out = headless_init(
        &other,
        &[
            "--frontend",
            r#"{"frontend":"javascript","framework":"svelte"}"#,
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr
            .contains("Unsupported javascript framework: svelte"),
        "{}",
        out.stderr
    );
    assert_eq!(
        other.project_json("amplify/.config/project-config.json")["javascript"]["framework"],
        "none"
    );
}

#[test]
fn temporary_keys_typed_at_the_prompt_take_aws_session_token() {
    // moto takes any keys until it is told to check them: these have the shapes of temporary ones.
    let (temp_id, temp_secret, token) = (
        "ASIATEMPORARYKEY0001",
        "dGVtcG9yYXJ5c2VjcmV0a2V5Zm9ydGhldGVzdDAw",
        "FwoGZXIvYXdzEXAMPLESESSIONTOKEN/temporary+token==",
    );
    let ctx = seeded().env("AWS_SESSION_TOKEN", token);
    ctx.moto().start_recording();
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults(&mut pty);
    pty.down();
    pty.enter();
    pty.expect("accessKeyId:");
    pty.send_line(temp_id);
    pty.expect("secretAccessKey:");
    pty.send_line(temp_secret);
    pty.expect("region:");
    pty.enter();
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());

    let recording = ctx.moto().recording();
    let create = &calls(&recording, "CreateStack")[0];
    assert_eq!(create.access_key, temp_id);
    assert!(
        create.has_session_token,
        "the token goes with the temporary key"
    );
    let auth = &ctx.project_json("amplify/.config/local-aws-info.json")["dev"];
    let keys: serde_json::Value = serde_json::from_str(
        &fs_err::read_to_string(auth["awsConfigFilePath"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(keys["credentials"]["sessionToken"], token);
}
