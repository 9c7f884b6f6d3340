//! Help, completions and the generated reference.

use amplify_test_support::repo_root;

use crate::common::*;

#[test]
fn the_reference_in_docs_is_up_to_date() {
    let ctx = seeded_without_moto();
    let out = ctx.run(&["generate-reference"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let committed =
        fs_err::read_to_string(repo_root().join("docs/reference.md")).unwrap_or_default();
    assert!(
        committed == out.stdout,
        "docs/reference.md is stale: run `cargo xtask docs` and commit it"
    );
}

#[test]
fn every_command_has_help_with_examples_where_it_matters() {
    let ctx = seeded_without_moto();
    let out = ctx.run(&["init", "--help"]);
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.contains("--providers <JSON>")
            && out
                .stdout
                .contains("AMPLIFY_RS_MFA_CODE=123456 amplify-rs init --yes"),
        "{}",
        out.stdout
    );
    for args in [
        &["--help"][..],
        &["configure", "project", "--help"],
        &["aws", "reset-cache", "--help"],
        &["aws", "credentials", "--help"],
        &["aws", "whoami", "--help"],
    ] {
        let out = ctx.run(args);
        assert_eq!(out.code, Some(0), "{args:?}");
        assert!(
            out.stdout.contains("Usage: amplify-rs"),
            "{args:?}: {}",
            out.stdout
        );
    }
    let out = ctx.run(&["init", "--no-such-flag"]);
    assert_eq!(out.code, Some(2), "a usage error");
}

#[test]
fn completions_for_the_three_shells() {
    let ctx = seeded_without_moto();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef amplify-rs"),
        ("fish", "complete -c amplify-rs"),
    ] {
        let out = ctx.run(&["completions", shell]);
        assert_eq!(out.code, Some(0), "{shell}");
        assert!(
            out.stdout.contains(marker),
            "{shell}: {}",
            &out.stdout[..out.stdout.len().min(300)]
        );
        assert!(
            out.stdout.contains("reset-cache"),
            "{shell} completes the subcommands"
        );
    }
}
