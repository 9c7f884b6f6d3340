//! `amplify-rs awscloudformation reset-cache` and `amplify-rs aws reset-cache`.

use crate::common::*;

#[test]
fn reset_cache_removes_this_projects_entries_only() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    let other = ctx.home().join("other");
    fs_err::create_dir_all(&other).unwrap();
    let mut command = ctx.command(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    command
        .current_dir(&other)
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    assert!(command.output().unwrap().status.success());

    // From a subfolder of the project, with the long name.
    fs_err::create_dir_all(ctx.project_dir().join("src/components")).unwrap();
    let mut command = ctx.command(&["awscloudformation", "reset-cache"]);
    command.current_dir(ctx.project_dir().join("src/components"));
    let out = command.output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("  Cached temp credentials are deleted for the project.")
    );
    assert!(cached_entries(&ctx, &ctx.project_dir()).is_empty());
    assert_eq!(
        cached_entries(&ctx, &other).len(),
        1,
        "the other project keeps its session"
    );

    let out = ctx.run(&["aws", "reset-cache"]);
    assert_eq!(out.code, Some(0));
    assert!(
        out.stderr
            .contains("  No temp credentials are cached for the project."),
        "{}",
        out.stderr
    );
}

#[test]
fn outside_a_project_it_is_an_error() {
    let ctx = seeded();
    let out = ctx.run(&["aws", "reset-cache"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("Current environment cannot be determined."),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(
        "Use 'amplify-rs init' in the root of your app directory to create a new environment."
    ));
}
