//! botocore as the judge of chains: runs `botocore_chains.py` (what the AWS CLI builds for each profile of
//! a pair of files) and writes our own answers in the same JSON shape, so the conformance and differential
//! tests compare like with like. The shape is documented in `fixtures/chain-conformance/README.md`.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use amplify_profile::parse::Value as Parsed;
use amplify_profile::{BaseCredentials, FileLocations, ProfileChain, ProfileSet, ResolveError};
use serde_json::{Value, json};

/// One pair of files and the profiles to resolve in them (`None`: the file does not exist).
#[derive(Clone, Debug)]
pub struct OracleCase {
    pub id: usize,
    pub config: Option<String>,
    pub credentials: Option<String>,
    pub profiles: Vec<String>,
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// botocore's answer for each case, by id: `{"parsed": ..., "chains": {NAME: OUTCOME}}` or
/// `{"parse_error": {"file": ...}}`. The script runs in an empty environment with a temporary HOME.
pub fn ask_botocore(cases: &[OracleCase]) -> BTreeMap<usize, Value> {
    let python = repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `cargo xtask setup` (the chain tests need botocore)",
        python.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/botocore_chains.py");
    let home = tempfile::tempdir().expect("a temporary HOME");
    let input = Value::Array(
        cases
            .iter()
            .map(|c| json!({"id": c.id, "config": c.config, "credentials": c.credentials, "profiles": c.profiles}))
            .collect(),
    );
    let mut child = Command::new(&python)
        .arg("-X")
        .arg("utf8")
        .arg(&script)
        .env_clear()
        .env("HOME", home.path())
        .env("PYTHONUTF8", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(input.to_string().as_bytes())
            .expect("the oracle reads its input");
    });
    let output = child.wait_with_output().expect("the oracle runs");
    writer.join().expect("the writer thread ends");
    assert!(
        output.status.success(),
        "botocore_chains.py failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut answers = BTreeMap::new();
    for line in output.stdout.lines() {
        let line = line.expect("the oracle prints UTF-8");
        let answer: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the oracle printed a line that is not JSON ({e}): {line}"));
        let id = answer["id"].as_u64().expect("an id") as usize;
        answers.insert(id, answer);
    }
    assert_eq!(answers.len(), cases.len(), "the oracle answered every case");
    answers
}

/// Our outcome for `name`: `{"chain": ...}` or `{"error": ...}`.
pub fn ours(set: &ProfileSet, name: &str) -> Value {
    match set.resolve(name) {
        Ok(chain) => json!({ "chain": chain_json(&chain, set.files()) }),
        Err(error) => json!({ "error": error_json(&error) }),
    }
}

pub fn chain_json(chain: &ProfileChain, files: &FileLocations) -> Value {
    let hops: Vec<Value> = chain
        .hops
        .iter()
        .map(|hop| {
            json!({
                "profile": hop.profile,
                "role_arn": hop.role_arn,
                "external_id": hop.external_id,
                "mfa_serial": hop.mfa_serial,
                "role_session_name": hop.role_session_name,
                "duration_seconds": hop.duration_seconds,
            })
        })
        .collect();
    json!({ "base": base_json(&chain.base, files), "hops": hops })
}

fn base_json(base: &BaseCredentials, files: &FileLocations) -> Value {
    match base {
        BaseCredentials::Static {
            profile,
            access_key_id,
            secret_access_key,
            session_token,
            location,
        } => json!({
            "kind": "static",
            "profile": profile,
            "file": if *location.path == *files.credentials { "credentials" } else { "config" },
            "access_key_id": access_key_id,
            "secret_access_key": secret_access_key.expose(),
            "session_token": session_token.as_ref().map(|t| t.expose()),
        }),
        BaseCredentials::Process { profile, command } => {
            json!({"kind": "process", "profile": profile, "command": command})
        }
        BaseCredentials::CredentialSource { profile, source } => {
            json!({"kind": "credential_source", "profile": profile, "source": source.as_str()})
        }
        BaseCredentials::Sso {
            profile,
            start_url,
            sso_region,
            account_id,
            role_name,
            sso_session,
        } => json!({
            "kind": "sso", "profile": profile, "start_url": start_url, "sso_region": sso_region,
            "account_id": account_id, "role_name": role_name, "sso_session": sso_session,
        }),
        BaseCredentials::WebIdentity {
            profile,
            role_arn,
            web_identity_token_file,
            role_session_name,
        } => json!({
            "kind": "web_identity", "profile": profile, "role_arn": role_arn,
            "web_identity_token_file": web_identity_token_file, "role_session_name": role_session_name,
        }),
    }
}

/// The error's kind and the facts botocore's error also gives, named as `botocore_chains.py` names them.
pub fn error_json(error: &ResolveError) -> Value {
    match error {
        ResolveError::ProfileNotFound { name, .. } => {
            json!({"kind": "profile_not_found", "profile": name})
        }
        ResolveError::SourceProfileNotFound {
            profile,
            source_profile,
            ..
        } => {
            json!({"kind": "source_profile_not_found", "profile": profile, "source_profile": source_profile})
        }
        ResolveError::BothSources { profile, .. } => {
            json!({"kind": "both_sources", "profile": profile})
        }
        ResolveError::NoSource { .. } => json!({"kind": "no_source"}),
        ResolveError::InvalidCredentialSource { profile, value, .. } => {
            json!({"kind": "invalid_credential_source", "profile": profile, "value": value})
        }
        ResolveError::NoCredentials { profile, .. } => {
            json!({"kind": "no_credentials", "profile": profile})
        }
        ResolveError::SourceNoCredentials { profile, .. } => {
            json!({"kind": "source_no_credentials", "profile": profile})
        }
        ResolveError::PartialKeys {
            missing, location, ..
        } => json!({"kind": "partial_keys", "missing": missing, "file": file_name(&location.path)}),
        ResolveError::Loop { visited, .. } => {
            json!({"kind": "loop", "source_profile": visited.last(), "visited": visited})
        }
        ResolveError::InvalidDuration { profile, .. } => {
            json!({"kind": "invalid_parameter", "profile": profile, "parameter": "DurationSeconds"})
        }
        ResolveError::TooShort { profile, key, .. } => {
            json!({"kind": "invalid_parameter", "profile": profile, "parameter": parameter(key)})
        }
        ResolveError::WebIdentityNoRoleArn { .. } => json!({"kind": "web_identity_no_role_arn"}),
        ResolveError::SsoMissing {
            profile, missing, ..
        } => json!({"kind": "sso_missing", "profile": profile, "missing": missing}),
        ResolveError::SsoSessionNotFound { sso_session, .. } => {
            json!({"kind": "sso_session_not_found", "sso_session": sso_session})
        }
        ResolveError::SsoConflict { key, .. } => json!({"kind": "sso_conflict", "key": key}),
        ResolveError::SsoSessionIncomplete {
            profile, missing, ..
        } => json!({"kind": "sso_session_incomplete", "profile": profile, "missing": missing}),
        ResolveError::NotText { .. } => json!({"kind": "not_text"}),
        ResolveError::Unsupported { key, .. } => json!({"kind": "unsupported", "key": key}),
    }
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
}

/// The STS request parameter a profile key becomes.
fn parameter(key: &str) -> &'static str {
    match key {
        "role_arn" => "RoleArn",
        "role_session_name" => "RoleSessionName",
        "external_id" => "ExternalId",
        "mfa_serial" => "SerialNumber",
        "duration_seconds" => "DurationSeconds",
        other => panic!("no STS parameter for {other}"),
    }
}

/// The profiles and sso-sessions as botocore's `Session.full_config` holds them.
pub fn parsed_json(set: &ProfileSet) -> Value {
    let keys = |profile: &amplify_profile::Profile| {
        let map: serde_json::Map<String, Value> = profile
            .properties()
            .map(|(key, property)| {
                let value = match &property.value {
                    Parsed::Text(text) => Value::String(text.clone()),
                    Parsed::Map(entries) => Value::Object(
                        entries
                            .iter()
                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                            .collect(),
                    ),
                };
                (key.to_string(), value)
            })
            .collect();
        Value::Object(map)
    };
    let profiles: serde_json::Map<String, Value> = set
        .names()
        .map(|name| (name.to_string(), keys(set.get(name).expect("listed"))))
        .collect();
    let sessions: serde_json::Map<String, Value> = set
        .sso_session_names()
        .map(|name| {
            let session = set.sso_session(name).expect("listed");
            (name.to_string(), keys(session))
        })
        .collect();
    json!({"profiles": profiles, "sso_sessions": sessions})
}

/// botocore's outcome without what only it reports (the validator's wording).
pub fn comparable(botocore: &Value) -> Value {
    let mut value = botocore.clone();
    if let Some(error) = value.get_mut("error").and_then(Value::as_object_mut) {
        error.remove("detail");
    }
    value
}
