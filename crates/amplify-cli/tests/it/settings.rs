//! Each setting reaches the code that uses it, from the settings files, and the precedence holds where a
//! user would see it: the requests STS received (moto's recorder), the attempts a silent peer counted, the
//! profile init chose, what the terminal showed.

use amplify_test_support::SilentPeer;

use crate::common::*;
use crate::config::{project_file, user_file, write};

#[test]
fn settings_aws_timeout_and_attempts_from_the_user_file_bound_each_call() {
    let silent = SilentPeer::start();
    let ctx = seeded_without_moto()
        .env("AWS_ENDPOINT_URL", &silent.endpoint())
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    write(&user_file(&ctx), "[aws]\ntimeout = 0.5\nattempts = 2\n");
    let started = std::time::Instant::now();
    let out = ctx.run(&["aws", "whoami", "--profile", "bizcorprole"]);
    assert_eq!(out.code, Some(3), "{}", out.all());
    assert_eq!(silent.connections(), 2, "aws.attempts = 2");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "two attempts of half a second, with backoff: {:?}",
        started.elapsed()
    );

    // The variable wins over the file.
    let silent = SilentPeer::start();
    let mut command = ctx.command(&["aws", "whoami", "--profile", "bizcorprole"]);
    command
        .env("AWS_ENDPOINT_URL", silent.endpoint())
        .env("AMPLIFY_RS_AWS_ATTEMPTS", "1")
        .stdin(std::process::Stdio::null());
    let out = ctx.run_command(&mut command);
    assert_eq!(out.code, Some(3), "{}", out.all());
    assert_eq!(silent.connections(), 1, "AMPLIFY_RS_AWS_ATTEMPTS = 1");
}

/// The seed's role profile with its own key, and a project made by a headless init.
fn project_with_profile_key(key: &str) -> amplify_test_support::TestContext {
    let ctx = seeded();
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace(
            "region=us-east-1\n\n",
            &format!("region=us-east-1\n{key}\n\n"),
        ),
    )
    .unwrap();
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    ctx
}

/// `aws whoami` after `reset-cache`, with `extra` variables and flags: the GetSessionToken calls STS got.
fn session_tokens(
    ctx: &amplify_test_support::TestContext,
    args: &[&str],
    env: &[(&str, &str)],
) -> Vec<amplify_test_support::Recorded> {
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
    ctx.moto().start_recording();
    let mut all = vec!["aws", "whoami"];
    all.extend_from_slice(args);
    let mut command = ctx.command(&all);
    command
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = ctx.run_command(&mut command);
    assert_eq!(out.code, Some(0), "{args:?} {env:?}: {}", out.all());
    calls(&ctx.moto().recording(), "GetSessionToken")
        .into_iter()
        .cloned()
        .collect()
}

#[test]
fn settings_mfa_session_flag_variable_project_user_profile_key_in_that_order() {
    let ctx = project_with_profile_key("amplify_rs_mfa_session=false");
    assert!(
        session_tokens(&ctx, &[], &[]).is_empty(),
        "the profile's key says false"
    );

    write(
        &user_file(&ctx),
        "[mfa]\nsession = true\nsession_duration = 3600\n",
    );
    let tokens = session_tokens(&ctx, &[], &[]);
    assert_eq!(tokens.len(), 1, "the user file wins over the profile's key");
    assert_eq!(tokens[0].params["DurationSeconds"], "3600");
    assert_eq!(tokens[0].params["TokenCode"], MFA_CODE);

    write(&project_file(&ctx), "[mfa]\nsession = false\n");
    assert!(
        session_tokens(&ctx, &[], &[]).is_empty(),
        "the project file wins over the user file"
    );

    let on = [("AMPLIFY_RS_MFA_SESSION", "1")];
    assert_eq!(
        session_tokens(&ctx, &[], &on).len(),
        1,
        "the variable wins over the project file"
    );
    let off = [("AMPLIFY_RS_MFA_SESSION", "0")];
    write(&project_file(&ctx), "[mfa]\nsession = true\n");
    assert!(
        session_tokens(&ctx, &[], &off).is_empty(),
        "off, from the variable"
    );
    assert_eq!(
        session_tokens(&ctx, &["--mfa-session"], &off).len(),
        1,
        "the flag wins over the variable"
    );
    let duration = [("AMPLIFY_RS_MFA_SESSION_DURATION", "7200")];
    let tokens = session_tokens(&ctx, &[], &duration);
    assert_eq!(tokens[0].params["DurationSeconds"], "7200");
}

#[test]
fn settings_mfa_process_from_the_user_file_and_never_from_the_project() {
    let ctx = seeded();
    write(&user_file(&ctx), "[mfa]\nprocess = \"printf 271828\"\n");
    ctx.moto().start_recording();
    let out = ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        calls(&ctx.moto().recording(), "AssumeRole")[0].params["TokenCode"],
        "271828"
    );

    // The setting wins over the profile's own mfa_process, and its errors say where it was set.
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace("external_id=", "mfa_process=printf 111111\nexternal_id="),
    )
    .unwrap();
    write(&user_file(&ctx), "[mfa]\nprocess = \"echo not-a-code\"\n");
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr).contains(
            "the mfa.process set by [HOME]/.config/amplify-rs/config.toml:2 printed something that is not an MFA code"
        ),
        "{}",
        out.stderr
    );

    // The variable wins over the file.
    ctx.moto().start_recording();
    let mut command = ctx.command(&["aws", "whoami"]);
    command
        .env("AMPLIFY_RS_MFA_PROCESS", "printf 314159")
        .stdin(std::process::Stdio::null());
    let out = ctx.run_command(&mut command);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        calls(&ctx.moto().recording(), "AssumeRole")[0].params["TokenCode"],
        "314159"
    );

    // A project file cannot: the command stops before any call, and nothing runs.
    let marker = ctx.home().join("ran");
    write(
        &project_file(&ctx),
        &format!(
            "mfa.process = \"touch {} && printf 999999\"\n",
            marker.display()
        ),
    );
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(1));
    ctx.moto().start_recording();
    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr).contains(
            "[HOME]/myapp/amplify-rs.toml:1:5: mfa.process cannot be set in a project file"
        ),
        "{}",
        out.stderr
    );
    assert!(ctx.moto().recording().is_empty(), "no call to AWS");
    assert!(!marker.exists(), "the project's command never ran");
}

/// Makes every cached entry expire `minutes` from now.
fn age_cache(ctx: &amplify_test_support::TestContext, minutes: i64) {
    let mut cache = cache(ctx);
    let at = (time::OffsetDateTime::now_utc() + time::Duration::minutes(minutes))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for entries in cache["amplify-rs"]["projects"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        for entry in entries.as_object_mut().unwrap().values_mut() {
            entry["expiration"] = serde_json::json!(at);
        }
    }
    fs_err::write(ctx.cache_path(), serde_json::to_string(&cache).unwrap()).unwrap();
}

#[test]
fn settings_reuse_margin_renews_cached_credentials_earlier_never_later() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let assume_roles = |env: &[(&str, &str)]| {
        ctx.moto().start_recording();
        let mut command = ctx.command(&["aws", "whoami"]);
        command
            .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
            .stdin(std::process::Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let out = ctx.run_command(&mut command);
        assert_eq!(out.code, Some(0), "{env:?}: {}", out.all());
        calls(&ctx.moto().recording(), "AssumeRole").len()
    };
    // Cached credentials with 20 minutes left: reused with the default margin of 5 minutes...
    age_cache(&ctx, 20);
    assert_eq!(assume_roles(&[]), 0, "the cache serves them");
    // ... renewed with a margin of 25 minutes.
    write(&user_file(&ctx), "[credentials]\nreuse_margin = 1500\n");
    assert_eq!(assume_roles(&[]), 1, "25 minutes wanted, 20 left");
    assert_eq!(assume_roles(&[]), 0, "the new ones last an hour");
    age_cache(&ctx, 20);
    assert_eq!(
        assume_roles(&[("AMPLIFY_RS_REUSE_MARGIN", "300")]),
        0,
        "the variable wins over the file"
    );

    // A margin longer than half the role's session is cut to half: 15-minute sessions still serve the
    // next run, instead of STS being asked again and again for credentials already too old.
    let config = fs_err::read_to_string(ctx.home().join(".aws/config")).unwrap();
    fs_err::write(
        ctx.home().join(".aws/config"),
        config.replace(
            "region=us-east-1\n\n",
            "region=us-east-1\nduration_seconds=900\n\n",
        ),
    )
    .unwrap();
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
    assert_eq!(assume_roles(&[]), 1);
    assert_eq!(assume_roles(&[]), 0, "reused: 15 minutes left, 7.5 wanted");

    // Shorter than five minutes is refused, never used.
    write(&user_file(&ctx), "[credentials]\nreuse_margin = 30\n");
    let out = ctx.run(&["aws", "whoami"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr.contains(
            "credentials.reuse_margin must be a whole number of seconds from 300 to 1800, not 30"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn settings_default_profile_for_yes_from_the_user_file_below_aws_profile() {
    let ctx = seeded();
    write(
        &user_file(&ctx),
        "[init]\ndefault_profile = \"devcorpuser\"\n",
    );
    let out = ctx.run(&["init", "--yes"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "devcorpuser"
    );

    let ctx = seeded().env("AWS_PROFILE", "bizcorprole");
    write(
        &user_file(&ctx),
        "[init]\ndefault_profile = \"devcorpuser\"\n",
    );
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(
        ctx.project_json("amplify/.config/local-aws-info.json")["dev"]["profileName"],
        "bizcorprole",
        "AWS_PROFILE wins over the file"
    );

    let ctx = seeded();
    write(
        &user_file(&ctx),
        "[init]\ndefault_profile = \"nosuchprofile\"\n",
    );
    let out = ctx.run(&["init", "--yes"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        ctx.normalize(&out.stderr).contains(
            "hint: init.default_profile ([HOME]/.config/amplify-rs/config.toml:2) names the profile nosuchprofile"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn settings_default_profile_is_preselected_in_the_picker() {
    let ctx = seeded();
    write(
        &user_file(&ctx),
        "[init]\ndefault_profile = \"devcorpuser\"\n",
    );
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults(&mut pty);
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    assert!(pty.screen().contains("❯ devcorpuser"), "{}", pty.screen());
    pty.enter();
    pty.expect("Your project has been successfully initialized and connected to the cloud!");
    assert_eq!(pty.wait(), 0);
}

#[test]
fn settings_progress_and_color_reach_the_terminal() {
    // Progress off: one line per step instead of a spinner, in a terminal.
    let ctx = seeded().env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    write(
        &user_file(&ctx),
        "[ui]\nprogress = false\ncolor = \"never\"\n",
    );
    let mut pty = ctx.pty(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    pty.expect("Your project has been successfully initialized");
    assert_eq!(pty.wait(), 0);
    let transcript = pty.transcript();
    assert!(
        transcript.contains(" in us-east-1..."),
        "the step as a line: {transcript:?}"
    );
    assert!(
        !transcript.contains("\x1b[32m"),
        "no colour: {transcript:?}"
    );

    // The defaults: a spinner (no such line), and colours in a terminal.
    let ctx = seeded().env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    let mut pty = ctx.pty(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    pty.expect("Your project has been successfully initialized");
    assert_eq!(pty.wait(), 0);
    let transcript = pty.transcript();
    assert!(!transcript.contains(" in us-east-1..."), "{transcript:?}");
    assert!(transcript.contains("\x1b[32m"), "green: {transcript:?}");

    // Colour without a terminal: `always` from the file, `--color never` wins over it, NO_COLOR too.
    let ctx = seeded_without_moto();
    write(&user_file(&ctx), "[ui]\ncolor = \"always\"\n");
    let failing = ["aws", "profiles", "nosuchprofile"];
    assert!(ctx.run(&failing).stderr.contains("\x1b["), "always");
    let mut args = vec!["--color", "never"];
    args.extend(failing);
    assert!(!ctx.run(&args).stderr.contains("\x1b["), "the flag wins");
    let ctx = ctx.env("NO_COLOR", "1");
    assert!(
        !ctx.run(&failing).stderr.contains("\x1b["),
        "NO_COLOR wins over the file"
    );
    let mut args = vec!["--color", "always"];
    args.extend(failing);
    assert!(
        ctx.run(&args).stderr.contains("\x1b["),
        "the flag wins over NO_COLOR"
    );
}
