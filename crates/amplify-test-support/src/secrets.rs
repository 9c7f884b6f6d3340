//! Every run of the binary through a [`TestContext`](crate::TestContext) is scanned for secrets, with no
//! opt-in: what it printed (stderr always; stdout too, except for the commands whose job is to print
//! credentials) and every file of the project folder. The secrets are the seed user's secret key, the MFA
//! codes a test gave, and every secret and token the cache or a keys file holds by then.

use std::path::Path;

use crate::context::SEED_SECRET_KEY;

/// What a run in `home` may hold: `given` (MFA codes, keys a test typed) and what the cache and keys files
/// of `home` hold now.
pub fn secrets_in(home: &Path, given: &[String]) -> Vec<String> {
    let mut secrets = vec![SEED_SECRET_KEY.to_string()];
    secrets.extend(given.iter().filter(|s| s.len() >= 6).cloned());
    let folder = home.join(".amplify/awscloudformation");
    let Ok(entries) = fs_err::read_dir(&folder) else {
        return secrets;
    };
    for entry in entries.flatten() {
        let Ok(text) = fs_err::read_to_string(entry.path()) else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        collect(&value, &mut secrets);
    }
    secrets
}

/// Every `secretAccessKey` and `sessionToken` of a JSON document (the cache, keys files).
fn collect(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    // Real secrets are long; a test's stand-in values of other programs ("x") are not.
                    ("secretAccessKey" | "sessionToken", Some(secret)) if secret.len() >= 16 => {
                        into.push(secret.to_string());
                    }
                    _ => collect(value, into),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        _ => {}
    }
}

/// Fails the test if any of `secrets` is in `texts` or in a file under `project`. Only the first characters
/// of a secret are shown.
pub fn assert_none_in(secrets: &[String], texts: &[&str], project: &Path) {
    for text in texts {
        for secret in secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret ({}...) leaked into output:\n{text}",
                &secret[..4.min(secret.len())]
            );
        }
    }
    let mut stack = vec![project.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs_err::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = fs_err::read(&path) {
                let content = String::from_utf8_lossy(&bytes);
                for secret in secrets {
                    assert!(
                        !content.contains(secret.as_str()),
                        "a secret ({}...) leaked into {}",
                        &secret[..4.min(secret.len())],
                        path.display()
                    );
                }
            }
        }
    }
}
