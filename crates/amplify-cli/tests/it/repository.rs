//! What the repository must never hold: moto's recordings (signed requests, session tokens, MFA codes) and
//! anything that looks like a live secret. A session's leftovers reach a commit easily; this test stops them.

use amplify_test_support::repo_root;

/// A long session token as STS (and moto) issue them: the EXAMPLE ones of the fixtures are short.
fn has_live_token(text: &str) -> bool {
    text.match_indices(["FQoGZXIv", "YXdzE"].concat().as_str())
        .any(|(at, _)| {
            text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "/+=".contains(*c))
                .count()
                > 60
        })
}

#[test]
fn no_recording_or_secret_is_tracked() {
    let output = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(repo_root())
        .output()
        .expect("git runs");
    assert!(output.status.success(), "the tests run in a git checkout");
    let mut offenders = Vec::new();
    for path in output.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let name = path.rsplit('/').next().unwrap_or(&path).to_lowercase();
        if (name.contains("recording") || name.ends_with(".har")) && !path.starts_with("fixtures/")
        {
            offenders.push(format!("{path}: a recording"));
            continue;
        }
        let Ok(bytes) = fs_err::read(repo_root().join(&path)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        // Built from parts so that this file does not match itself.
        let signed = [
            ["Credential=", "ASIA"].concat(),
            ["\"Authorization\": ", "\"AWS4-HMAC"].concat(),
        ];
        if signed.iter().any(|s| text.contains(s.as_str())) {
            offenders.push(format!("{path}: a signed request"));
        } else if has_live_token(&text) {
            offenders.push(format!("{path}: a session token"));
        }
    }
    assert!(
        offenders.is_empty(),
        "remove these from git (and add them to .gitignore): {offenders:#?}"
    );
}
