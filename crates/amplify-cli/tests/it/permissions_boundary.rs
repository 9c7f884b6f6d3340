//! `init --permissions-boundary`: kept where the original keeps it (`PermissionsBoundaryPolicyArn` in the
//! environment's entry of `team-provider-info.json`), set on the root stack's roles as the original sets it,
//! and carried over to a new environment; checked on the roles moto created.

use amplify_test_support::TestContext;

use crate::common::*;

const BOUNDARY: &str = "arn:aws:iam::123456789012:policy/AmplifyBoundary";

/// The permissions boundary of the role `name`, as IAM reports it, in the account of the project's session.
fn role_boundary(ctx: &TestContext, name: &str) -> Option<String> {
    let key = cached_key(ctx, &ctx.project_dir());
    let xml = ctx
        .moto()
        .call_as(&key, "iam", &[("Action", "GetRole"), ("RoleName", name)]);
    let open = "<PermissionsBoundaryArn>";
    let start = xml.find(open)? + open.len();
    Some(xml[start..start + xml[start..].find('<')?].to_string())
}

/// The boundary `env` records, and that of its two roles.
fn boundaries(ctx: &TestContext, env: &str) -> (Option<String>, [Option<String>; 2]) {
    let entry = &ctx.project_json("amplify/team-provider-info.json")[env]["awscloudformation"];
    let recorded = entry["PermissionsBoundaryPolicyArn"]
        .as_str()
        .map(str::to_string);
    let stack = entry["StackName"].as_str().unwrap();
    let roles = [
        role_boundary(ctx, &format!("{stack}-authRole")),
        role_boundary(ctx, &format!("{stack}-unauthRole")),
    ];
    (recorded, roles)
}

#[test]
fn the_boundary_bounds_the_roles_and_is_carried_to_a_new_environment() {
    let ctx = seeded();
    ctx.moto().start_recording();
    let out = headless_init(&ctx, &["--permissions-boundary", BOUNDARY]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let bounded = (
        Some(BOUNDARY.to_string()),
        [Some(BOUNDARY.to_string()), Some(BOUNDARY.to_string())],
    );
    assert_eq!(boundaries(&ctx, "dev"), bounded);
    let tpi = ctx.project_json("amplify/team-provider-info.json");
    assert_eq!(
        tpi["dev"]["awscloudformation"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .map(String::as_str),
        Some("PermissionsBoundaryPolicyArn"),
        "first, as the original writes it"
    );

    // A new environment without the flag takes the current one's, and says so in the original's words.
    let out = headless_init_with(&ctx, &["--envName", "prod"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        out.stderr.contains(&format!(
            "Permissions boundary {BOUNDARY} from the dev environment has automatically been applied to the prod environment."
        )),
        "{}",
        out.stderr
    );
    assert_eq!(boundaries(&ctx, "prod"), bounded);

    // "" is none, and nothing is carried over.
    let out = headless_init_with(&ctx, &["--envName", "test", "--permissions-boundary", ""]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(
        !out.stderr.contains("Permissions boundary"),
        "{}",
        out.stderr
    );
    assert_eq!(boundaries(&ctx, "test"), (None, [None, None]));
    // And from an environment without one, none either.
    let out = headless_init_with(&ctx, &["--envName", "qa"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(boundaries(&ctx, "qa"), (None, [None, None]));
}

#[test]
fn a_value_that_is_not_a_policy_arn_is_refused_before_anything_happens() {
    let ctx = seeded();
    ctx.moto().start_recording();
    let out = headless_init(
        &ctx,
        &[
            "--permissions-boundary",
            "arn:aws:iam::123456789012:role/Admin",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(
        out.stderr
            .contains("The permissions boundary ARN specified is not a valid IAM Policy ARN")
            && out.stderr.contains("--permissions-boundary"),
        "{}",
        out.stderr
    );
    assert!(project_files(&ctx).is_empty());
    assert!(ctx.moto().recording().is_empty(), "no AWS call");
}
