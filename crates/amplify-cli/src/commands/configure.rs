//! `amplify-rs configure project`: shows the project's settings and changes one group of them, then
//! rewrites `project-config.json`, `local-aws-info.json` and `local-env-info.json` as the original does.

use amplify_profile::{Document, FileKind};
use amplify_project::{AwsAuth, Project, find_root};

use crate::commands::questions;
use crate::context::Ctx;
use crate::errors::UserError;
use crate::prompt::Prompter;
use amplify_creds::validate;

pub fn not_a_project() -> UserError {
    UserError::new(
        "No Amplify backend project files detected within this folder.",
        "run `amplify-rs init` to initialize a new Amplify project here, or change to the project's folder",
    )
}

pub async fn project(ctx: &Ctx) -> anyhow::Result<()> {
    let root = find_root(&ctx.cwd).ok_or_else(not_a_project)?;
    let mut project = Project::load(&root)?;
    if !ctx.printer.is_interactive() {
        return Err(UserError::new(
            "amplify-rs configure project asks questions and there is no terminal",
            "run it in a terminal; to change the profile in a script, edit amplify/.config/local-aws-info.json",
        )
        .into());
    }
    let prompter = Prompter::new(&ctx.printer);
    let env = project.env_name()?.to_string();
    let frontend = project.frontend()?;
    let editor = project.editor();
    let auth = project.auth(&env)?;

    ctx.printer.blank();
    let editor_name = editor.map_or("none", |e| e.name);
    questions::summary(ctx, project.project_name()?, &env, editor_name, &frontend);
    ctx.printer.blank();
    if let Some(profile) = auth.as_ref().and_then(AwsAuth::profile_name) {
        ctx.printer.info("AWS Profile setting");
        ctx.printer.info(format!("| Selected profile: {profile}"));
        ctx.printer.blank();
    }

    let settings = ["Project information", "AWS Profile setting"];
    match prompter.select("Which setting do you want to configure?", &settings, 0)? {
        0 => {
            let name = questions::project_name(&prompter, project.project_name()?)?;
            let editor = questions::editor(&prompter, editor)?;
            let frontend = questions::frontend(&prompter, &root, Some(&frontend))?;
            project.set_project_name(&name);
            project.set_editor(editor);
            project.set_frontend(&frontend);
        }
        _ => {
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
                    _ => Some(AwsAuth::General),
                }
            } else if prompter
                .confirm("Do you want to set the project level configuration", true)?
            {
                Some(choose(ctx, &prompter, auth.as_ref()).await?)
            } else {
                None
            };
            if let Some(new_auth) = new_auth {
                project.set_auth(&env, &new_auth);
            }
        }
    }
    project.save_settings()?;
    ctx.printer.blank();
    ctx.printer
        .success("Successfully made configuration changes to your project.");
    ctx.printer.blank();
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
