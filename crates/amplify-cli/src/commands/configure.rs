//! `amplify-rs configure project`: shows the project's settings and changes one group of them, then
//! rewrites `project-config.json`, `local-aws-info.json` and `local-env-info.json` as the original does.

use amplify_project::{AwsAuth, Project, find_root};

use crate::commands::questions;
use crate::context::Ctx;
use crate::credentials::PendingAuth;
use crate::errors::UserError;
use crate::prompt::Prompter;

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
    let pending: PendingAuth =
        questions::auth(ctx, prompter, current.and_then(AwsAuth::profile_name)).await?;
    pending.commit(&ctx.home)
}
