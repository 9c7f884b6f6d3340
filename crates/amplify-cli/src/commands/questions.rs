//! The questions `init` and `configure project` share, with the original's wording: the environment name,
//! the editor, the app type and its settings, and the authentication method with its profile picker.

use std::path::Path;

use amplify_creds::{Credentials, Secret, validate};
use amplify_profile::{ProfileChain, ProfileSet};
use amplify_project::{
    AccessKeysFile, EDITORS, ENV_NAME_RULE, Editor, Framework, Frontend, JsConfig,
    PROJECT_NAME_RULE, REGIONS, guess_framework, is_valid_env_name, is_valid_project_name,
};

use crate::context::Ctx;
use crate::errors::UserError;
use amplify_provider::EnvAuth;
use amplify_term::{PromptError, Prompter};

pub const PROFILE_DOCS: &str =
    "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-profiles.html";

pub fn project_name(prompter: &Prompter<'_>, default: &str) -> Result<String, PromptError> {
    prompter.text("Enter a name for the project", Some(default), |name| {
        if is_valid_project_name(name) {
            Ok(())
        } else {
            Err(PROJECT_NAME_RULE.into())
        }
    })
}

pub fn env_name(prompter: &Prompter<'_>, existing: &[String]) -> Result<String, PromptError> {
    let default = (!existing.iter().any(|e| e == "dev")).then_some("dev");
    prompter.text("Enter a name for the environment", default, |name| {
        if !is_valid_env_name(name) {
            Err(ENV_NAME_RULE.into())
        } else if existing.iter().any(|e| e == name) {
            Err(format!(
                "The environment {name} already exists: choose another name."
            ))
        } else {
            Ok(())
        }
    })
}

/// "Do you want to use an existing environment?" and which: `None` for a new one.
pub fn existing_env(
    prompter: &Prompter<'_>,
    existing: &[String],
    current: Option<&str>,
) -> anyhow::Result<Option<String>> {
    if existing.is_empty()
        || !prompter.confirm("Do you want to use an existing environment?", true)?
    {
        return Ok(None);
    }
    let default = current
        .and_then(|c| existing.iter().position(|e| e == c))
        .unwrap_or(0);
    let index = prompter.select(
        "Choose the environment you would like to use:",
        existing,
        default,
    )?;
    Ok(Some(existing[index].clone()))
}

/// After Visual Studio Code was chosen at the editor question: the original's `files.exclude` rules in
/// `root/.vscode/settings.json`.
pub fn hide_generated_files_from(
    ctx: &Ctx,
    root: &std::path::Path,
    editor: Editor,
) -> anyhow::Result<()> {
    use amplify_project::vscode::{VscodeSettings, hide_generated_files};
    if editor.id != "vscode" {
        return Ok(());
    }
    if hide_generated_files(root)? == VscodeSettings::LeftAsItIs {
        ctx.printer.warn(format!(
            "{} is not plain JSON (comments?): it was left as it is; add amplify's files to \"files.exclude\" yourself if you want them hidden",
            root.join(".vscode/settings.json").display()
        ));
    }
    Ok(())
}

pub fn editor(prompter: &Prompter<'_>, current: Option<Editor>) -> anyhow::Result<Editor> {
    let names: Vec<&str> = EDITORS.iter().map(|e| e.name).collect();
    let default = current
        .and_then(|c| EDITORS.iter().position(|e| *e == c))
        .unwrap_or(0);
    Ok(EDITORS[prompter.select("Choose your default editor:", &names, default)?])
}

/// The app type and, for javascript, the framework and its four settings (defaults from `current`, else
/// from the framework guessed from `package.json`).
pub fn frontend(
    prompter: &Prompter<'_>,
    project_dir: &Path,
    current: Option<&Frontend>,
) -> anyhow::Result<Frontend> {
    let current_type = current.map_or("javascript", Frontend::type_name);
    let default = Frontend::TYPES
        .iter()
        .position(|t| *t == current_type)
        .unwrap_or(3);
    let type_name = Frontend::TYPES[prompter.select(
        "Choose the type of app that you're building",
        &Frontend::TYPES,
        default,
    )?];
    let same_type = current.filter(|c| c.type_name() == type_name);
    match type_name {
        "javascript" => {
            prompter.info("Please tell us about your project");
            let (current_framework, current_config) = match same_type {
                Some(Frontend::Javascript { framework, config }) => {
                    (*framework, Some(config.clone()))
                }
                _ => (guess_framework(project_dir), None),
            };
            let names = Framework::ALL.map(Framework::as_str);
            let default = Framework::ALL
                .iter()
                .position(|f| *f == current_framework)
                .unwrap_or(6);
            let framework = Framework::ALL
                [prompter.select("What javascript framework are you using", &names, default)?];
            let defaults = match current_config {
                Some(config) if framework == current_framework => config,
                _ => framework.defaults(),
            };
            let any = |_: &str| Ok(());
            let source_dir =
                prompter.text("Source Directory Path: ", Some(&defaults.source_dir), any)?;
            let distribution_dir = prompter.text(
                "Distribution Directory Path:",
                Some(&defaults.distribution_dir),
                any,
            )?;
            let build_command =
                prompter.text("Build Command: ", Some(&defaults.build_command), any)?;
            let start_command =
                prompter.text("Start Command:", Some(&defaults.start_command), any)?;
            Ok(Frontend::Javascript {
                framework,
                config: JsConfig {
                    source_dir,
                    distribution_dir,
                    build_command,
                    start_command,
                },
            })
        }
        "android" => {
            prompter.info("Please tell us about your project");
            let default = match same_type {
                Some(Frontend::Android { res_dir }) => res_dir.clone(),
                _ => "app/src/main/res".into(),
            };
            let res_dir =
                prompter.text("Where is your Res directory: ", Some(&default), |_| Ok(()))?;
            Ok(Frontend::Android { res_dir })
        }
        "flutter" => {
            prompter.info("Please tell us about your project");
            let default = match same_type {
                Some(Frontend::Flutter { res_dir }) => res_dir.clone(),
                _ => "./lib/".into(),
            };
            let res_dir = prompter.text(
                "Where do you want to store your configuration file?",
                Some(&default),
                |_| Ok(()),
            )?;
            Ok(Frontend::Flutter { res_dir })
        }
        _ => Ok(Frontend::Ios),
    }
}

/// The project-information lines of init's summary and `configure project`.
pub fn summary(ctx: &Ctx, name: &str, env: &str, editor: &str, frontend: &Frontend) {
    ctx.printer.info("Project information");
    ctx.printer.info(format!("| Name: {name}"));
    ctx.printer.info(format!("| Environment: {env}"));
    ctx.printer.info(format!("| Default editor: {editor}"));
    for line in frontend.summary_lines() {
        ctx.printer.info(line);
    }
}

/// "Select the authentication method you want to use:" and what follows it.
pub async fn auth(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    current_profile: Option<&str>,
) -> anyhow::Result<EnvAuth> {
    let mut set = ctx.profiles()?;
    let fresh;
    if set.is_empty() {
        ctx.printer.info("AWS access credentials can not be found.");
        // The original's offer: its new-user setup, which writes a profile to choose next.
        if !prompter.confirm("Setup new user", true)? {
            ctx.printer.info(format!(
                "No profile is defined in {} or {}: enter the access keys of an IAM user.",
                set.files().config.display(),
                set.files().credentials.display()
            ));
            return access_keys(ctx, prompter).await;
        }
        crate::commands::configure::new_user(ctx)?;
        fresh = ProfileSet::load(&ctx.files())?;
        set = &fresh;
    }
    let methods = ["AWS profile", "AWS access keys"];
    if prompter.select(
        "Select the authentication method you want to use:",
        &methods,
        0,
    )? == 1
    {
        return access_keys(ctx, prompter).await;
    }
    ctx.printer.blank();
    ctx.printer
        .info("For more information on AWS Profiles, see:");
    ctx.printer.success(PROFILE_DOCS);
    ctx.printer.blank();
    // The environment's own profile, else the default profile (`init.default_profile`: AWS_PROFILE, the
    // settings files, else `default`).
    let default = ctx.settings.default_profile().value;
    let preferred = current_profile.or(default.as_text());
    profile(ctx, prompter, set, preferred).map(EnvAuth::Profile)
}

/// The profile picker: every profile of both files with a few words on each, filtered by typing; a profile
/// that cannot be resolved is explained and the question asked again. Each profile is resolved once for its
/// few words (and dropped: the picker holds words, not chains), and the chosen one again for the answer.
pub fn profile(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    set: &ProfileSet,
    preferred: Option<&str>,
) -> anyhow::Result<ProfileChain> {
    let names: Vec<&str> = set.names().collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let items: Vec<String> = names
        .iter()
        .map(|name| {
            let about = match set.resolve(name) {
                Ok(chain) => chain.describe(),
                Err(e) => format!("cannot be used: {e}"),
            };
            format!("{name:<width$}  {about}")
        })
        .collect();
    let default = preferred
        .and_then(|p| names.iter().position(|n| *n == p))
        .or_else(|| names.iter().position(|n| *n == "default"))
        .unwrap_or(0);
    loop {
        let index = prompter.pick(
            "Please choose the profile you want to use",
            &items,
            default,
            |i| names[i].to_string(),
        )?;
        match set.resolve(names[index]) {
            Ok(chain) => return Ok(chain),
            Err(e) => {
                ctx.printer.warn(format!("{e}"));
                ctx.printer.info(format!("  hint: {}", e.hint()));
            }
        }
    }
}

/// A region from the original's list (us-east-1 first).
pub fn region(prompter: &Prompter<'_>, prompt: &str) -> anyhow::Result<String> {
    Ok(REGIONS[prompter.select(prompt, REGIONS, 0)?].to_string())
}

/// The access-keys method: the keys and a region, checked with STS GetCallerIdentity.
pub async fn access_keys(ctx: &Ctx, prompter: &Prompter<'_>) -> anyhow::Result<EnvAuth> {
    loop {
        let id = prompter.secret("accessKeyId: ", validate::access_key_id)?;
        let secret = prompter.secret("secretAccessKey: ", validate::secret_access_key)?;
        let region = region(prompter, "region: ")?;
        // Temporary keys typed at the prompt work with their token from AWS_SESSION_TOKEN, as in the original.
        let mut credentials = Credentials::long_lived(id, Secret::new(secret));
        credentials.session_token = ctx
            .env
            .get(amplify_creds::env::aws::SESSION_TOKEN)
            .map(Secret::new);
        let keys = AccessKeysFile {
            credentials,
            region,
        };
        let sts = ctx.sessions()?.sts();
        match sts.check_keys(&keys.credentials, &keys.region).await {
            Ok(identity) => {
                ctx.printer
                    .info(format!("These keys belong to {}", identity.arn));
                return Ok(EnvAuth::AccessKeys(keys));
            }
            Err(error) => {
                ctx.printer.info(
                    console::style("Invalid configuration settings!")
                        .red()
                        .to_string(),
                );
                ctx.printer.info(format!("  {error}"));
                if !prompter.confirm("Do you want to retry configuration?", false)? {
                    return Err(UserError::new(
                        "the access keys were not accepted by AWS",
                        "check the keys in the IAM console; they may be deactivated or mistyped",
                    )
                    .into());
                }
            }
        }
    }
}
