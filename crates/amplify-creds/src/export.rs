//! Credentials handed to other programs, in the shapes they read: the JSON a `credential_process` prints,
//! the variables a child process gets, shell `export` lines, and a JSON document of every field. Each
//! function here is a place a secret leaves [`Secret`](crate::Secret) on purpose.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::Credentials;
use crate::env::aws;

fn rfc3339(time: Option<OffsetDateTime>) -> Option<String> {
    time.and_then(|t| t.format(&Rfc3339).ok())
}

/// `{"Version":1,"AccessKeyId",...,"Expiration"}`, what the AWS CLI and SDKs read from a
/// `credential_process`.
pub fn process_json(c: &Credentials) -> String {
    let mut out = Map::new();
    out.insert("Version".into(), 1.into());
    out.insert("AccessKeyId".into(), c.access_key_id.clone().into());
    out.insert(
        "SecretAccessKey".into(),
        c.secret_access_key.expose().into(),
    );
    if let Some(token) = &c.session_token {
        out.insert("SessionToken".into(), token.expose().into());
    }
    if let Some(expiration) = rfc3339(c.expiration) {
        out.insert("Expiration".into(), expiration.into());
    }
    Value::Object(out).to_string()
}

/// The variables of the AWS SDKs' environment provider, with the region, and the expiry as aws-vault sets
/// it (`AWS_CREDENTIAL_EXPIRATION`). `AWS_SESSION_TOKEN` is `None` for long-lived keys: a caller that
/// passes variables on must remove one it inherited.
pub fn env_vars(c: &Credentials, region: &str) -> Vec<(&'static str, Option<String>)> {
    vec![
        (aws::ACCESS_KEY_ID, Some(c.access_key_id.clone())),
        (
            aws::SECRET_ACCESS_KEY,
            Some(c.secret_access_key.expose().to_string()),
        ),
        (
            aws::SESSION_TOKEN,
            c.session_token.as_ref().map(|t| t.expose().to_string()),
        ),
        (aws::CREDENTIAL_EXPIRATION, rfc3339(c.expiration)),
        (aws::REGION, Some(region.to_string())),
        (aws::DEFAULT_REGION, Some(region.to_string())),
    ]
}

/// [`env_vars`] as POSIX shell lines: `export NAME='value'`, or `unset NAME`.
pub fn shell_exports(c: &Credentials, region: &str) -> String {
    let mut text = String::new();
    for (name, value) in env_vars(c, region) {
        match value {
            // A value safe inside single quotes in any POSIX shell.
            Some(value) => text.push_str(&format!(
                "export {name}='{}'\n",
                value.replace('\'', r"'\''")
            )),
            None => text.push_str(&format!("unset {name}\n")),
        }
    }
    text
}

/// Every field, for people and scripts (`jq`).
pub fn json_document(c: &Credentials, region: &str, profile: Option<&str>) -> String {
    let value = json!({
        "accessKeyId": c.access_key_id,
        "secretAccessKey": c.secret_access_key.expose(),
        "sessionToken": c.session_token.as_ref().map(|t| t.expose()),
        "expiration": rfc3339(c.expiration),
        "region": region,
        "profile": profile,
    });
    serde_json::to_string_pretty(&value).expect("JSON values serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    #[test]
    fn shell_lines_quote_and_unset() {
        let keys = Credentials::long_lived("AKIAEXAMPLE", Secret::new("it's"));
        let text = shell_exports(&keys, "us-east-1");
        assert!(
            text.contains(r"export AWS_SECRET_ACCESS_KEY='it'\''s'"),
            "{text}"
        );
        assert!(text.contains("unset AWS_SESSION_TOKEN\n"), "{text}");
        assert!(
            text.contains("export AWS_DEFAULT_REGION='us-east-1'\n"),
            "{text}"
        );
        let json: Value = serde_json::from_str(&process_json(&keys)).unwrap();
        assert_eq!(json["Version"], 1);
        assert!(json.get("SessionToken").is_none());
    }
}
