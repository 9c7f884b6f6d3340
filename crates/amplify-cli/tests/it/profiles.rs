//! Profiles of every kind, as a user's files hold them: the base credentials that come from elsewhere (a
//! process, the environment, a web identity token) under a role, and bad files that must give a clear error
//! naming the file, line or profile, never a panic.

use crate::common::*;
use amplify_test_support::TestContext;

fn providers(profile: &str) -> String {
    format!(
        r#"{{"awscloudformation":{{"configLevel":"project","useProfile":true,"profileName":"{profile}"}}}}"#
    )
}

/// Init with `profile`, returning the recorded AssumeRole calls' signing keys.
fn init_with(ctx: &TestContext, profile: &str) -> Vec<String> {
    ctx.moto().start_recording();
    let out = ctx.run(&["init", "--yes", "--providers", &providers(profile)]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    calls(&ctx.moto().recording(), "AssumeRole")
        .iter()
        .map(|c| c.access_key.clone())
        .collect()
}

#[test]
fn a_role_over_credential_process() {
    let ctx = seeded();
    let script = ctx.home().join("creds.sh");
    fs_err::write(
        &script,
        "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIAFROMPROCESS0001\",\"SecretAccessKey\":\"procsecret\"}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    ctx.write_aws_files(
        &format!("[profile proc]\ncredential_process = {}\n\n[profile biz]\nrole_arn = arn:aws:iam::111122223333:role/Biz\nsource_profile = proc\nregion = us-east-1\n", script.display()),
        "",
    );
    assert_eq!(init_with(&ctx, "biz"), ["AKIAFROMPROCESS0001"]);
}

#[test]
fn a_role_over_the_environments_credentials() {
    let ctx = seeded()
        .env("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT1")
        .env("AWS_SECRET_ACCESS_KEY", "envsecret");
    ctx.write_aws_files("[profile biz]\nrole_arn = arn:aws:iam::111122223333:role/Biz\ncredential_source = Environment\nregion = us-east-1\n", "");
    assert_eq!(init_with(&ctx, "biz"), ["AKIAFROMENVIRONMENT1"]);
}

#[test]
fn a_role_over_a_web_identity() {
    let ctx = seeded();
    let token = ctx.home().join("token");
    fs_err::write(&token, "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl").unwrap();
    ctx.write_aws_files(
        &format!("[profile web]\nrole_arn = arn:aws:iam::222222222222:role/Ci\nweb_identity_token_file = {}\n\n[profile biz]\nrole_arn = arn:aws:iam::111122223333:role/Biz\nsource_profile = web\nregion = us-east-1\n", token.display()),
        "",
    );
    ctx.moto().start_recording();
    let out = ctx.run(&["init", "--yes", "--providers", &providers("biz")]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let recording = ctx.moto().recording();
    assert_eq!(
        calls(&recording, "AssumeRoleWithWebIdentity").len(),
        1,
        "{recording:#?}"
    );
    let assume = calls(&recording, "AssumeRole");
    assert_eq!(assume.len(), 1);
    assert!(
        assume[0].has_session_token,
        "signed by the web identity's session"
    );
}

#[test]
fn bad_profiles_are_clear_errors() {
    let ctx = seeded();
    let config = "\
[profile loop1]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = loop2
[profile loop2]
role_arn = arn:aws:iam::111111111111:role/B
source_profile = loop1
[profile both]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = devcorpuser
credential_source = Environment
[profile nokeys]
region = us-east-1
[profile empty]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = nokeys
[profile short]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = devcorpuser
duration_seconds = 60
[profile badarn]
role_arn = arn:aws:iam:1
source_profile = devcorpuser
[profile devcorpuser]
region = us-east-1
";
    ctx.write_aws_files(config, amplify_test_support::SEED_CREDENTIALS);
    let cases = [
        (
            "loop1",
            "Infinite loop in credential configuration detected. Visited profiles: [loop1, loop2, loop1]",
        ),
        (
            "both",
            "The profile \"both\" ([HOME]/.aws/config:10) contains both source_profile and credential_source",
        ),
        (
            "empty",
            "The source profile \"nokeys\" must have credentials",
        ),
        (
            "short",
            "duration_seconds = 60 in profile \"short\" ([HOME]/.aws/config:19)",
        ),
        (
            "badarn",
            "role_arn = arn:aws:iam:1 in profile \"badarn\" ([HOME]/.aws/config:21) is shorter than 20 characters",
        ),
        (
            "devcorpusr",
            "The config profile (devcorpusr) could not be found",
        ),
    ];
    for (profile, message) in cases {
        let out = ctx.run(&["init", "--yes", "--providers", &providers(profile)]);
        assert_eq!(out.code, Some(1), "{profile}: {}", out.all());
        let stderr = ctx.normalize(&out.stderr);
        assert!(
            stderr.contains(message),
            "{profile}: expected {message:?} in\n{stderr}"
        );
        assert!(stderr.contains("hint:"), "{profile}: {stderr}");
        assert!(project_files(&ctx).is_empty());
    }
}

#[test]
fn bad_files_name_the_file_and_line() {
    let ctx = seeded();
    // A line that is not `key = value`, holding a secret that must not be echoed.
    ctx.write_aws_files(amplify_test_support::SEED_CONFIG, "[devcorpuser]\naws_access_key_id=AKIADEVCORPUSER00001\naws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEVCORPKEY\n");
    let out = ctx.run(&["init", "--yes", "--providers", &providers("bizcorprole")]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    let stderr = ctx.normalize(&out.stderr);
    assert!(
        stderr.contains("error parsing [HOME]/.aws/credentials:3"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("wJalrXUtnFEMI"),
        "the broken line is never quoted: {stderr}"
    );

    // A folder where a file should be.
    fs_err::remove_file(ctx.home().join(".aws/credentials")).unwrap();
    fs_err::create_dir(ctx.home().join(".aws/credentials")).unwrap();
    let out = ctx.run(&["init", "--yes", "--providers", &providers("bizcorprole")]);
    assert_eq!(out.code, Some(1));
    assert!(
        ctx.normalize(&out.stderr)
            .contains("[HOME]/.aws/credentials is not a regular file"),
        "{}",
        out.stderr
    );

    // No files at all.
    fs_err::remove_dir(ctx.home().join(".aws/credentials")).unwrap();
    fs_err::remove_file(ctx.home().join(".aws/config")).unwrap();
    let out = ctx.run(&["init", "--yes", "--providers", &providers("bizcorprole")]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("The config profile (bizcorprole) could not be found"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("no profiles are defined"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_section_that_is_not_a_profile_is_a_warning_with_its_line() {
    let ctx = seeded();
    let config = format!(
        "{}\n[bizcorpadmin]\nregion = us-east-1\n",
        amplify_test_support::SEED_CONFIG
    );
    ctx.write_aws_files(&config, amplify_test_support::SEED_CREDENTIALS);
    let out = headless_init(&ctx, &[]);
    assert_eq!(
        out.code,
        Some(0),
        "the rest of the file still works: {}",
        out.all()
    );
    let stderr = ctx.normalize(&out.stderr);
    assert!(
        stderr.contains("warning: [HOME]/.aws/config:11: [bizcorpadmin] is not a profile"),
        "{stderr}"
    );
    assert!(stderr.contains("[profile bizcorpadmin]"), "{stderr}");
}

#[test]
fn aws_profiles_lists_explains_and_checks() {
    let ctx = seeded_without_moto();
    let out = ctx.run(&["aws", "profiles"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stdout
            .contains("bizcorprole  us-east-1   role BizCorpAmplifyRole via devcorpuser, MFA"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("devcorpuser  us-east-1   static keys"),
        "{}",
        out.stdout
    );

    let out = ctx.run(&["aws", "profiles", "bizcorprole"]);
    let text = ctx.normalize(&out.stdout);
    assert!(
        text.contains("1. static keys of profile devcorpuser ([HOME]/.aws/credentials:2)"),
        "{text}"
    );
    assert!(text.contains("2. AssumeRole arn:aws:iam::111122223333:role/BizCorpAmplifyRole as profile bizcorprole ([HOME]/.aws/config:2)"), "{text}");
    assert!(
        text.contains("MFA device arn:aws:iam::444455556666:mfa/devcorpuser")
            && text.contains("external ID bizcorp-7f3a9c"),
        "{text}"
    );

    let out = ctx.run(&["aws", "profiles", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        list[0]["hops"][0]["mfa_serial"],
        "arn:aws:iam::444455556666:mfa/devcorpuser"
    );
    assert_eq!(list[1]["base"]["kind"], "static");
    assert!(
        !out.stdout.contains("wJalrXUtnFEMI"),
        "no secret in the listing"
    );

    let out = ctx.run(&["aws", "profiles", "--check"]);
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.contains("2 profiles in") && out.stdout.contains("0 cannot be used, 0 warnings"),
        "{}",
        out.stdout
    );

    let config = format!(
        "{}\n[profile broken]\nrole_arn = arn:aws:iam::111122223333:role/X\n\n[typo]\nregion = eu-west-1\n",
        amplify_test_support::SEED_CONFIG
    );
    ctx.write_aws_files(&config, amplify_test_support::SEED_CREDENTIALS);
    let out = ctx.run(&["aws", "profiles", "--check"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    let text = ctx.normalize(&out.stdout);
    assert!(
        text.contains("warning: [HOME]/.aws/config:14: [typo] is not a profile"),
        "{text}"
    );
    assert!(text.contains("error: profile broken: The profile \"broken\" ([HOME]/.aws/config:12) has a role_arn but neither source_profile nor credential_source"), "{text}");
    assert!(text.contains("hint: add `source_profile ="), "{text}");
    assert!(
        out.stderr.contains("1 of 3 profiles cannot be used"),
        "{}",
        out.stderr
    );
}
