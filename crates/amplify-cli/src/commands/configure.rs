//! `amplify-rs configure project`: shows the project's settings and changes one group of them (asked, or given
//! by the original's headless flags), then rewrites `project-config.json`, `local-aws-info.json` and
//! `local-env-info.json` as the original does, and deletes a keys file the new AWS setting no longer uses.

use std::path::Path;

use amplify_profile::{Document, FileKind};
use amplify_project::headless::HeadlessFlags;
use amplify_project::{AwsAuth, Project, find_root};
use amplify_provider::EnvAuth;

use crate::cli::HeadlessArgs;
use crate::commands::questions;
use crate::context::Ctx;
use crate::errors::UserError;
use amplify_creds::validate;
use amplify_term::Prompter;

pub fn not_a_project() -> UserError {
    UserError::new(
        "No Amplify backend project files detected within this folder.",
        "run `amplify-rs init` to initialize a new Amplify project here, or change to the project's folder",
    )
}

/// Where the original sends people who want to know about profiles, printed before the profile questions.
const PROFILES_DOCS: &str =
    "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-profiles.html";

pub async fn project(ctx: &Ctx, flags: &HeadlessArgs) -> anyhow::Result<()> {
    let root = find_root(&ctx.cwd).ok_or_else(not_a_project)?;
    let mut project = Project::load(&root)?;
    let headless = flags.amplify.is_some()
        || flags.frontend.is_some()
        || flags.providers.is_some()
        || flags.yes;
    // The flags are read before anything is shown: a mistake in them changes nothing.
    // A javascript frontend given in part is completed from the project's.
    let given = flags.read(ctx, &project.frontend()?)?;
    if !headless && !ctx.printer.is_interactive() {
        return Err(UserError::new(
            "amplify-rs configure project asks questions and there is no terminal",
            "run it in a terminal, or give the settings to change with --amplify, --frontend and --providers (and --yes)",
        )
        .into());
    }
    let env = project.env_name()?.to_string();
    show(ctx, &project, &env)?;
    if headless {
        apply(ctx, &mut project, &env, given)?;
    } else {
        ask(ctx, &mut project, &root, &env).await?;
    }
    project.save_settings()?;
    for path in project.remove_retired_keys(&ctx.home)? {
        ctx.printer.warn(format!(
            "The old keys file {} is outside ~/.amplify/awscloudformation and was left where it is; delete it if nothing else uses it",
            path.display()
        ));
    }
    ctx.printer.blank();
    ctx.printer
        .success("Successfully made configuration changes to your project.");
    ctx.printer.blank();
    Ok(())
}

/// The project's settings as the original shows them before its question.
fn show(ctx: &Ctx, project: &Project, env: &str) -> anyhow::Result<()> {
    let p = &ctx.printer;
    p.blank();
    let editor_name = project.editor().map_or("none", |e| e.name);
    questions::summary(
        ctx,
        project.project_name()?,
        env,
        editor_name,
        &project.frontend()?,
    );
    p.blank();
    if let Some(profile) = project.auth(env)?.as_ref().and_then(AwsAuth::profile_name) {
        p.info("AWS Profile setting");
        p.info(format!("| Selected profile: {profile}"));
        p.blank();
    }
    p.info("Advanced: Container-based deployments");
    p.info(format!(
        "| Leverage container-based deployments: {}",
        if project.serverless_containers() {
            "Yes"
        } else {
            "No"
        }
    ));
    p.blank();
    Ok(())
}

/// The headless form: what the flags give changes, nothing else. Unlike the original, which reads
/// `--providers` here only after its interactive "AWS Profile setting" choice, the given AWS setting is
/// applied (docs/differences.md).
fn apply(ctx: &Ctx, project: &mut Project, env: &str, given: HeadlessFlags) -> anyhow::Result<()> {
    if let Some(name) = &given.amplify.project_name {
        project.set_project_name(name);
    }
    if let Some(editor) = given.amplify.editor {
        project.set_editor(editor);
    }
    if let Some(frontend) = &given.frontend {
        project.set_frontend(frontend);
    }
    if let Some(choice) = given.auth {
        let auth = EnvAuth::from_choice(ctx.profiles()?, choice)?;
        project.set_auth(env, &auth.commit(&ctx.home)?);
    }
    Ok(())
}

/// The questions, in the original's order and words.
async fn ask(ctx: &Ctx, project: &mut Project, root: &Path, env: &str) -> anyhow::Result<()> {
    let prompter = Prompter::new(&ctx.printer);
    let settings = [
        "Project information",
        "AWS Profile setting",
        "Advanced: Container-based deployments",
    ];
    match prompter.select("Which setting do you want to configure?", &settings, 0)? {
        0 => {
            let name = questions::project_name(&prompter, project.project_name()?)?;
            let editor = questions::editor(&prompter, project.editor())?;
            questions::hide_generated_files_from(ctx, root, editor)?;
            let frontend = questions::frontend(&prompter, root, Some(&project.frontend()?))?;
            project.set_project_name(&name);
            project.set_editor(editor);
            project.set_frontend(&frontend);
        }
        1 => {
            let auth = project.auth(env)?;
            ctx.printer.blank();
            ctx.printer
                .info("For more information on AWS Profiles, see:");
            ctx.printer.success(PROFILES_DOCS);
            ctx.printer.blank();
            ctx.printer.info("For the awscloudformation provider.");
            let project_level = matches!(
                auth,
                Some(AwsAuth::Profile { .. } | AwsAuth::AccessKeys { .. })
            );
            let new_auth = if project_level {
                let choices = ["No", "Update AWS Profile", "Remove AWS Profile"];
                match prompter.select(
                    "Do you want to update or remove the project level AWS profile?",
                    &choices,
                    0,
                )? {
                    0 => None,
                    1 => Some(choose(ctx, &prompter, auth.as_ref()).await?),
                    _ => prompter
                        .confirm("Remove project level configuration", false)?
                        .then_some(AwsAuth::General),
                }
            } else if prompter
                .confirm("Do you want to set the project level configuration", true)?
            {
                Some(choose(ctx, &prompter, auth.as_ref()).await?)
            } else {
                None
            };
            if let Some(new_auth) = new_auth {
                project.set_auth(env, &new_auth);
            }
        }
        _ => {
            let on = prompter.confirm(
                "Do you want to enable container-based deployments?",
                project.serverless_containers(),
            )?;
            project.set_serverless_containers(on);
        }
    }
    Ok(())
}

async fn choose(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    current: Option<&AwsAuth>,
) -> anyhow::Result<AwsAuth> {
    let auth = questions::auth(ctx, prompter, current.and_then(AwsAuth::profile_name)).await?;
    Ok(auth.commit(&ctx.home)?)
}

/// `amplify-rs configure`: the original's new-user setup. The keys of an IAM user created in the console go
/// into `~/.aws/credentials` and the region into `~/.aws/config`, through the lossless document model: every
/// other byte of both files stays as it was, both files end up mode 0600, and an existing profile's keys are
/// replaced only after asking.
pub fn new_user(ctx: &Ctx) -> anyhow::Result<()> {
    if !ctx.printer.is_interactive() {
        return Err(UserError::new(
            "amplify-rs configure asks for an IAM user's keys and there is no terminal",
            "run it in a terminal, or add the profile to ~/.aws/credentials and ~/.aws/config yourself",
        )
        .into());
    }
    let files = ctx.files();
    // Files the AWS CLI cannot read are refused before any question: an edit of them would be a guess.
    let mut credentials = Document::load(&files.credentials, FileKind::Credentials)?;
    let mut config = Document::load(&files.config, FileKind::Config)?;
    let prompter = Prompter::new(&ctx.printer);
    let p = &ctx.printer;
    p.info("Follow these steps to set up access to your AWS account:");
    p.blank();
    p.info("Sign in to your AWS administrator account:");
    p.success("https://console.aws.amazon.com/");
    let region = questions::region(&prompter, "Specify the AWS Region")?;
    p.blank();
    p.info("Follow the instructions at");
    p.success("https://docs.amplify.aws/cli/start/install/#configure-the-amplify-cli");
    p.blank();
    p.info("to complete the user creation in the AWS console");
    p.success("https://console.aws.amazon.com/iamv2/home#/users/create");
    p.blank();
    p.info("Enter the access key of the newly created user:");
    let access_key_id = prompter.secret("accessKeyId: ", validate::access_key_id)?;
    let secret_access_key = prompter.secret("secretAccessKey: ", validate::secret_access_key)?;
    p.info("This would update/create the AWS Profile in your local machine");
    let name = prompter.text("Profile Name: ", Some("default"), |name| {
        if name.is_empty() || name.chars().any(|c| c.is_whitespace() || "[]".contains(c)) {
            Err("A profile name has no spaces or brackets".into())
        } else {
            Ok(())
        }
    })?;

    if credentials.has_profile(&name)
        && !prompter.confirm(
            &format!(
                "Profile {name} already exists in {}. Replace its keys?",
                files.credentials.display()
            ),
            false,
        )?
    {
        return Err(UserError::new(
            format!("profile {name} was left as it was"),
            "run amplify-rs configure again with another profile name",
        )
        .into());
    }
    credentials.set(&name, "aws_access_key_id", &access_key_id)?;
    credentials.set(&name, "aws_secret_access_key", &secret_access_key)?;
    config.set(&name, "region", &region)?;

    // The keys first: a config entry without keys is harmless, keys without their region are merely incomplete.
    credentials.save(&files.credentials)?;
    config.save(&files.config)?;
    p.blank();
    p.success("Successfully set up the new user.");
    Ok(())
}
