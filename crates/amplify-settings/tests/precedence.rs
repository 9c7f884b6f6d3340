//! Every setting through every source it has, and the one precedence between them: flag > variable >
//! project file > user file > default. Real files in a temporary folder; the environment is a snapshot
//! made by the test, never the process's.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::path::{Path, PathBuf};
use std::time::Duration;

use amplify_creds::env::Env;
use amplify_settings::{
    Color, Inputs, Key, Scope, Settings, SettingsError, Source, Value, user_file,
};

/// One value per source for a setting, each different from the others where the type allows, so the
/// value and the source of the result both say which source won.
struct Sample {
    key: Key,
    flag: Option<Value>,
    variable: Option<(&'static str, &'static str, Value)>,
    /// The value as written in a file, and as read; `None` for the project file of a setting it may not
    /// set.
    project: Option<(&'static str, Value)>,
    user: (&'static str, Value),
}

fn samples() -> Vec<Sample> {
    let text = |t: &str| Value::Text(t.to_string());
    vec![
        Sample {
            key: Key::AwsTimeout,
            flag: None,
            variable: Some(("AMPLIFY_RS_AWS_TIMEOUT", "11", Value::Seconds(11.0))),
            project: Some(("12.5", Value::Seconds(12.5))),
            user: ("13", Value::Seconds(13.0)),
        },
        Sample {
            key: Key::AwsAttempts,
            flag: None,
            variable: Some(("AMPLIFY_RS_AWS_ATTEMPTS", "4", Value::Whole(4))),
            project: Some(("5", Value::Whole(5))),
            user: ("6", Value::Whole(6)),
        },
        Sample {
            key: Key::MfaSession,
            flag: Some(Value::Bool(true)),
            variable: Some(("AMPLIFY_RS_MFA_SESSION", "no", Value::Bool(false))),
            project: Some(("true", Value::Bool(true))),
            user: ("false", Value::Bool(false)),
        },
        Sample {
            key: Key::MfaSessionDuration,
            flag: None,
            variable: Some((
                "AMPLIFY_RS_MFA_SESSION_DURATION",
                "1000",
                Value::Whole(1000),
            )),
            project: Some(("2000", Value::Whole(2000))),
            user: ("3000", Value::Whole(3000)),
        },
        Sample {
            key: Key::MfaProcess,
            flag: None,
            variable: Some((
                "AMPLIFY_RS_MFA_PROCESS",
                "printf 111111",
                text("printf 111111"),
            )),
            project: None,
            user: ("\"printf 333333\"", text("printf 333333")),
        },
        Sample {
            key: Key::ReuseMargin,
            flag: None,
            variable: Some(("AMPLIFY_RS_REUSE_MARGIN", "400", Value::Whole(400))),
            project: Some(("500", Value::Whole(500))),
            user: ("600", Value::Whole(600)),
        },
        Sample {
            key: Key::Progress,
            flag: None,
            variable: Some(("AMPLIFY_RS_PROGRESS", "0", Value::Bool(false))),
            project: Some(("true", Value::Bool(true))),
            user: ("false", Value::Bool(false)),
        },
        Sample {
            key: Key::Color,
            flag: Some(text("auto")),
            variable: Some(("NO_COLOR", "1", text("never"))),
            project: Some(("\"always\"", text("always"))),
            user: ("\"never\"", text("never")),
        },
        Sample {
            key: Key::DefaultProfile,
            flag: None,
            variable: Some(("AWS_PROFILE", "from-variable", text("from-variable"))),
            project: Some(("\"from-project\"", text("from-project"))),
            user: ("\"from-user\"", text("from-user")),
        },
    ]
}

struct Folder {
    _dir: tempfile::TempDir,
    user: PathBuf,
    project: PathBuf,
}

fn folder() -> Folder {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("config/amplify-rs/config.toml");
    let project = dir.path().join("myapp/amplify-rs.toml");
    fs_err::create_dir_all(user.parent().unwrap()).unwrap();
    fs_err::create_dir_all(project.parent().unwrap()).unwrap();
    Folder {
        _dir: dir,
        user,
        project,
    }
}

/// `[section]` then `key = value`.
fn file_text(key: Key, value: &str) -> String {
    let (section, name) = key.name().split_once('.').unwrap();
    format!("# written by the test\n[{section}]\n{name} = {value}\n")
}

fn load(inputs: &Inputs) -> Settings {
    Settings::load(inputs).checked().unwrap().0
}

#[test]
fn each_setting_through_each_source_and_the_precedence_between_them() {
    for sample in samples() {
        // Sources from the highest to the lowest: flag, variable, project file, user file.
        let present = [
            sample.flag.is_some(),
            sample.variable.is_some(),
            sample.project.is_some(),
            true,
        ];
        for mask in 0u8..16 {
            let chosen: Vec<bool> = (0..4).map(|i| present[i] && mask & (1 << i) != 0).collect();
            let f = folder();
            let mut inputs = Inputs {
                user_file: Some(f.user.clone()),
                project_file: Some(f.project.clone()),
                ..Inputs::default()
            };
            if chosen[0] {
                inputs
                    .flags
                    .push((sample.key, sample.flag.clone().unwrap()));
            }
            if chosen[1] {
                let (name, text, _) = sample.variable.as_ref().unwrap();
                inputs.env = Env::from_pairs([(*name, *text)]);
            }
            if chosen[2] {
                let (text, _) = sample.project.as_ref().unwrap();
                fs_err::write(&f.project, file_text(sample.key, text)).unwrap();
            }
            if chosen[3] {
                fs_err::write(&f.user, file_text(sample.key, sample.user.0)).unwrap();
            }
            let settings = load(&inputs);
            let got = settings.explicit(sample.key).cloned();
            let case = format!("{} with sources {chosen:?}", sample.key);
            let Some(winner) = chosen.iter().position(|c| *c) else {
                assert_eq!(got, None, "{case}");
                let resolved = settings.get(sample.key);
                assert!(
                    resolved.is_none_or(|r| r.source == Source::Default),
                    "{case}"
                );
                continue;
            };
            let got = got.unwrap_or_else(|| panic!("{case}: nothing set"));
            let (want_value, want_rank) = match winner {
                0 => (sample.flag.clone().unwrap(), 0),
                1 => (sample.variable.as_ref().unwrap().2.clone(), 1),
                2 => (sample.project.as_ref().unwrap().1.clone(), 2),
                _ => (sample.user.1.clone(), 3),
            };
            assert_eq!(got.value, want_value, "{case}");
            assert_eq!(got.source.rank(), want_rank, "{case}: {:?}", got.source);
            if let Source::File { location, scope } = &got.source {
                assert_eq!(location.line, 3, "{case}: the key's line");
                let path = if *scope == Scope::Project {
                    &f.project
                } else {
                    &f.user
                };
                assert_eq!(&location.path, path, "{case}");
            }
        }
    }
}

#[test]
fn the_defaults_and_the_typed_values() {
    let settings = load(&Inputs::default());
    assert_eq!(settings.aws_timeout(), Duration::from_secs(30));
    assert_eq!(settings.aws_attempts(), 3);
    assert_eq!(
        settings.mfa_session(),
        None,
        "left to the profile, then false"
    );
    assert_eq!(settings.mfa_session_duration(), None);
    assert_eq!(settings.mfa_process(), None);
    assert_eq!(settings.reuse_margin(), Duration::from_secs(300));
    assert!(settings.progress());
    assert_eq!(settings.color(), Color::Auto);
    assert_eq!(
        settings.default_profile().value,
        Value::Text("default".into())
    );
    assert_eq!(settings.default_profile().source, Source::Default);
    assert_eq!(
        settings.get(Key::MfaSession).unwrap().value,
        Value::Bool(false)
    );

    let f = folder();
    fs_err::write(
        &f.user,
        "[aws]\ntimeout = 2.5\nattempts = 7\n[mfa]\nsession = true\nsession_duration = 900\nprocess = \"printf 123456\"\n[credentials]\nreuse_margin = 1800\n[ui]\nprogress = false\ncolor = \"always\"\n[init]\ndefault_profile = \"bizcorprole\"\n",
    )
    .unwrap();
    let settings = load(&Inputs {
        user_file: Some(f.user.clone()),
        ..Inputs::default()
    });
    assert_eq!(settings.aws_timeout(), Duration::from_millis(2500));
    assert_eq!(settings.aws_attempts(), 7);
    assert_eq!(settings.mfa_session(), Some(true));
    assert_eq!(settings.mfa_session_duration(), Some(900));
    let (command, source) = settings.mfa_process().unwrap();
    assert_eq!(command, "printf 123456");
    assert_eq!(source.to_string(), format!("{}:7", f.user.display()));
    assert_eq!(settings.reuse_margin(), Duration::from_secs(1800));
    assert!(!settings.progress());
    assert_eq!(settings.color(), Color::Always);
    assert_eq!(
        settings.default_profile().value,
        Value::Text("bizcorprole".into())
    );
}

#[test]
fn aws_default_profile_comes_before_aws_profile_as_in_the_aws_cli() {
    let settings = load(&Inputs {
        env: Env::from_pairs([("AWS_PROFILE", "b"), ("AWS_DEFAULT_PROFILE", "a")]),
        ..Inputs::default()
    });
    let resolved = settings.default_profile();
    assert_eq!(resolved.value, Value::Text("a".into()));
    assert_eq!(resolved.source, Source::Variable("AWS_DEFAULT_PROFILE"));
}

#[test]
fn a_variable_that_cannot_be_right_is_an_error_naming_it() {
    for (name, value, allowed) in [
        (
            "AMPLIFY_RS_AWS_TIMEOUT",
            "inf",
            "a number of seconds from 0.1 to 3600",
        ),
        (
            "AMPLIFY_RS_AWS_ATTEMPTS",
            "0",
            "a whole number from 1 to 10",
        ),
        ("AMPLIFY_RS_MFA_SESSION", "maybe", "true or false"),
        (
            "AMPLIFY_RS_MFA_SESSION_DURATION",
            "60",
            "a whole number of seconds from 900 to 129600",
        ),
        (
            "AMPLIFY_RS_REUSE_MARGIN",
            "60",
            "a whole number of seconds from 300 to 1800",
        ),
        ("AMPLIFY_RS_PROGRESS", "sometimes", "true or false"),
    ] {
        let loaded = Settings::load(&Inputs {
            env: Env::from_pairs([(name, value)]),
            ..Inputs::default()
        });
        let error = loaded.checked().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("{name}={value} is not {allowed}")
        );
        assert!(matches!(error, SettingsError::Variable { .. }));
        assert_eq!(
            error.hint(),
            format!("set {name} to {allowed}, or unset it")
        );
    }
}

#[test]
fn the_reuse_margin_is_never_shorter_than_five_minutes() {
    let f = folder();
    fs_err::write(&f.user, "[credentials]\nreuse_margin = 60\n").unwrap();
    let error = Settings::load(&Inputs {
        user_file: Some(f.user.clone()),
        ..Inputs::default()
    })
    .checked()
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:2:16: credentials.reuse_margin must be a whole number of seconds from 300 to 1800, not 60 (an integer)",
            f.user.display()
        )
    );
}

#[test]
fn the_user_file_is_below_xdg_config_home_else_home() {
    let at = |pairs: &[(&str, &str)]| user_file(&Env::from_pairs(pairs.iter().copied()));
    assert_eq!(
        at(&[("HOME", "/home/me")]),
        Some(Path::new("/home/me/.config/amplify-rs/config.toml").to_path_buf())
    );
    assert_eq!(
        at(&[("HOME", "/home/me"), ("XDG_CONFIG_HOME", "/xdg")]),
        Some(Path::new("/xdg/amplify-rs/config.toml").to_path_buf())
    );
    assert_eq!(
        at(&[("HOME", "/home/me"), ("XDG_CONFIG_HOME", "relative/dir")]),
        Some(Path::new("/home/me/.config/amplify-rs/config.toml").to_path_buf()),
        "a relative XDG_CONFIG_HOME is ignored, as the specification says"
    );
    assert_eq!(at(&[]), None);
}

#[test]
fn both_files_missing_is_no_setting_and_no_error() {
    let f = folder();
    let loaded = Settings::load(&Inputs {
        user_file: Some(f.user.clone()),
        project_file: Some(f.project.clone()),
        ..Inputs::default()
    });
    assert!(loaded.errors.is_empty() && loaded.warnings.is_empty());
    assert_eq!(loaded.settings, Settings::default());
}
