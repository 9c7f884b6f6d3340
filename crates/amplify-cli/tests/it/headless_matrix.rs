//! The original's headless init, every combination of `--amplify`, `--frontend` and `--providers` (valid and
//! invalid) with `--yes`: a valid combination makes the project it describes, an invalid one fails with the
//! message of its first bad flag, exit 1, and writes nothing.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::common::*;

struct Choice {
    label: &'static str,
    flag: Option<&'static str>,
    /// `None` when valid; else the rank of the check that refuses it and the message expected.
    error: Option<(u8, &'static str)>,
}

const fn ok(label: &'static str, flag: Option<&'static str>) -> Choice {
    Choice {
        label,
        flag,
        error: None,
    }
}

const fn bad(label: &'static str, flag: &'static str, rank: u8, message: &'static str) -> Choice {
    Choice {
        label,
        flag: Some(flag),
        error: Some((rank, message)),
    }
}

#[test]
fn every_combination_of_the_headless_flags() {
    let amplify = [
        ok("no --amplify", None),
        ok(
            "full",
            Some(r#"{"projectName":"matrixapp","envName":"test","defaultEditor":"vim"}"#),
        ),
        bad(
            "bad JSON",
            "{projectName:",
            1,
            "--amplify is not valid JSON",
        ),
        // The original's leniency: the name normalised, an unknown editor replaced by the default.
        ok(
            "lenient",
            Some(r#"{"projectName":"matrix-app","envName":"test","defaultEditor":"notepad"}"#),
        ),
        bad(
            "bad env",
            r#"{"envName":"Test1"}"#,
            5,
            "Invalid environment name: Test1",
        ),
    ];
    let frontend = [
        ok("no --frontend", None),
        ok(
            "javascript",
            Some(
                r#"{"frontend":"javascript","framework":"vue","config":{"SourceDir":"web","DistributionDir":"dist","BuildCommand":"npm run-script build","StartCommand":"npm run-script serve"}}"#,
            ),
        ),
        ok(
            "android",
            Some(r#"{"frontend":"android","config":{"ResDir":"app/src/main/res"}}"#),
        ),
        ok(
            "flutter",
            Some(r#"{"type":"flutter","config":{"ResDir":"./lib/"}}"#),
        ),
        ok("ios", Some(r#"{"frontend":"ios"}"#)),
        bad(
            "javascript incomplete",
            r#"{"frontend":"javascript","framework":"react","config":{"SourceDir":"src"}}"#,
            2,
            "The command line parameter for javascript frontend configuration is incomplete.",
        ),
        bad(
            "unknown type",
            r#"{"frontend":"windows"}"#,
            2,
            "--frontend names an unknown frontend \"windows\"",
        ),
    ];
    let providers = [
        ok("no --providers", None),
        ok(
            "profile",
            Some(
                r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"devcorpuser"}}"#,
            ),
        ),
        ok(
            "access keys",
            Some(
                r#"{"aws":{"configLevel":"project","useProfile":false,"accessKeyId":"AKIAMATRIXKEY0000001","secretAccessKey":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2Fy","region":"eu-west-1"}}"#,
            ),
        ),
        ok("general", Some(r#"{"awscfn":{"configLevel":"general"}}"#)),
        bad(
            "missing profile",
            r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"nobody"}}"#,
            6,
            "The config profile (nobody) could not be found",
        ),
        bad(
            "no region",
            r#"{"cfn":{"configLevel":"project","useProfile":false,"accessKeyId":"AKIAMATRIXKEY0000001","secretAccessKey":"x"}}"#,
            3,
            "access key or region is missing.",
        ),
        bad("bad JSON", "{", 3, "--providers is not valid JSON"),
    ];

    // Keys in the environment make the general setting (and --yes without --providers) usable.
    let ctx = seeded()
        .env("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
        .env("AWS_SECRET_ACCESS_KEY", "environmentsecret")
        .env("AWS_REGION", "us-west-2");
    let mut combinations = 0;
    let mut successes = 0;
    for a in &amplify {
        for f in &frontend {
            for p in &providers {
                combinations += 1;
                let dir = ctx.home().join(format!("m{combinations:03}"));
                fs_err::create_dir_all(&dir).unwrap();
                let mut args = vec!["init", "--yes"];
                for (flag, choice) in [("--amplify", a), ("--frontend", f), ("--providers", p)] {
                    if let Some(value) = choice.flag {
                        args.extend([flag, value]);
                    }
                }
                let mut command = ctx.command(&args);
                command.current_dir(&dir).stdin(std::process::Stdio::null());
                let output = command.output().unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                let what = format!("{} / {} / {}", a.label, f.label, p.label);
                let expected = [a, f, p]
                    .iter()
                    .filter_map(|c| c.error)
                    .min_by_key(|(rank, _)| *rank);
                match expected {
                    Some((_, message)) => {
                        assert_eq!(output.status.code(), Some(1), "{what}: {stderr}");
                        assert!(
                            stderr.contains(message),
                            "{what}: expected {message:?} in\n{stderr}"
                        );
                        assert!(
                            fs_err::read_dir(&dir).unwrap().next().is_none(),
                            "{what}: wrote files"
                        );
                    }
                    None => {
                        assert_eq!(output.status.code(), Some(0), "{what}: {stderr}");
                        successes += 1;
                        check_project(&dir, a, f, p, &what);
                    }
                }
            }
        }
    }
    assert_eq!((combinations, successes), (245, 60));
}

fn read(dir: &std::path::Path, file: &str) -> Value {
    serde_json::from_str(&fs_err::read_to_string(dir.join(file)).unwrap()).unwrap()
}

fn check_project(dir: &std::path::Path, a: &Choice, f: &Choice, p: &Choice, what: &str) {
    let config = read(dir, "amplify/.config/project-config.json");
    let env_info = read(dir, "amplify/.config/local-env-info.json");
    let env = if a.flag.is_some() { "test" } else { "dev" };
    assert_eq!(env_info["envName"], env, "{what}");
    assert_eq!(
        config["projectName"],
        if a.flag.is_some() {
            "matrixapp"
        } else {
            dir.file_name().unwrap().to_str().unwrap()
        },
        "{what}"
    );
    if a.flag.is_some() {
        let editor = if a.label == "lenient" {
            "vscode"
        } else {
            "vim"
        };
        assert_eq!(env_info["defaultEditor"], editor, "{what}");
    }
    let frontend = match f.label {
        "no --frontend" => "javascript",
        other => other,
    };
    assert_eq!(config["frontend"], frontend, "{what}");
    if f.label == "javascript" {
        assert_eq!(config["javascript"]["framework"], "vue");
        assert!(dir.join("web/aws-exports.js").exists(), "{what}");
    }
    if f.label == "ios" {
        assert!(config.get("ios").is_none(), "ios has no block: {what}");
    }
    let auth = &read(dir, "amplify/.config/local-aws-info.json")[env];
    match p.label {
        "profile" => assert_eq!(auth["profileName"], "devcorpuser", "{what}"),
        "access keys" => {
            assert_eq!(auth["useProfile"], false, "{what}");
            let keys = std::path::PathBuf::from(auth["awsConfigFilePath"].as_str().unwrap());
            assert_eq!(
                fs_err::metadata(&keys).unwrap().permissions().mode() & 0o777,
                0o600,
                "{what}"
            );
            let stored: Value =
                serde_json::from_str(&fs_err::read_to_string(&keys).unwrap()).unwrap();
            assert_eq!(stored["region"], "eu-west-1");
            assert_eq!(stored["credentials"]["accessKeyId"], "AKIAMATRIXKEY0000001");
            let tpi = read(dir, "amplify/team-provider-info.json");
            assert_eq!(
                tpi[env]["awscloudformation"]["Region"], "eu-west-1",
                "{what}"
            );
        }
        _ => assert_eq!(auth["configLevel"], "general", "{what}"),
    }
}
