//! The credential cache as users see it: one entry per project, reuse only with time to spare, other
//! programs' entries kept, a corrupt file survived.

use serde_json::json;

use crate::common::*;

#[test]
fn another_project_with_the_same_profile_gets_its_own_entry() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let other = ctx.home().join("other");
    fs_err::create_dir_all(&other).unwrap();
    ctx.moto().start_recording();
    let mut command = ctx.command(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    command
        .current_dir(&other)
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    assert!(command.output().unwrap().status.success());
    assert_eq!(
        calls(&ctx.moto().recording(), "AssumeRole").len(),
        1,
        "the other project does not borrow the first one's session"
    );
    assert_eq!(cached_entries(&ctx, &ctx.project_dir()).len(), 1);
    assert_eq!(cached_entries(&ctx, &other).len(), 1);
}

#[test]
fn an_entry_with_five_minutes_or_less_left_is_renewed() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let mut cache = cache(&ctx);
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::minutes(4))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for entries in cache["amplify-rs"]["projects"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        for entry in entries.as_object_mut().unwrap().values_mut() {
            entry["expiration"] = json!(soon);
        }
    }
    fs_err::write(ctx.cache_path(), serde_json::to_string(&cache).unwrap()).unwrap();

    ctx.moto().start_recording();
    let out = ctx.run(&["init", "--yes", "--amplify", r#"{"envName":"prod"}"#]);
    assert_eq!(
        out.code,
        Some(1),
        "the session is too short to reuse, and no MFA code was given: {}",
        out.all()
    );
    assert!(out.stderr.contains("needs an MFA code"), "{}", out.stderr);
    let out = headless_init(&ctx, &["--amplify", r#"{"envName":"prod"}"#]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(calls(&ctx.moto().recording(), "AssumeRole").len(), 1);
}

#[test]
fn other_programs_entries_survive() {
    let ctx = seeded();
    let theirs = json!({
        "arn:aws:iam::111122223333:role/BizCorpAmplifyRole": {
            "amplify": {"accessKeyId": "ASIAORIGINAL", "secretAccessKey": "x", "sessionToken": "y", "expiration": "2030-01-01T00:00:00.000Z"}
        },
        "some-other-tool": {"anything": [1, 2, 3]}
    });
    fs_err::create_dir_all(ctx.cache_path().parent().unwrap()).unwrap();
    fs_err::write(
        ctx.cache_path(),
        serde_json::to_string_pretty(&theirs).unwrap(),
    )
    .unwrap();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    assert_eq!(ctx.run(&["aws", "reset-cache"]).code, Some(0));
    let after = cache(&ctx);
    for (key, value) in theirs.as_object().unwrap() {
        assert_eq!(&after[key], value, "{key}");
    }
}

#[test]
fn a_corrupt_cache_file_is_a_warning() {
    let ctx = seeded();
    fs_err::create_dir_all(ctx.cache_path().parent().unwrap()).unwrap();
    fs_err::write(ctx.cache_path(), "{\"truncated\": [").unwrap();
    let out = headless_init(&ctx, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr.contains("warning:") && out.stderr.contains("moved to"),
        "{}",
        out.stderr
    );
    assert_eq!(cached_entries(&ctx, &ctx.project_dir()).len(), 1);
    let moved: Vec<_> = fs_err::read_dir(ctx.cache_path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("cache.json.corrupt-"))
        .collect();
    assert_eq!(moved.len(), 1, "the unreadable file is kept aside");
}
