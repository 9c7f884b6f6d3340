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
    /// A `defaultEditor` the original does not know: ignored as the original ignores it (the default,
    /// Visual Studio Code, is used), and worth a warning.
    pub unknown_editor: Option<String>,
}

/// `--frontend`, completed as the original completes it, and what the user should hear about it.
#[derive(Debug)]
pub struct FrontendParams {
    pub frontend: Frontend,
    /// Set when a part of the flag was replaced (an unsupported framework).
    pub warning: Option<String>,
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
    let given = text_field(&map, "defaultEditor");
    let editor = given.as_deref().and_then(Editor::from_stored);
    Ok(AmplifyParams {
        project_name: text_field(&map, "projectName"),
        env_name: text_field(&map, "envName"),
        editor,
        unknown_editor: given.filter(|_| editor.is_none()),
    })
}

/// `--amplify`, `--frontend` and `--providers` read together, as `init` and `configure project` both read
/// them, with the original's leniency applied: a project name normalised (`my-app` is `myapp`), an unknown
/// editor left out, a javascript frontend given in part completed from `base`. What was replaced is in
/// `warnings`, for the user to hear.
#[derive(Debug)]
pub struct HeadlessFlags {
    pub amplify: AmplifyParams,
    pub frontend: Option<Frontend>,
    pub auth: Option<AuthChoice>,
    pub warnings: Vec<String>,
}

impl HeadlessFlags {
    /// `--envName`, which wins over the envName of `--amplify` as in the original; the name that wins must
    /// follow the original's rule.
    pub fn with_env_name(mut self, env_name: Option<&str>) -> Result<HeadlessFlags, FlagError> {
        if let Some(env) = env_name {
            self.amplify.env_name = Some(env.to_string());
        }
        match &self.amplify.env_name {
            Some(env) if !crate::names::is_valid_env_name(env) => Err(FlagError::new(
                format!("Invalid environment name: {env}"),
                crate::names::ENV_NAME_RULE,
            )),
            _ => Ok(self),
        }
    }
}

/// The three flags, in the original's order of errors (`--amplify`, `--frontend`, `--providers`).
pub fn read_flags(
    amplify: Option<&str>,
    frontend: Option<&str>,
    providers: Option<&str>,
    base: &Frontend,
) -> Result<HeadlessFlags, FlagError> {
    let mut amplify = parse_amplify(amplify)?;
    let frontend = parse_frontend(frontend, base)?;
    let auth = parse_providers(providers)?;
    amplify.project_name =
        (amplify.project_name.as_deref()).map(crate::names::default_project_name);
    let mut warnings: Vec<String> = amplify
        .unknown_editor
        .iter()
        .map(|e| unknown_editor_warning(e))
        .collect();
    let frontend = frontend.map(|given| {
        warnings.extend(given.warning);
        given.frontend
    });
    Ok(HeadlessFlags {
        amplify,
        frontend,
        auth,
        warnings,
    })
}

/// The warning for an unknown `defaultEditor`, which names the editors the original knows.
pub fn unknown_editor_warning(value: &str) -> String {
    format!(
        "--amplify names an unknown defaultEditor \"{}\"; {} is used (known: {})",
        crate::frontend::displayable(value),
        Editor::default_editor().name,
        crate::editor::EDITORS
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `--frontend`, completed as the original completes it from `base` (what the project has, or for a new one
/// what the folder suggests): a javascript frontend without `framework` keeps `base`'s; one without `config`
/// gets `base`'s config for the same framework, else the framework's defaults; an unsupported framework
/// becomes `none` with a warning. A `config` given in part is the original's error.
pub fn parse_frontend(
    text: Option<&str>,
    base: &Frontend,
) -> Result<Option<FrontendParams>, FlagError> {
    let Some(text) = text else { return Ok(None) };
    let map = parse_object("--frontend", text)?;
    let type_name = text_field(&map, "frontend")
        .or_else(|| text_field(&map, "type"))
        .unwrap_or_else(|| "javascript".into());
    let config = map.get("config").and_then(Value::as_object).cloned();
    let field = |key: &str| config.as_ref().and_then(|c| text_field(c, key));
    let done = |frontend| {
        Ok(Some(FrontendParams {
            frontend,
            warning: None,
        }))
    };
    match type_name.as_str() {
        "javascript" => javascript_frontend(&map, config.as_ref(), base).map(Some),
        "android" => field("ResDir")
            .map(|res_dir| done(Frontend::Android { res_dir }))
            .unwrap_or_else(|| {
                Err(FlagError::new(
                    "The command line parameter for android frontend configuration is incomplete.",
                    "give config.ResDir, such as app/src/main/res",
                ))
            }),
        "flutter" => field("ResDir")
            .map(|res_dir| done(Frontend::Flutter { res_dir }))
            .unwrap_or_else(|| {
                Err(FlagError::new(
                    "The command line parameter for Flutter frontend configuration is incomplete.",
                    "give config.ResDir, such as ./lib/",
                ))
            }),
        "ios" => done(Frontend::Ios),
        other => Err(FlagError::new(
            format!("--frontend names an unknown frontend \"{other}\""),
            "use one of: android, flutter, ios, javascript",
        )),
    }
}

/// The javascript frontend of `--frontend` (see [`parse_frontend`]).
fn javascript_frontend(
    map: &Map<String, Value>,
    config: Option<&Map<String, Value>>,
    base: &Frontend,
) -> Result<FrontendParams, FlagError> {
    let (base_framework, base_config) = match base {
        Frontend::Javascript { framework, config } => (*framework, Some(config)),
        _ => (Framework::None, None),
    };
    let field = |key: &str| config.and_then(|c| text_field(c, key));
    let mut warning = None;
    let framework = match text_field(map, "framework") {
        None => base_framework,
        Some(name) => Framework::parse(&name.to_lowercase()).unwrap_or_else(|| {
            warning = Some(format!(
                "Unsupported javascript framework: {}; none is used (supported: {})",
                crate::frontend::displayable(&name),
                Framework::ALL.map(Framework::as_str).join(", ")
            ));
            Framework::None
        }),
    };
    let config = match (
        config.is_some(),
        field("SourceDir"),
        field("DistributionDir"),
        field("BuildCommand"),
        field("StartCommand"),
    ) {
        (_, Some(source_dir), Some(distribution_dir), Some(build_command), Some(start_command)) => {
            JsConfig {
                source_dir,
                distribution_dir,
                build_command,
                start_command,
            }
        }
        (false, ..) => match base_config {
            Some(config) if framework == base_framework => config.clone(),
            _ => framework.defaults(),
        },
        _ => {
            return Err(FlagError::new(
                "The command line parameter for javascript frontend configuration is incomplete.",
                "give all four of config.SourceDir, config.DistributionDir, config.BuildCommand and config.StartCommand, or no config for the framework's defaults",
            ));
        }
    };
    Ok(FrontendParams {
        frontend: Frontend::Javascript { framework, config },
        warning,
    })
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
        let base = Frontend::default_for("javascript", Framework::React).unwrap();
        let e = parse_frontend(
            Some(r#"{"frontend":"javascript","framework":"react","config":{"SourceDir":"src"}}"#),
            &base,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "The command line parameter for javascript frontend configuration is incomplete."
        );
    }

    #[test]
    fn the_three_flags_read_together_with_the_originals_leniency_and_its_warnings() {
        let base = Frontend::default_for("javascript", Framework::React).unwrap();
        let flags = read_flags(
            Some(r#"{"projectName":"my-app","defaultEditor":"notepad"}"#),
            Some(r#"{"frontend":"javascript","framework":"svelte"}"#),
            None,
            &base,
        )
        .unwrap();
        assert_eq!(flags.amplify.project_name.as_deref(), Some("myapp"));
        assert!(flags.amplify.editor.is_none());
        assert!(matches!(
            flags.frontend,
            Some(Frontend::Javascript {
                framework: Framework::None,
                ..
            })
        ));
        assert_eq!(flags.warnings.len(), 2, "{:?}", flags.warnings);
        assert!(flags.warnings[0].contains("\"notepad\""));
        assert!(flags.warnings[1].contains("svelte"));
        // An error in a later flag is still an error: nothing is half read.
        let bad = read_flags(Some(r#"{"projectName":"my-app"}"#), None, Some("[]"), &base);
        assert!(bad.unwrap_err().message.contains("--providers"));
    }

    #[test]
    fn a_javascript_frontend_is_completed_as_the_original_completes_it() {
        let base = Frontend::Javascript {
            framework: Framework::React,
            config: JsConfig {
                source_dir: "web".into(),
                ..Framework::React.defaults()
            },
        };
        let parse = |text: &str| parse_frontend(Some(text), &base).unwrap().unwrap();
        let vue = parse(r#"{"frontend":"javascript","framework":"Vue"}"#);
        assert_eq!(
            vue.frontend,
            Frontend::Javascript {
                framework: Framework::Vue,
                config: Framework::Vue.defaults()
            }
        );
        assert!(vue.warning.is_none());
        // No framework: the project's, with its config.
        assert_eq!(parse(r#"{"frontend":"javascript"}"#).frontend, base);
        let svelte = parse(r#"{"frontend":"javascript","framework":"svelte"}"#);
        assert_eq!(
            svelte.frontend,
            Frontend::Javascript {
                framework: Framework::None,
                config: Framework::None.defaults()
            }
        );
        assert!(
            svelte
                .warning
                .unwrap()
                .starts_with("Unsupported javascript framework: svelte")
        );
    }

    #[test]
    fn an_unknown_editor_is_ignored_and_named() {
        let params = parse_amplify(Some(r#"{"defaultEditor":"notepad"}"#)).unwrap();
        assert_eq!(params.editor, None);
        assert_eq!(params.unknown_editor.as_deref(), Some("notepad"));
        let params = parse_amplify(Some(r#"{"defaultEditor":"Code"}"#)).unwrap();
        assert_eq!(params.editor.map(|e| e.id), Some("vscode"));
        assert_eq!(params.unknown_editor, None);
    }
}
