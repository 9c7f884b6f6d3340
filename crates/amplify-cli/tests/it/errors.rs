//! Every class of error as the user sees it, snapshot by snapshot (`tests/it/snapshots/`), with the test's
//! HOME, ports and random names replaced by placeholders. Each snapshot holds the exit code and all of stderr:
//! what went wrong, why, and what to do. Review a change with `cargo insta review`.

use amplify_test_support::{
    Call, CommandOutput, Fault, FaultProxy, Rule, SEED_CONFIG, SEED_CREDENTIALS, StsReplay,
    TestContext,
};

use crate::common::*;

fn snapshot(ctx: &TestContext, name: &str, out: &CommandOutput) {
    let text = format!("exit code: {:?}\n{}", out.code, ctx.normalize(&out.stderr));
    insta::with_settings!({
        filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
            (r"amplify-myapp-(\w+)-[a-z0-9]{5}", "amplify-myapp-$1-[ID]"),
            (r"\(process \d+\)", "(process [PID])"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn profile_providers(profile: &str) -> String {
    format!(
        r#"{{"awscloudformation":{{"configLevel":"project","useProfile":true,"profileName":"{profile}"}}}}"#
    )
}

#[test]
fn usage() {
    let ctx = seeded_without_moto();
    snapshot(&ctx, "usage", &ctx.run(&["init", "--yess"]));
}

#[test]
fn profile_not_found() {
    let ctx = seeded_without_moto();
    snapshot(
        &ctx,
        "profile_not_found",
        &ctx.run(&[
            "init",
            "--yes",
            "--providers",
            &profile_providers("bizcorprol"),
        ]),
    );
}

#[test]
fn file_does_not_parse() {
    let ctx = seeded_without_moto();
    ctx.write_aws_files(
        &SEED_CONFIG.replace(
            "region=us-east-1\n\n",
            "region=us-east-1\n\n[profile bizcorprole]\n",
        ),
        SEED_CREDENTIALS,
    );
    snapshot(
        &ctx,
        "file_does_not_parse",
        &ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]),
    );
}

#[test]
fn profile_cannot_be_resolved() {
    let ctx = seeded_without_moto();
    ctx.write_aws_files(
        &SEED_CONFIG.replace("source_profile=devcorpuser", "source_profile=bizcorprole"),
        SEED_CREDENTIALS,
    );
    snapshot(
        &ctx,
        "profile_loop",
        &ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]),
    );
}

#[test]
fn no_mfa_code_without_a_terminal() {
    let ctx = seeded();
    snapshot(
        &ctx,
        "no_mfa_code",
        &ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]),
    );
}

#[test]
fn mfa_code_rejected() {
    let ctx = seeded();
    let replay = StsReplay::start(ctx.moto().endpoint(), &["111111"]);
    let ctx = ctx
        .env("AWS_ENDPOINT_URL_STS", &replay.endpoint())
        .env("AMPLIFY_RS_MFA_CODE", "111111");
    snapshot(
        &ctx,
        "mfa_code_rejected",
        &ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]),
    );
}

#[test]
fn sts_unreachable() {
    let ctx = seeded_without_moto()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    snapshot(
        &ctx,
        "sts_unreachable",
        &ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]),
    );
}

/// moto enforcing IAM: a user allowed to assume any role, a role trusting the account with an external ID and
/// allowed nothing else.
fn enforcing(external_id: &str, secret_override: Option<&str>) -> TestContext {
    let ctx = TestContext::new(env!("CARGO_BIN_EXE_amplify-rs")).with_moto();
    let moto = ctx.moto();
    let allow_assume = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
    let (id, secret) = moto.create_user("devcorpuser", allow_assume);
    // moto matches the principal exactly (not an account's root), so the trust names the user.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/devcorpuser"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"bizcorp-7f3a9c"}}}]}"#;
    let role = moto.create_role("BizCorpAmplifyRole", trust, None);
    ctx.write_aws_files(
        &format!("[profile bizcorprole]\nrole_arn={role}\nsource_profile=devcorpuser\nexternal_id={external_id}\nregion=us-east-1\n\n[profile devcorpuser]\nregion=us-east-1\n"),
        &format!("[devcorpuser]\naws_access_key_id={id}\naws_secret_access_key={}\n", secret_override.unwrap_or(&secret)),
    );
    moto.enforce_auth();
    ctx
}

#[test]
fn role_refuses_a_wrong_external_id() {
    let ctx = enforcing("not-the-agreed-id", None);
    snapshot(
        &ctx,
        "assume_role_denied",
        &ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]),
    );
}

#[test]
fn invalid_access_keys() {
    let ctx = enforcing(
        "bizcorp-7f3a9c",
        Some("wrongwrongwrongwrongwrongwrongwrongwrong"),
    );
    snapshot(
        &ctx,
        "invalid_keys",
        &ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]),
    );
}

/// STS is moto's, enforcing the role's trust; CreateStack is refused as CloudFormation refuses a role without
/// the permission. moto cannot judge that call itself: enforcing auth, it recomputes SigV4 over a re-encoded
/// form body (a space becomes `+`), so it rejects every CreateStack the SDK signs as SignatureDoesNotMatch.
#[test]
fn role_without_cloudformation_permissions() {
    let ctx = enforcing("bizcorp-7f3a9c", None);
    let proxy = FaultProxy::start(&ctx.moto().endpoint());
    proxy.add(
        Rule::on(Call::action("cloudformation", "CreateStack")).answer(Fault::access_denied_to(
            "arn:aws:sts::123456789012:assumed-role/BizCorpAmplifyRole/amplify",
        )),
    );
    let ctx = ctx.env("AWS_ENDPOINT_URL", &proxy.endpoint());
    let out = ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    assert!(project_files(&ctx).is_empty(), "no half-written project");
    let assumed = proxy.calls("AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert_eq!(
        (assumed[0].forwarded, assumed[0].status),
        (true, Some(200)),
        "moto, enforcing the trust policy, let the role be assumed"
    );
    let creates = proxy.calls("CreateStack");
    assert_eq!(creates.len(), 1, "a refusal is not retried");
    assert!(!creates[0].forwarded);
    assert_no_secrets(&ctx, &[&out.stdout, &out.stderr]);
    snapshot(&ctx, "create_stack_denied", &out);
}

#[test]
fn headless_flag() {
    let ctx = seeded_without_moto();
    let out = ctx.run(&[
        "init",
        "--yes",
        "--providers",
        r#"{"awscloudformation":{"configLevel":"project","useProfile":true}}"#,
    ]);
    snapshot(&ctx, "headless_flag", &out);
}

#[test]
fn not_in_a_project() {
    let ctx = seeded_without_moto();
    snapshot(
        &ctx,
        "reset_cache_outside",
        &ctx.run(&["aws", "reset-cache"]),
    );
    snapshot(
        &ctx,
        "configure_outside",
        &ctx.run(&["configure", "project"]),
    );
}

#[test]
fn corrupt_project_file() {
    let ctx = seeded();
    assert_eq!(headless_init(&ctx, &[]).code, Some(0));
    fs_err::write(
        ctx.project_dir()
            .join("amplify/.config/project-config.json"),
        "{\"projectName\": \"myapp\",",
    )
    .unwrap();
    snapshot(&ctx, "corrupt_project_file", &ctx.run(&["aws", "whoami"]));
}

#[test]
fn no_home() {
    let ctx = seeded_without_moto();
    let mut command = ctx.command(&["aws", "reset-cache"]);
    command.env_remove("HOME");
    let out = command.output().unwrap();
    let out = CommandOutput {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    snapshot(&ctx, "no_home", &out);
}
