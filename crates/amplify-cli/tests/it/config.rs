//! `amplify-rs config list | get | set | unset`, through the files a user would open afterwards: the user
//! file in the test's HOME (`~/.config/amplify-rs/config.toml`, or below `XDG_CONFIG_HOME`) and the
//! project's `amplify-rs.toml`.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use amplify_test_support::TestContext;

use crate::common::*;

pub fn user_file(ctx: &TestContext) -> PathBuf {
    ctx.home().join(".config/amplify-rs/config.toml")
}

pub fn project_file(ctx: &TestContext) -> PathBuf {
    ctx.project_dir().join("amplify-rs.toml")
}

/// The least a folder needs to be an Amplify project's root (`amplify/.config/project-config.json`).
pub fn make_project(ctx: &TestContext) {
    let config = ctx.project_dir().join("amplify/.config");
    fs_err::create_dir_all(&config).unwrap();
    fs_err::write(config.join("project-config.json"), "{}").unwrap();
}

pub fn write(path: &Path, text: &str) {
    fs_err::create_dir_all(path.parent().unwrap()).unwrap();
    fs_err::write(path, text).unwrap();
}

#[test]
fn config_list_shows_every_setting_its_value_and_where_it_comes_from() {
    let ctx = seeded_without_moto()
        .env("AMPLIFY_RS_AWS_ATTEMPTS", "4")
        .env("NO_COLOR", "1");
    make_project(&ctx);
    write(
        &user_file(&ctx),
        "[aws]\ntimeout = 13\n\n[mfa]\nprocess = \"printf 123456\"\n\n[credentials]\nreuse_margin = 600\n",
    );
    write(
        &project_file(&ctx),
        "# the team's\n[aws]\ntimeout = 12.5\nattempts = 5\n\n[init]\ndefault_profile = \"bizcorprole\"\n",
    );
    let out = ctx.run(&["--mfa-session", "config", "list"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(out.stderr, "", "the list is data, on stdout");
    assert_eq!(
        ctx.normalize(&out.stdout),
        "# user file: [HOME]/.config/amplify-rs/config.toml
# project file: [HOME]/myapp/amplify-rs.toml
aws.timeout = 12.5                    # [HOME]/myapp/amplify-rs.toml:3
aws.attempts = 4                      # AMPLIFY_RS_AWS_ATTEMPTS
mfa.session = true                    # --mfa-session
mfa.session_duration = 43200          # default; a profile's amplify_rs_mfa_session_duration comes before it
mfa.process = \"printf 123456\"         # [HOME]/.config/amplify-rs/config.toml:5
credentials.reuse_margin = 600        # [HOME]/.config/amplify-rs/config.toml:8
ui.progress = true                    # default
ui.color = \"never\"                    # NO_COLOR
init.default_profile = \"bizcorprole\"  # [HOME]/myapp/amplify-rs.toml:7
"
    );
    // The list is a settings file itself: it reads back as the same settings.
    let reading = amplify_settings::SettingsFile::from_text(
        std::path::Path::new("list.toml"),
        amplify_settings::Scope::User,
        out.stdout.as_str(),
    )
    .reading()
    .unwrap();
    assert!(reading.errors.is_empty() && reading.warnings.is_empty());
    assert_eq!(reading.values.len(), 9);
}

#[test]
fn config_get_prints_the_value_a_script_needs() {
    let ctx = seeded_without_moto();
    write(
        &user_file(&ctx),
        "[mfa]\nprocess = 'ykman oath accounts code -s \"AWS\"'\n",
    );
    let out = ctx.run(&["config", "get", "mfa.process"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(out.stdout, "ykman oath accounts code -s \"AWS\"\n");
    let out = ctx.run(&["config", "get", "aws.timeout"]);
    assert_eq!(out.stdout, "30\n", "the default");

    let out = ctx
        .command(&["config", "get", "mfa.process"])
        .env("XDG_CONFIG_HOME", ctx.home().join("elsewhere"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "not set below XDG_CONFIG_HOME");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: mfa.process is not set"), "{stderr}");

    let out = ctx.run(&["config", "get", "aws.timout"]);
    assert_eq!(out.code, Some(2), "a usage error");
    assert!(
        out.stderr.contains("a similar value exists: 'aws.timeout'"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_set_and_unset_keep_the_comments_order_and_spacing_of_the_user_file() {
    let ctx = seeded_without_moto();
    let path = user_file(&ctx);
    let original = "# my settings\n\n[aws]\n\t# the VPN is slow\n\ttimeout   =   60    # per attempt\n\n[ui]\ncolor = \"never\" # I dislike colours\n";
    write(&path, original);
    fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let out = ctx.run(&["config", "set", "aws.timeout", "90"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        ctx.normalize(&out.stderr),
        "aws.timeout = 90 written to [HOME]/.config/amplify-rs/config.toml\n"
    );
    assert_eq!(
        fs_err::read_to_string(&path).unwrap(),
        original.replace("=   60    #", "=   90    #")
    );
    assert_eq!(
        fs_err::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600,
        "the user file is private: it can hold a command"
    );

    assert_eq!(
        ctx.run(&["config", "set", "aws.attempts", "5"]).code,
        Some(0)
    );
    assert_eq!(
        ctx.run(&["config", "set", "mfa.session", "yes"]).code,
        Some(0)
    );
    let after_sets = fs_err::read_to_string(&path).unwrap();
    assert_eq!(
        after_sets,
        "# my settings\n\n[aws]\n\t# the VPN is slow\n\ttimeout   =   90    # per attempt\n\tattempts   =   5\n\n[ui]\ncolor = \"never\" # I dislike colours\n\n[mfa]\nsession = true\n"
    );

    for key in ["mfa.session", "aws.attempts"] {
        let out = ctx.run(&["config", "unset", key]);
        assert_eq!(out.code, Some(0), "{}", out.all());
    }
    assert_eq!(
        fs_err::read_to_string(&path).unwrap(),
        original.replace("=   60    #", "=   90    #"),
        "set then unset gives the file back"
    );
    let out = ctx.run(&["config", "unset", "mfa.session"]);
    assert_eq!(out.code, Some(0));
    assert!(
        out.stderr.contains("mfa.session is not set in"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_set_refuses_a_value_the_setting_does_not_take() {
    let ctx = seeded_without_moto();
    for (key, value, allowed) in [
        (
            "aws.timeout",
            "forever",
            "a number of seconds from 0.1 to 3600",
        ),
        (
            "credentials.reuse_margin",
            "60",
            "a whole number of seconds from 300 to 1800",
        ),
        ("ui.color", "pink", "one of \"auto\", \"always\", \"never\""),
        ("mfa.session", "maybe", "true or false"),
    ] {
        let out = ctx.run(&["config", "set", key, value]);
        assert_eq!(out.code, Some(1), "{key}: {}", out.all());
        assert!(
            out.stderr.contains(&format!(
                "error: \"{value}\" is not a value of {key}: it must be {allowed}"
            )),
            "{}",
            out.stderr
        );
    }
    assert!(!user_file(&ctx).exists(), "nothing was written");
}

#[test]
fn config_set_project_writes_the_project_file_and_never_a_command() {
    let ctx = seeded_without_moto();
    let out = ctx.run(&["config", "set", "--project", "aws.timeout", "5"]);
    assert_eq!(out.code, Some(1), "not in a project: {}", out.all());
    assert!(
        out.stderr.contains("there is no Amplify project here"),
        "{}",
        out.stderr
    );

    make_project(&ctx);
    let out = ctx.run(&[
        "config",
        "set",
        "init.default_profile",
        "bizcorprole",
        "--project",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        fs_err::read_to_string(project_file(&ctx)).unwrap(),
        "[init]\ndefault_profile = \"bizcorprole\"\n"
    );
    assert!(!user_file(&ctx).exists());

    let out = ctx.run(&["config", "set", "mfa.process", "printf 123456", "--project"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr).contains(
            "error: mfa.process cannot be set in a project file ([HOME]/myapp/amplify-rs.toml): it runs a command, and a project file comes with the repository"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "hint: set it in your own settings instead: amplify-rs config set mfa.process VALUE"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        fs_err::read_to_string(project_file(&ctx)).unwrap(),
        "[init]\ndefault_profile = \"bizcorprole\"\n",
        "the project file is as it was"
    );

    // The user's file is below the project's: setting it there is said to have no effect here.
    let out = ctx.run(&["config", "set", "init.default_profile", "devcorpuser"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr).contains(
            "warning: [HOME]/myapp/amplify-rs.toml:2 sets init.default_profile too, and wins over the user file"
        ),
        "{}",
        out.stderr
    );
    let out = ctx.run(&["config", "unset", "--project", "init.default_profile"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(fs_err::read_to_string(project_file(&ctx)).unwrap(), "");
    let out = ctx.run(&["config", "get", "init.default_profile"]);
    assert_eq!(out.stdout, "devcorpuser\n");
}

#[test]
fn a_variable_that_wins_is_named_when_a_file_is_set() {
    let ctx = seeded_without_moto().env("AMPLIFY_RS_AWS_TIMEOUT", "7");
    let out = ctx.run(&["config", "set", "aws.timeout", "60"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr.contains(
            "warning: AMPLIFY_RS_AWS_TIMEOUT sets aws.timeout too, and wins over the user file"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(ctx.run(&["config", "get", "aws.timeout"]).stdout, "7\n");
}

#[test]
fn the_user_file_follows_xdg_config_home() {
    let ctx = seeded_without_moto();
    let xdg = ctx.home().join("xdg");
    let out = ctx
        .command(&["config", "set", "ui.progress", "false"])
        .env("XDG_CONFIG_HOME", &xdg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        fs_err::read_to_string(xdg.join("amplify-rs/config.toml")).unwrap(),
        "[ui]\nprogress = false\n"
    );
    assert!(!user_file(&ctx).exists());
}

#[test]
fn a_wrong_setting_stops_commands_with_its_place_but_set_can_fix_it() {
    let ctx = seeded_without_moto();
    write(&user_file(&ctx), "[aws]\ntimeout = \"thirty\"\n");
    let out = ctx.run(&["aws", "profiles"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert_eq!(
        ctx.normalize(&out.stderr),
        "error: [HOME]/.config/amplify-rs/config.toml:2:11: aws.timeout must be a number of seconds from 0.1 to 3600, not \"thirty\" (a string)\nhint: set aws.timeout to a number of seconds from 0.1 to 3600 (`amplify-rs config set aws.timeout VALUE`), or remove the line\n"
    );
    assert_eq!(ctx.run(&["config", "list"]).code, Some(1));

    let out = ctx.run(&["config", "set", "aws.timeout", "30"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr.starts_with("warning: "),
        "it says what was wrong: {}",
        out.stderr
    );
    assert_eq!(ctx.run(&["aws", "profiles"]).code, Some(0));

    // A file that is not TOML: the place the parser stopped.
    write(&user_file(&ctx), "[aws\ntimeout = 30\n");
    let out = ctx.run(&["aws", "profiles"]);
    assert_eq!(out.code, Some(1));
    assert!(
        ctx.normalize(&out.stderr)
            .starts_with("error: [HOME]/.config/amplify-rs/config.toml:1:5: "),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_key_is_a_warning_with_the_setting_meant() {
    let ctx = seeded_without_moto();
    write(
        &user_file(&ctx),
        "[aws]\ntimout = 3\n\n[profile]\nmfa_process = \"x\"\n",
    );
    let out = ctx.run(&["config", "get", "aws.timeout"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(out.stdout, "30\n");
    assert_eq!(
        ctx.normalize(&out.stderr),
        "warning: [HOME]/.config/amplify-rs/config.toml:2:1: unknown setting aws.timout, ignored; did you mean aws.timeout?\nwarning: [HOME]/.config/amplify-rs/config.toml:5:1: unknown setting profile.mfa_process, ignored; did you mean mfa.process?\n"
    );
}

#[test]
fn hostile_project_files_are_refused_naming_the_file_and_line() {
    let ctx = seeded_without_moto();
    make_project(&ctx);
    let marker = ctx.home().join("ran");
    write(
        &project_file(&ctx),
        &format!(
            "[aws]\ntimeout = 10\n\n[mfa]\nprocess = \"touch {}\"\n",
            marker.display()
        ),
    );
    let out = ctx.run(&["aws", "whoami", "--profile", "bizcorprole"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr).contains(
            "error: [HOME]/myapp/amplify-rs.toml:5:1: mfa.process cannot be set in a project file: it runs a command, and a project file comes with the repository"
        ),
        "{}",
        out.stderr
    );
    assert!(!marker.exists(), "the command never ran");

    // A link to a file outside the project.
    let outside = ctx.home().join("outside.toml");
    write(&outside, "[ui]\ncolor = \"always\"\n");
    fs_err::remove_file(project_file(&ctx)).unwrap();
    std::os::unix::fs::symlink(&outside, project_file(&ctx)).unwrap();
    let out = ctx.run(&["config", "list"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr).contains(
            "error: [HOME]/myapp/amplify-rs.toml is a symbolic link, and a project's settings file must be a file of the project"
        ),
        "{}",
        out.stderr
    );
    assert!(
        ctx.run(&["config", "set", "--project", "aws.timeout", "5"])
            .code
            == Some(1),
        "nor is it written through"
    );
    assert_eq!(
        fs_err::read_to_string(&outside).unwrap(),
        "[ui]\ncolor = \"always\"\n"
    );

    // A huge file is not read.
    fs_err::remove_file(project_file(&ctx)).unwrap();
    write(&project_file(&ctx), &"#".repeat(3 << 20));
    let out = ctx.run(&["config", "list"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr)
            .contains("error: [HOME]/myapp/amplify-rs.toml is larger than 1 MiB"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_help_and_the_reference_document_config() {
    let ctx = seeded_without_moto();
    let out = ctx.run(&["config", "--help"]);
    assert_eq!(out.code, Some(0));
    for text in [
        "Usage: amplify-rs config [OPTIONS] <COMMAND>",
        "list",
        "set",
        "unset",
        "amplify-rs config set aws.timeout 60",
        "A project file cannot set mfa.process",
    ] {
        assert!(out.stdout.contains(text), "{text}: {}", out.stdout);
    }
    let out = ctx.run(&["config", "set", "--help"]);
    assert!(
        out.stdout.contains("--project") && out.stdout.contains("credentials.reuse_margin"),
        "{}",
        out.stdout
    );
    let reference = ctx.run(&["generate-reference"]).stdout;
    for heading in [
        "amplify-rs config list",
        "amplify-rs config get",
        "amplify-rs config set",
        "amplify-rs config unset",
    ] {
        assert!(reference.contains(heading), "{heading}");
    }
}
