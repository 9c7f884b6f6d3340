//! How a project's environment gets AWS credentials (`amplify/.config/local-aws-info.json`), and the keys
//! file that the access-keys method keeps in `~/.amplify/awscloudformation/`.

use std::path::{Path, PathBuf};

use amplify_creds::{Credentials, Secret};
use serde_json::{Value, json};

use crate::atomic::{read_text, to_json_text};
use crate::error::ProjectError;
use crate::names::make_id;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwsAuth {
    /// A profile of the AWS shared files.
    Profile { profile_name: String },
    /// Keys kept in a file of their own.
    AccessKeys { path: PathBuf },
    /// The AWS SDK's default chain (environment, `AWS_PROFILE`, ...).
    General,
    /// A level amplify-rs does not support (such as the original's `amplifyAdmin`), kept as written.
    Other(Value),
}

impl AwsAuth {
    pub fn to_json(&self) -> Value {
        match self {
            AwsAuth::Profile { profile_name } => {
                json!({"configLevel": "project", "useProfile": true, "profileName": profile_name})
            }
            AwsAuth::AccessKeys { path } => {
                json!({"configLevel": "project", "useProfile": false, "awsConfigFilePath": path.display().to_string()})
            }
            AwsAuth::General => json!({"configLevel": "general"}),
            AwsAuth::Other(value) => value.clone(),
        }
    }

    pub fn from_json(value: &Value) -> Result<AwsAuth, String> {
        let level = value
            .get("configLevel")
            .and_then(Value::as_str)
            .ok_or("it has no configLevel")?;
        match level {
            "general" => Ok(AwsAuth::General),
            "project" => {
                if value
                    .get("useProfile")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                {
                    let name = value
                        .get("profileName")
                        .and_then(Value::as_str)
                        .ok_or("useProfile is true but profileName is missing")?;
                    Ok(AwsAuth::Profile {
                        profile_name: name.to_string(),
                    })
                } else {
                    let path = value
                        .get("awsConfigFilePath")
                        .and_then(Value::as_str)
                        .ok_or("useProfile is false but awsConfigFilePath is missing")?;
                    Ok(AwsAuth::AccessKeys {
                        path: PathBuf::from(path),
                    })
                }
            }
            _ => Ok(AwsAuth::Other(value.clone())),
        }
    }

    pub fn profile_name(&self) -> Option<&str> {
        match self {
            AwsAuth::Profile { profile_name } => Some(profile_name),
            _ => None,
        }
    }
}

/// Access keys and a region, as the original stores them for the access-keys method.
#[derive(Clone, Debug)]
pub struct AccessKeysFile {
    pub credentials: Credentials,
    pub region: String,
}

/// The keys folder under the home folder, as the original names it.
const KEYS_FOLDER: &str = ".amplify/awscloudformation";

impl AccessKeysFile {
    /// `HOME/.amplify/awscloudformation`, the one folder keys files are written to and deleted from.
    pub fn folder(home: &Path) -> PathBuf {
        home.join(KEYS_FOLDER)
    }

    /// Writes a new keys file `HOME/.amplify/awscloudformation/<10 random characters>`, mode 0600.
    pub fn create(&self, home: &Path) -> Result<PathBuf, ProjectError> {
        // The folder holds keys: made 0700 from ~/.amplify down, whatever the umask.
        amplify_fs::ensure_private_dirs(home, Path::new(KEYS_FOLDER))?;
        let path = AccessKeysFile::folder(home).join(make_id(10));
        let c = &self.credentials;
        let mut credentials = json!({"accessKeyId": c.access_key_id, "secretAccessKey": c.secret_access_key.expose()});
        if let Some(token) = &c.session_token {
            credentials["sessionToken"] = token.expose().into();
        }
        let text = to_json_text(&json!({"credentials": credentials, "region": self.region}));
        amplify_fs::write_atomic(&path, text.as_bytes(), amplify_fs::Mode::Private)?;
        Ok(path)
    }

    /// Reads a keys file in either of the original's shapes (`{credentials:{...},region}` or flat).
    pub fn read(path: &Path) -> Result<AccessKeysFile, ProjectError> {
        let text = read_text(path)?.ok_or_else(|| ProjectError::Missing {
            path: path.to_path_buf(),
        })?;
        let value: Value = serde_json::from_str(&text).map_err(|e| ProjectError::Json {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let keys = value.get("credentials").unwrap_or(&value);
        let field = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(str::to_string);
        let invalid = |what: &str| ProjectError::Invalid {
            path: path.to_path_buf(),
            problem: format!("{what} is missing"),
        };
        Ok(AccessKeysFile {
            credentials: Credentials {
                access_key_id: field(keys, "accessKeyId").ok_or_else(|| invalid("accessKeyId"))?,
                secret_access_key: Secret::new(
                    field(keys, "secretAccessKey").ok_or_else(|| invalid("secretAccessKey"))?,
                ),
                session_token: field(keys, "sessionToken").map(Secret::new),
                expiration: None,
            },
            region: field(&value, "region").ok_or_else(|| invalid("region"))?,
        })
    }
}
