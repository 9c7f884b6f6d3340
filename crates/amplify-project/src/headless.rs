//! The original's headless flags, read with its rules and errors: `--amplify`, `--frontend` and `--providers`
//! hold JSON; a provider may be keyed `awscloudformation`, `aws`, `cloudformation`, `cfn` or `awscfn`; any
//! `configLevel` but `general` means project level.

use amplify_creds::{Credentials, Secret, validate};
use serde_json::{Map, Value};

use crate::auth::AccessKeysFile;
use crate::editor::Editor;
use crate::frontend::{Framework, Frontend, JsConfig};

/// A flag's value that cannot be used: what is wrong (in the original's words where it has them) and what
/// to write instead.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct FlagError {
    pub message: String,
    pub hint: String,
}

impl FlagError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> FlagError {
        FlagError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// How `--providers` says the environment gets AWS credentials.
#[derive(Clone, Debug)]
pub enum AuthChoice {
    /// A profile of the AWS files, by name.
    Profile(String),
    /// Keys and a region, to be kept in a keys file of the project.
    AccessKeys(AccessKeysFile),
    /// The AWS SDK's default chain.
    General,
}

#[derive(Debug, Default)]
pub struct AmplifyParams {
    pub project_name: Option<String>,
    pub env_name: Option<String>,
    pub editor: Option<Editor>,
}

fn parse_object(flag: &str, text: &str) -> Result<Map<String, Value>, FlagError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(FlagError::new(
            format!("{flag} must be a JSON object"),
            format!("write it as {flag} '{{...}}'"),
        )),
        Err(e) => Err(FlagError::new(
            format!("{flag} is not valid JSON: {e}"),
            "put the JSON in single quotes so the shell passes it unchanged, as in --amplify '{\"envName\":\"dev\"}'",
        )),
    }
}

fn text_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_string)
}

pub fn parse_amplify(text: Option<&str>) -> Result<AmplifyParams, FlagError> {
    let Some(text) = text else {
        return Ok(AmplifyParams::default());
    };
    let map = parse_object("--amplify", text)?;
    let editor = match text_field(&map, "defaultEditor") {
        None => None,
        Some(value) => Some(Editor::from_stored(&value).ok_or_else(|| {
            FlagError::new(
                format!("--amplify names an unknown defaultEditor \"{value}\""),
                format!(
                    "use one of: {}",
                    crate::editor::EDITORS
                        .iter()
                        .map(|e| e.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?),
    };
    Ok(AmplifyParams {
        project_name: text_field(&map, "projectName"),
        env_name: text_field(&map, "envName"),
        editor,
    })
}

pub fn parse_frontend(text: Option<&str>) -> Result<Option<Frontend>, FlagError> {
    let Some(text) = text else { return Ok(None) };
    let map = parse_object("--frontend", text)?;
    let type_name = text_field(&map, "frontend")
        .or_else(|| text_field(&map, "type"))
        .unwrap_or_else(|| "javascript".into());
    let config = map
        .get("config")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let field = |key: &str| text_field(&config, key);
    match type_name.as_str() {
        "javascript" => {
            let framework_name = text_field(&map, "framework").unwrap_or_else(|| "none".into());
            let framework = Framework::parse(&framework_name).ok_or_else(|| {
                FlagError::new(
                    format!("The passed in framework: \"{framework_name}\" is not supported."),
                    format!(
                        "use one of: {}",
                        Framework::ALL.map(Framework::as_str).join(", ")
                    ),
                )
            })?;
            match (
                field("SourceDir"),
                field("DistributionDir"),
                field("BuildCommand"),
                field("StartCommand"),
            ) {
                (
                    Some(source_dir),
                    Some(distribution_dir),
                    Some(build_command),
                    Some(start_command),
                ) => Ok(Some(Frontend::Javascript {
                    framework,
                    config: JsConfig {
                        source_dir,
                        distribution_dir,
                        build_command,
                        start_command,
                    },
                })),
                _ => Err(FlagError::new(
                    "The command line parameter for javascript frontend configuration is incomplete.",
                    "give all four of config.SourceDir, config.DistributionDir, config.BuildCommand and config.StartCommand",
                )),
            }
        }
        "android" => field("ResDir")
            .map(|res_dir| Some(Frontend::Android { res_dir }))
            .ok_or_else(|| {
                FlagError::new(
                    "The command line parameter for android frontend configuration is incomplete.",
                    "give config.ResDir, such as app/src/main/res",
                )
            }),
        "flutter" => field("ResDir")
            .map(|res_dir| Some(Frontend::Flutter { res_dir }))
            .ok_or_else(|| {
                FlagError::new(
                    "The command line parameter for Flutter frontend configuration is incomplete.",
                    "give config.ResDir, such as ./lib/",
                )
            }),
        "ios" => Ok(Some(Frontend::Ios)),
        other => Err(FlagError::new(
            format!("--frontend names an unknown frontend \"{other}\""),
            "use one of: android, flutter, ios, javascript",
        )),
    }
}

/// What `--permissions-boundary` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoundaryFlag {
    /// `--permissions-boundary ""`: no boundary, and none carried over from the current environment.
    None,
    /// The IAM policy every role of the environment is bounded by.
    Policy(String),
}

impl BoundaryFlag {
    pub fn arn(&self) -> Option<&str> {
        match self {
            BoundaryFlag::None => None,
            BoundaryFlag::Policy(arn) => Some(arn),
        }
    }
}

/// `--permissions-boundary`, with the original's rule: an IAM policy ARN (`arn:aws:iam::<12 digits or
/// aws>:policy/NAME`) or empty. The original prints an error for another value and goes on without a
/// boundary; here it is refused before anything happens (docs/differences.md).
pub fn parse_permissions_boundary(value: Option<&str>) -> Result<Option<BoundaryFlag>, FlagError> {
    let Some(value) = value else { return Ok(None) };
    if value.is_empty() {
        return Ok(Some(BoundaryFlag::None));
    }
    let valid = value
        .strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.split_once(":policy/"))
        .is_some_and(|(account, name)| {
            !name.is_empty()
                && (account == "aws"
                    || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
        });
    if valid {
        Ok(Some(BoundaryFlag::Policy(value.to_string())))
    } else {
        Err(FlagError::new(
            "The permissions boundary ARN specified is not a valid IAM Policy ARN",
            format!(
                "--permissions-boundary takes a policy's ARN, such as arn:aws:iam::123456789012:policy/AmplifyBoundary (or \"\" for none), not {:?}",
                crate::frontend::displayable(value)
            ),
        ))
    }
}

const PROVIDER_KEYS: [&str; 5] = [
    "awscloudformation",
    "aws",
    "cloudformation",
    "cfn",
    "awscfn",
];
const PROVIDER_ERROR: &str =
    "Error in the command line parameter for awscloudformation configuration.";

fn provider_error(detail: &str, hint: &str) -> FlagError {
    FlagError::new(format!("{PROVIDER_ERROR} {detail}"), hint)
}

pub fn parse_providers(text: Option<&str>) -> Result<Option<AuthChoice>, FlagError> {
    let Some(text) = text else { return Ok(None) };
    let map = parse_object("--providers", text)?;
    let Some(config) = PROVIDER_KEYS.iter().find_map(|key| map.get(*key)) else {
        return Err(FlagError::new(
            "--providers has no awscloudformation settings",
            "write --providers '{\"awscloudformation\":{\"configLevel\":\"project\",\"useProfile\":true,\"profileName\":\"NAME\"}}'",
        ));
    };
    let Some(config) = config.as_object() else {
        return Err(provider_error(
            "configLevel set to \"project\" but project level config is missing.",
            "give an object of settings",
        ));
    };
    if config.get("configLevel").and_then(Value::as_str) == Some("general") {
        return Ok(Some(AuthChoice::General));
    }
    let has_settings = [
        "useProfile",
        "profileName",
        "accessKeyId",
        "secretAccessKey",
        "region",
    ]
    .iter()
    .any(|k| config.contains_key(*k));
    if !has_settings {
        return Err(provider_error(
            "configLevel set to \"project\" but project level config is missing.",
            "add \"useProfile\":true with \"profileName\", or \"useProfile\":false with \"accessKeyId\", \"secretAccessKey\" and \"region\"",
        ));
    }
    if config
        .get("useProfile")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        let name = text_field(config, "profileName")
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                provider_error(
                    "project level config set useProfile to true, but profile name is missing.",
                    "add \"profileName\":\"NAME\"",
                )
            })?;
        return Ok(Some(AuthChoice::Profile(name)));
    }
    match (
        text_field(config, "accessKeyId"),
        text_field(config, "secretAccessKey"),
        text_field(config, "region"),
    ) {
        (Some(id), Some(secret), Some(region)) => {
            validate::access_key_id(&id).map_err(|m| {
                FlagError::new(
                    m,
                    "copy the key id from the IAM console or your credentials file",
                )
            })?;
            validate::secret_access_key(&secret).map_err(|m| {
                FlagError::new(
                    m,
                    "copy the secret key from the IAM console or your credentials file",
                )
            })?;
            Ok(Some(AuthChoice::AccessKeys(AccessKeysFile {
                credentials: Credentials::long_lived(id, Secret::new(secret)),
                region,
            })))
        }
        _ => Err(provider_error(
            "project level config set useProfile to false, but access key or region is missing.",
            "add \"accessKeyId\", \"secretAccessKey\" and \"region\", or set \"useProfile\":true with \"profileName\"",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_are_the_originals() {
        let err = |json: &str| parse_providers(Some(json)).unwrap_err().to_string();
        assert!(
            err(r#"{"awscloudformation":{"configLevel":"project"}}"#)
                .ends_with("configLevel set to \"project\" but project level config is missing.")
        );
        assert!(
            err(r#"{"aws":{"configLevel":"project","useProfile":true}}"#)
                .ends_with("useProfile to true, but profile name is missing.")
        );
        assert!(
            err(r#"{"cfn":{"configLevel":"project","useProfile":false,"accessKeyId":"AKIA"}}"#)
                .ends_with("access key or region is missing.")
        );
        assert!(matches!(
            parse_providers(Some(r#"{"awscfn":{"configLevel":"general"}}"#)).unwrap(),
            Some(AuthChoice::General)
        ));
        assert!(matches!(
            parse_providers(Some(r#"{"cloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}"#)).unwrap(),
            Some(AuthChoice::Profile(p)) if p == "bizcorprole"
        ));
        assert!(err("{not json").contains("not valid JSON"));
    }

    #[test]
    fn permissions_boundaries_follow_the_originals_rule() {
        let parse = |v: &str| parse_permissions_boundary(Some(v));
        assert_eq!(
            parse("arn:aws:iam::123456789012:policy/Bound").unwrap(),
            Some(BoundaryFlag::Policy(
                "arn:aws:iam::123456789012:policy/Bound".into()
            ))
        );
        assert!(parse("arn:aws:iam::aws:policy/PowerUserAccess").is_ok());
        assert_eq!(parse("").unwrap(), Some(BoundaryFlag::None));
        assert_eq!(parse_permissions_boundary(None).unwrap(), None);
        for bad in [
            "arn:aws:iam::12345:policy/Bound",
            "arn:aws:iam::123456789012:role/Bound",
            "arn:aws:iam::123456789012:policy/",
            "Bound",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(
                e.to_string(),
                "The permissions boundary ARN specified is not a valid IAM Policy ARN",
                "{bad}"
            );
        }
    }

    #[test]
    fn javascript_frontend_needs_all_four_settings() {
        let e = parse_frontend(Some(
            r#"{"frontend":"javascript","framework":"react","config":{"SourceDir":"src"}}"#,
        ))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "The command line parameter for javascript frontend configuration is incomplete."
        );
        let e =
            parse_frontend(Some(r#"{"frontend":"javascript","framework":"svelte"}"#)).unwrap_err();
        assert!(e.to_string().contains("\"svelte\" is not supported"));
    }
}
