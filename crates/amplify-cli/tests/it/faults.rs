//! AWS going wrong under a command: unreachable, or accepting and never answering. Each is a clear message
//! and exit code 3 after a bounded number of attempts, and no half-written project.

use amplify_test_support::SilentPeer;

use crate::common::*;

#[test]
fn sts_that_never_answers_is_given_up_on_after_three_attempts() {
    let silent = SilentPeer::start();
    let ctx = seeded_without_moto()
        .env("AWS_ENDPOINT_URL", &silent.endpoint())
        .env("AMPLIFY_RS_AWS_TIMEOUT", "1")
        .env("AMPLIFY_RS_MFA_CODE", MFA_CODE);
    let out = ctx.run(&["init", "--yes", "--providers", PROFILE_PROVIDERS]);
    assert_eq!(out.code, Some(3), "{}", out.all());
    assert!(
        out.stderr.contains("cannot reach STS (AssumeRole of"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("timeout") || out.stderr.contains("timed out"),
        "{}",
        out.stderr
    );
    assert_eq!(
        silent.connections(),
        3,
        "the SDK's standard retry: three attempts, then the error"
    );
    assert!(project_files(&ctx).is_empty());
}

#[test]
fn cloudformation_unreachable_or_silent_leaves_no_project() {
    for silent in [false, true] {
        let ctx = seeded();
        let peer = SilentPeer::start();
        let endpoint = if silent {
            peer.endpoint()
        } else {
            "http://127.0.0.1:9".to_string()
        };
        let ctx = ctx
            .env("AWS_ENDPOINT_URL_CLOUDFORMATION", &endpoint)
            .env("AMPLIFY_RS_AWS_TIMEOUT", "1");
        let out = headless_init(&ctx, &[]);
        assert_eq!(out.code, Some(3), "silent={silent}: {}", out.all());
        assert!(
            out.stderr.contains("Initialization of project failed"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("cannot reach CloudFormation while creating stack amplify-myapp-dev-"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("AWS_ENDPOINT_URL_CLOUDFORMATION"),
            "the hint names the variable: {}",
            out.stderr
        );
        let files = project_files(&ctx);
        assert!(files.is_empty(), "silent={silent}: {files:?}");
        // The credentials obtained before the failure are kept: the retry needs no new MFA code.
        assert_eq!(cached_entries(&ctx, &ctx.project_dir()).len(), 1);
    }
}
