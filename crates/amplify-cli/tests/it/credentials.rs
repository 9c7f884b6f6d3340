//! Credentials that never get in the way: one prompt across parallel runs, codes from a command, rejected
//! codes asked again, MFA sessions shared by roles, and the project's session handed to other programs.

use std::time::{Duration, Instant};

use amplify_test_support::{Pty, StsReplay, TestContext, repo_root};

use crate::common::*;

/// A project initialised headless, then its cache emptied, so the next command starts cold.
fn cold_project(ctx: &TestContext) {
    let out = headless_init(ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
}

#[test]
fn eight_processes_on_a_cold_cache_prompt_once_and_call_sts_once() {
    let ctx = seeded();
    cold_project(&ctx);
    ctx.moto().start_recording();
    let mut ptys: Vec<Pty> = (0..8).map(|_| ctx.pty(&["aws", "whoami"])).collect();
    let start = Instant::now();
    let mut answered = None;
    let mut alive = vec![true; ptys.len()];
    let waiting = |p: &Pty| p.screen().contains("Waiting for another amplify-rs");
    while alive.iter().any(|a| *a) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "stuck:\n{}",
            ptys.iter()
                .map(Pty::screen)
                .collect::<Vec<_>>()
                .join("\n---\n")
        );
        for (i, pty) in ptys.iter_mut().enumerate() {
            if alive[i] {
                alive[i] = pty.poll();
            }
        }
        // The person answers once every other process is waiting for the one at the prompt: they all
        // started on a cold cache, so none may get past the lock before the code is typed.
        let prompting = ptys
            .iter()
            .position(|p| p.screen().contains("Enter the MFA token code:"));
        if let (None, Some(i)) = (answered, prompting) {
            let others_wait = ptys.iter().enumerate().all(|(j, p)| j == i || waiting(p));
            if others_wait {
                ptys[i].send_line(MFA_CODE);
                answered = Some(i);
            }
        }
    }
    let prompted = answered.expect("one process prompted");
    for (i, pty) in ptys.iter_mut().enumerate() {
        assert_eq!(pty.wait(), 0, "process {i}:\n{}", pty.screen());
        assert!(
            pty.screen().contains("\"Account\": \"111122223333\""),
            "process {i}:\n{}",
            pty.screen()
        );
        if i != prompted {
            assert!(
                !pty.screen().contains("Enter the MFA token code:"),
                "process {i} prompted too:\n{}",
                pty.screen()
            );
        }
    }
    let waited = ptys.iter().filter(|p| waiting(p)).count();
    assert_eq!(waited, 7, "every other process said it was waiting");
    let recording = ctx.moto().recording();
    assert_eq!(
        calls(&recording, "AssumeRole").len(),
        1,
        "one STS call for the one hop"
    );
    assert_eq!(calls(&recording, "GetCallerIdentity").len(), 8);
    assert_eq!(
        cached_entries(&ctx, &ctx.project_dir()).len(),
        1,
        "the cache file parses and holds the session"
    );
    let transcripts: Vec<String> = ptys.iter().map(Pty::transcript).collect();
    assert_no_secrets(
        &ctx,
        &transcripts.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

#[test]
fn a_rejected_code_is_reported_and_asked_again() {
    let ctx = seeded();
    cold_project(&ctx);
    let replay = StsReplay::start(ctx.moto().endpoint(), &["111111", "222222", "333333"]);
    let ctx = ctx.env("AWS_ENDPOINT_URL_STS", &replay.endpoint());

    let mut pty = ctx.pty(&["aws", "whoami"]);
    pty.expect("Enter the MFA token code:");
    pty.send_line("111111");
    pty.expect("STS rejected the code: MultiFactorAuthentication failed with invalid MFA one time pass code.");
    pty.send_line(MFA_CODE);
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    assert!(
        pty.screen().contains("\"Account\": \"111122223333\""),
        "{}",
        pty.screen()
    );
    assert_eq!(replay.rejected(), ["111111"]);

    // Three wrong codes end it, with the reason and the exit code of an AWS refusal.
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
    let mut pty = ctx.pty(&["aws", "whoami"]);
    for code in ["111111", "222222", "333333"] {
        pty.expect("Enter the MFA token code:");
        pty.send_line(code);
        if code != "333333" {
            pty.expect("STS rejected the code");
        }
    }
    assert_eq!(pty.wait(), 3, "{}", pty.screen());
    assert!(
        pty.screen()
            .contains("STS rejected the MFA code for profile bizcorprole 3 times"),
        "{}",
        pty.screen()
    );
    assert!(pty.screen().contains("hint:"), "{}", pty.screen());
    assert!(
        !pty.transcript().contains("222222"),
        "codes are never echoed"
    );
}

#[test]
fn a_code_from_the_environment_that_sts_rejects_is_not_retried() {
    let ctx = seeded();
    cold_project(&ctx);
    let replay = StsReplay::start(ctx.moto().endpoint(), &["111111"]);
    let ctx = ctx
        .env("AWS_ENDPOINT_URL_STS", &replay.endpoint())
        .env("AMPLIFY_RS_MFA_CODE", "111111");
    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr
            .contains("STS rejected the MFA code given with --mfa-code or AMPLIFY_RS_MFA_CODE"),
        "{}",
        out.stderr
    );
    assert_eq!(
        replay.rejected(),
        ["111111"],
        "one attempt: the same code would fail again"
    );
}

#[test]
fn mfa_process_supplies_the_code() {
    let ctx = seeded();
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace("external_id=", "mfa_process=printf 271828\nexternal_id="),
    )
    .unwrap();
    ctx.moto().start_recording();
    let out = ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        calls(&ctx.moto().recording(), "AssumeRole")[0].params["TokenCode"],
        "271828"
    );
    assert!(!out.all().contains("271828"));

    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace("external_id=", "mfa_process=echo not-a-code\nexternal_id="),
    )
    .unwrap();
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains(
            "the mfa_process of profile bizcorprole printed something that is not an MFA code"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("not-a-code"),
        "what the command printed is not echoed: {}",
        out.stderr
    );

    // A process that prints without end is read only so far, then refused (no memory exhausted, no hang).
    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace("external_id=", "mfa_process=yes 123456\nexternal_id="),
    )
    .unwrap();
    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr
            .contains("printed more than 4096 bytes, and an MFA code is 6 digits"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_mfa_session_is_shared_by_the_roles_of_one_device() {
    let ctx = seeded();
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    let config = config.replace(
        "region=us-east-1\n\n",
        "region=us-east-1\namplify_rs_mfa_session=true\n\n",
    ) + "\n[profile bizcorpadmin]\nrole_arn=arn:aws:iam::111122223333:role/BizCorpAdmin\nsource_profile=devcorpuser\nmfa_serial=arn:aws:iam::444455556666:mfa/devcorpuser\nregion=us-east-1\namplify_rs_mfa_session=true\n";
    fs_err::write(ctx.home().join(".aws/config"), config).unwrap();
    ctx.moto().start_recording();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    // The other role, no code given: the MFA session opens it.
    let admin = r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorpadmin"}}"#;
    let out = ctx.run(&[
        "init",
        "--yes",
        "--amplify",
        r#"{"envName":"prod"}"#,
        "--providers",
        admin,
    ]);
    assert_eq!(out.code, Some(0), "{}", out.all());

    let recording = ctx.moto().recording();
    let session = calls(&recording, "GetSessionToken");
    assert_eq!(session.len(), 1, "one MFA session: {recording:#?}");
    assert_eq!(session[0].params["TokenCode"], MFA_CODE);
    assert_eq!(
        session[0].params["SerialNumber"],
        amplify_test_support::SEED_MFA_SERIAL
    );
    assert_eq!(session[0].access_key, DEV_KEY);
    let assumes = calls(&recording, "AssumeRole");
    let roles: Vec<&str> = assumes
        .iter()
        .map(|a| a.params["RoleArn"].as_str())
        .collect();
    assert_eq!(
        roles,
        [
            "arn:aws:iam::111122223333:role/BizCorpAmplifyRole",
            "arn:aws:iam::111122223333:role/BizCorpAdmin"
        ]
    );
    for assume in &assumes {
        assert!(
            !assume.params.contains_key("TokenCode") && !assume.params.contains_key("SerialNumber"),
            "{assume:?}"
        );
        assert_ne!(
            assume.access_key, DEV_KEY,
            "assumed from the MFA session, not the user's keys"
        );
        assert!(assume.has_session_token);
    }
    assert_eq!(
        assumes[0].access_key, assumes[1].access_key,
        "both from the same MFA session"
    );
}

#[test]
fn the_aws_cli_uses_the_projects_session_through_credential_process() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let binary = env!("CARGO_BIN_EXE_amplify-rs");
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap()
        + &format!(
            "\n[profile myapp]\ncredential_process = {binary} aws credentials --format process --project {}\nregion = us-east-1\n",
            ctx.project_dir().display()
        );
    fs_err::write(ctx.home().join(".aws/config"), config).unwrap();

    ctx.moto().start_recording();
    let output = std::process::Command::new(repo_root().join(".venv/bin/aws"))
        .args([
            "sts",
            "get-caller-identity",
            "--profile",
            "myapp",
            "--output",
            "json",
        ])
        .env_clear()
        .env("HOME", ctx.home())
        .env("PATH", std::env::var("PATH").unwrap())
        .env("AWS_ENDPOINT_URL", ctx.moto().endpoint())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let identity: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        identity["Arn"],
        "arn:aws:sts::111122223333:assumed-role/BizCorpAmplifyRole/amplify"
    );
    let recording = ctx.moto().recording();
    assert!(
        calls(&recording, "AssumeRole").is_empty(),
        "the cached session was handed over"
    );

    let out = ctx.run(&["aws", "credentials", "--format", "env"]);
    assert_eq!(out.code, Some(0));
    let key = cached_key(&ctx, &ctx.project_dir());
    assert!(
        out.stdout
            .contains(&format!("export AWS_ACCESS_KEY_ID='{key}'")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("export AWS_SESSION_TOKEN='")
            && out.stdout.contains("export AWS_REGION='us-east-1'")
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);

    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(0));
    assert_no_secrets(&ctx, &[&out.all()]);
}

#[test]
fn when_the_prompting_process_is_interrupted_the_waiting_one_takes_over() {
    let ctx = seeded();
    cold_project(&ctx);
    let mut first = ctx.pty(&["aws", "whoami"]);
    first.expect("Enter the MFA token code:");
    let mut second = ctx.pty(&["aws", "whoami"]);
    second.expect("Waiting for another amplify-rs (process");
    first.ctrl_c();
    assert_eq!(first.wait(), 130);
    second.expect("Enter the MFA token code:");
    second.send_line(MFA_CODE);
    assert_eq!(second.wait(), 0, "{}", second.screen());
    assert!(second.screen().contains("\"Account\": \"111122223333\""));
}

#[test]
fn mfa_process_can_read_the_terminal() {
    let ctx = seeded();
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    // A password manager asking for its PIN on the terminal, then printing the code.
    let process =
        "mfa_process=sh -c 'printf \"PIN: \" >&2; read pin; [ \"$pin\" = 4242 ] && echo 271828'\n";
    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace("external_id=", &format!("{process}external_id=")),
    )
    .unwrap();
    ctx.moto().start_recording();
    let mut pty = ctx.pty(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    pty.expect("PIN:");
    pty.send_line("4242");
    assert_eq!(pty.wait(), 0, "{}", pty.screen());
    assert_eq!(
        calls(&ctx.moto().recording(), "AssumeRole")[0].params["TokenCode"],
        "271828"
    );
}

#[test]
fn a_code_from_the_environment_is_used_once() {
    let ctx = seeded();
    // Two hops, each with its own MFA device: one code cannot open both.
    let config = "[profile jump]\nrole_arn=arn:aws:iam::222222222222:role/Jump\nsource_profile=devcorpuser\nmfa_serial=arn:aws:iam::444455556666:mfa/devcorpuser\n\n[profile biz]\nrole_arn=arn:aws:iam::111122223333:role/Biz\nsource_profile=jump\nmfa_serial=arn:aws:iam::222222222222:mfa/ops\nregion=us-east-1\n";
    ctx.write_aws_files(config, amplify_test_support::SEED_CREDENTIALS);
    ctx.moto().start_recording();
    let providers =
        r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"biz"}}"#;
    let mut command = ctx.command(&["init", "--yes", "--providers", providers]);
    command.env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "profile biz needs a second MFA code (another hop of its chain asks for one)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("mfa_process"),
        "the hint offers the ways out: {stderr}"
    );
    let assumes = calls(&ctx.moto().recording(), "AssumeRole").len();
    assert_eq!(
        assumes, 1,
        "the first hop used the code; the second was not sent with it again"
    );
}

#[test]
fn a_stray_amplify_folder_stops_init_before_any_aws_call() {
    let ctx = seeded();
    fs_err::create_dir_all(ctx.project_dir().join("amplify/notes")).unwrap();
    ctx.moto().start_recording();
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr
            .contains("already exists but is not an Amplify project"),
        "{}",
        out.stderr
    );
    assert!(
        ctx.moto().recording().is_empty(),
        "no AssumeRole, no CreateStack"
    );
}

#[test]
fn a_session_with_twelve_minutes_left_is_exported_without_a_new_assume_role() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    // What a 900-second session has three minutes after it began.
    let mut cache = cache(&ctx);
    let left = time::OffsetDateTime::now_utc() + time::Duration::minutes(12);
    let left = left
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for entries in cache["amplify-rs"]["projects"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        for entry in entries.as_object_mut().unwrap().values_mut() {
            entry["expiration"] = serde_json::json!(left);
        }
    }
    fs_err::write(ctx.cache_path(), serde_json::to_string(&cache).unwrap()).unwrap();
    ctx.moto().start_recording();
    let out = ctx.run(&["aws", "credentials"]);
    assert_eq!(out.code, Some(0), "no MFA code needed: {}", out.all());
    let printed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(printed["Expiration"].as_str(), Some(left.as_str()));
    assert!(calls(&ctx.moto().recording(), "AssumeRole").is_empty());
}

#[test]
fn credentials_for_other_programs_have_more_than_eleven_minutes_left() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    // Ten minutes left: enough for amplify-rs itself, not for a credential_process (botocore would block on
    // it at once).
    let mut cache = cache(&ctx);
    let soon = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
    let soon = soon
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for entries in cache["amplify-rs"]["projects"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        for entry in entries.as_object_mut().unwrap().values_mut() {
            entry["expiration"] = serde_json::json!(soon);
        }
    }
    fs_err::write(ctx.cache_path(), serde_json::to_string(&cache).unwrap()).unwrap();

    ctx.moto().start_recording();
    assert_eq!(
        ctx.run(&["aws", "whoami"]).code,
        Some(0),
        "reused for our own call"
    );
    let out = ctx.run(&["aws", "credentials"]);
    assert_eq!(out.code, Some(1), "renewal needs a code: {}", out.all());
    let mut command = ctx.command(&["aws", "credentials"]);
    command.env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expiration = time::OffsetDateTime::parse(
        printed["Expiration"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(
        expiration - time::OffsetDateTime::now_utc() > time::Duration::minutes(15),
        "{expiration}"
    );
    assert_eq!(calls(&ctx.moto().recording(), "AssumeRole").len(), 1);
}
