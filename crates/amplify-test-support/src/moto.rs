//! A moto server of our own on a free loopback port, from the project's `.venv`, and its recorder read as the
//! requests a user would check: the action, its parameters, and which access key signed it.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::context::repo_root;

/// moto routes by the credential scope; before auth is enforced it checks no signature.
const HARNESS_S3_AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIAHARNESS000000000/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";

#[derive(Debug)]
pub struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
    _log_dir: tempfile::TempDir,
}

/// One request moto received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `AssumeRole`, `CreateStack`, ...
    pub action: String,
    /// The form parameters (`RoleArn`, `ExternalId`, `Tags.member.1.Key`, ...).
    pub params: BTreeMap<String, String>,
    /// The access key id in the SigV4 `Authorization` header.
    pub access_key: String,
    pub region: String,
    pub service: String,
    /// Whether an `X-Amz-Security-Token` was sent (temporary credentials).
    pub has_session_token: bool,
}

/// Where moto's server script is: `AMPLIFY_RS_MOTO_SERVER`, else the project's `.venv`.
fn moto_server_path() -> PathBuf {
    if let Ok(path) = std::env::var("AMPLIFY_RS_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    repo_root().join(".venv/bin/moto_server")
}

impl Moto {
    /// Starts moto and waits until it answers (a few seconds at most).
    pub fn start() -> Self {
        let server = moto_server_path();
        assert!(
            server.exists(),
            "{} is missing: run `cargo xtask test` (or `cargo xtask setup`), which installs moto into .venv",
            server.display()
        );
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let log_dir = tempfile::tempdir().unwrap();
            let log = log_dir.path().join("moto.log");
            let child = Command::new(&server)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                // The recorder writes to a file (in the working folder by default): one per server, so
                // tests running side by side never read each other's requests.
                .env(
                    "MOTO_RECORDER_FILEPATH",
                    log_dir.path().join("recording.jsonl"),
                )
                .current_dir(log_dir.path())
                .stdin(Stdio::null())
                .stdout(fs_err::File::create(&log).unwrap().into_parts().0)
                .stderr(Stdio::from(
                    fs_err::File::options()
                        .append(true)
                        .open(&log)
                        .unwrap()
                        .into_parts()
                        .0,
                ))
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
            let mut moto = Moto {
                child,
                port,
                log,
                _log_dir: log_dir,
            };
            if moto.wait_ready(Duration::from_secs(30)) {
                return moto;
            }
            // Most likely another process took the port between our probe and moto's bind: try another.
            let _ = moto.child.kill();
        }
        panic!("moto server did not start on any of 5 ports");
    }

    fn wait_ready(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if ureq::get(&format!("{}/moto-api/data.json", self.endpoint()))
                .call()
                .is_ok()
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn post(&self, path: &str, body: &str) {
        ureq::post(&format!("{}{path}", self.endpoint()))
            .send(body)
            .unwrap_or_else(|e| panic!("moto {path}: {e}\n{}", self.log_tail()));
    }

    pub fn start_recording(&self) {
        self.post("/moto-api/recorder/reset-recording", "");
        self.post("/moto-api/recorder/start-recording", "");
    }

    /// Stops the recorder and returns what it saw, in order.
    pub fn recording(&self) -> Vec<Recorded> {
        self.post("/moto-api/recorder/stop-recording", "");
        let text = ureq::get(&format!(
            "{}/moto-api/recorder/download-recording",
            self.endpoint()
        ))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(parse_recorded)
            .collect()
    }

    /// Calls an AWS query API of moto (IAM, STS, ...) as the harness, outside any test's credentials, and
    /// returns the XML answer. moto routes by the credential scope of the `Authorization` header; before
    /// [`Moto::enforce_auth`] it checks no signature, so the harness signs nothing.
    pub fn call(&self, service: &str, params: &[(&str, &str)]) -> String {
        self.call_as("AKIAHARNESS000000000", service, params)
    }

    /// [`Moto::call`] in the account of `access_key` (moto picks the account by the key: an assumed role's
    /// temporary key is in the role's account), to see what a test's session created there.
    pub fn call_as(&self, access_key: &str, service: &str, params: &[(&str, &str)]) -> String {
        let version = match service {
            "iam" => "2010-05-08",
            "sts" => "2011-06-15",
            "cloudformation" => "2010-05-15",
            other => panic!("no API version known for {other}"),
        };
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Version", version);
        for (k, v) in params {
            form.append_pair(k, v);
        }
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={access_key}/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
        );
        let mut reply = ureq::post(&format!("{}/", self.endpoint()))
            .header("Authorization", &authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .config()
            .http_status_as_error(false)
            .build()
            .send(form.finish())
            .unwrap_or_else(|e| panic!("moto {service} {params:?}: {e}"));
        let status = reply.status().as_u16();
        let body = reply.body_mut().read_to_string().unwrap();
        assert!(
            status < 300,
            "moto {service} {params:?} answered {status}: {body}"
        );
        body
    }

    /// An IAM user with an access key and an inline policy; returns the key id and secret.
    pub fn create_user(&self, name: &str, policy: &str) -> (String, String) {
        self.call("iam", &[("Action", "CreateUser"), ("UserName", name)]);
        self.call(
            "iam",
            &[
                ("Action", "PutUserPolicy"),
                ("UserName", name),
                ("PolicyName", "p"),
                ("PolicyDocument", policy),
            ],
        );
        let xml = self.call("iam", &[("Action", "CreateAccessKey"), ("UserName", name)]);
        (
            xml_text(&xml, "AccessKeyId"),
            xml_text(&xml, "SecretAccessKey"),
        )
    }

    /// An IAM role with a trust policy and, if given, an inline policy; returns its ARN.
    pub fn create_role(&self, name: &str, trust: &str, policy: Option<&str>) -> String {
        let xml = self.call(
            "iam",
            &[
                ("Action", "CreateRole"),
                ("RoleName", name),
                ("AssumeRolePolicyDocument", trust),
            ],
        );
        if let Some(policy) = policy {
            self.call(
                "iam",
                &[
                    ("Action", "PutRolePolicy"),
                    ("RoleName", name),
                    ("PolicyName", "p"),
                    ("PolicyDocument", policy),
                ],
            );
        }
        xml_text(&xml, "Arn")
    }

    /// An S3 object as moto holds it (the harness reads it unsigned, before [`Moto::enforce_auth`]).
    pub fn s3_object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        let key: String = form_urlencoded::byte_serialize(key.as_bytes()).collect();
        let mut reply = ureq::get(&format!("{}/{bucket}/{key}", self.endpoint()))
            .header("Authorization", HARNESS_S3_AUTH)
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap();
        (reply.status().as_u16() == 200).then(|| reply.body_mut().read_to_vec().unwrap())
    }

    /// The keys of a bucket, sorted.
    pub fn s3_keys(&self, bucket: &str) -> Vec<String> {
        let xml = ureq::get(&format!("{}/{bucket}?list-type=2", self.endpoint()))
            .header("Authorization", HARNESS_S3_AUTH)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let mut keys: Vec<String> = xml
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| {
                rest.split_once("</Key>")
                    .map(|(k, _)| k.replace("&amp;", "&"))
            })
            .collect();
        keys.sort();
        keys
    }

    /// Removes an S3 object (a test that breaks an environment's state).
    pub fn s3_delete(&self, bucket: &str, key: &str) {
        let key: String = form_urlencoded::byte_serialize(key.as_bytes()).collect();
        ureq::delete(&format!("{}/{bucket}/{key}", self.endpoint()))
            .header("Authorization", HARNESS_S3_AUTH)
            .call()
            .unwrap();
    }

    /// Replaces an S3 object.
    pub fn s3_put(&self, bucket: &str, key: &str, body: &[u8]) {
        let key: String = form_urlencoded::byte_serialize(key.as_bytes()).collect();
        ureq::put(&format!("{}/{bucket}/{key}", self.endpoint()))
            .header("Authorization", HARNESS_S3_AUTH)
            .send(body)
            .unwrap();
    }

    /// From now on moto checks access keys, identity policies and trust policies (never MFA codes).
    pub fn enforce_auth(&self) {
        self.post("/moto-api/reset-auth", "0");
    }

    /// The recorded requests of one action.
    pub fn calls(recording: &[Recorded], action: &str) -> Vec<Recorded> {
        recording
            .iter()
            .filter(|r| r.action == action)
            .cloned()
            .collect()
    }

    fn log_tail(&self) -> String {
        let text = fs_err::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_recorded(line: &str) -> Option<Recorded> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let headers = value.get("headers")?;
    let header = |name: &str| {
        headers
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    };
    let body = value
        .get("body")
        .and_then(|b| b.as_str())
        .unwrap_or_default();
    let body = if value
        .get("body_encoded")
        .and_then(|b| b.as_bool())
        .unwrap_or(false)
    {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?
    } else {
        body.as_bytes().to_vec()
    };
    let authorization = header("Authorization").unwrap_or_default();
    let url = value
        .get("url")
        .and_then(|u| u.as_str())
        .unwrap_or_default();
    let method = value
        .get("method")
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    let mut params: BTreeMap<String, String> = if authorization.contains("/s3/aws4_request") {
        s3_params(url)
    } else {
        form_urlencoded::parse(&body).into_owned().collect()
    };
    // Query-protocol calls name the action in the body; others in the X-Amz-Target header; S3 by its
    // method and path.
    let action = params
        .get("Action")
        .cloned()
        .or_else(|| header("X-Amz-Target").map(|t| t.rsplit('.').next().unwrap_or(t).to_string()))
        .or_else(|| s3_action(method, &params))?;
    params.insert("Action".into(), action.clone());
    let scope = authorization
        .split("Credential=")
        .nth(1)
        .unwrap_or_default();
    let scope: Vec<&str> = scope
        .split([',', ' '])
        .next()
        .unwrap_or_default()
        .split('/')
        .collect();
    Some(Recorded {
        action,
        access_key: scope.first().copied().unwrap_or_default().to_string(),
        region: scope.get(2).copied().unwrap_or_default().to_string(),
        service: scope.get(3).copied().unwrap_or_default().to_string(),
        has_session_token: header("X-Amz-Security-Token").is_some(),
        params,
    })
}

/// An S3 request's bucket and key (path-style, as the SDK sends them to an IP endpoint) and its query.
fn s3_params(url: &str) -> BTreeMap<String, String> {
    let path_and_query = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let path: String = form_urlencoded::parse(path.trim_start_matches('/').as_bytes())
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    let (bucket, key) = path.split_once('/').unwrap_or((&path, ""));
    params.insert("Bucket".into(), bucket.to_string());
    if !key.is_empty() {
        params.insert("Key".into(), key.to_string());
    }
    params
}

fn s3_action(method: &str, params: &BTreeMap<String, String>) -> Option<String> {
    let has_key = params.contains_key("Key");
    Some(
        match (method, has_key) {
            ("PUT", true) => "PutObject",
            ("GET", true) => "GetObject",
            ("HEAD", true) => "HeadObject",
            ("DELETE", true) => "DeleteObject",
            ("GET", false) if params.contains_key("versions") => "ListObjectVersions",
            ("GET", false) => "ListObjects",
            ("POST", false) if params.contains_key("delete") => "DeleteObjects",
            ("PUT", false) => "CreateBucket",
            _ => return None,
        }
        .to_string(),
    )
}

fn xml_text(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"))
        + open.len();
    let end = xml[start..].find(&format!("</{tag}>")).unwrap() + start;
    xml[start..end].to_string()
}
