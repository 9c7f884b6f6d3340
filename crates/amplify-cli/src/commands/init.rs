//! `amplify-rs init`: a new project in this folder, or a new environment of the project here.
//!
//! Every answer is collected first, then credentials are obtained (prompting for MFA only if the cache has
//! nothing reusable), then the root stack is created, and the project files are written last, all at once.
//! Interrupting at any point before the last step leaves the folder as it was.

use std::path::Path;
use std::time::Duration;

use amplify_project::{
    ENV_NAME_RULE, Editor, Frontend, NewEnvironment, NewProject, PROJECT_NAME_RULE, Project,
    StackOutputs, default_project_name, find_root, guess_framework, is_valid_env_name,
    is_valid_project_name, suggested_type,
};
use amplify_stack::{RootStack, StackError, create_root_stack, root_stack_name};
use anyhow::Context as _;
use console::style;
use serde_json::json;

use crate::cli::InitArgs;
use crate::commands::questions;
use crate::context::Ctx;
use crate::credentials::{self, PendingAuth, Session};
use crate::errors::UserError;
use crate::headless::{AmplifyParams, parse_amplify, parse_frontend, parse_providers};
use crate::interrupt;
use crate::prompt::Prompter;

const NOTE: &str =
    "Note: It is recommended to run this command from the root of your app directory";
const SUCCESS: &str = "Your project has been successfully initialized and connected to the cloud!";
/// How often the stack is polled while CloudFormation works.
const POLL: Duration = Duration::from_secs(3);

struct Flags {
    amplify: AmplifyParams,
    frontend: Option<Frontend>,
    auth: Option<PendingAuth>,
    yes: bool,
}

pub async fn run(ctx: &Ctx, args: &InitArgs) -> anyhow::Result<()> {
    let flags = Flags {
        amplify: parse_amplify(args.amplify.as_deref())?,
        frontend: parse_frontend(args.frontend.as_deref())?,
        auth: parse_providers(args.providers.as_deref())?,
        yes: args.yes,
    };
    if let Some(name) = &flags.amplify.project_name
        && !is_valid_project_name(name)
    {
        return Err(
            UserError::new(format!("Invalid project name: {name}"), PROJECT_NAME_RULE).into(),
        );
    }
    if let Some(env) = &flags.amplify.env_name
        && !is_valid_env_name(env)
    {
        return Err(
            UserError::new(format!("Invalid environment name: {env}"), ENV_NAME_RULE).into(),
        );
    }
    let ask = ctx.printer.is_interactive() && !flags.yes;
    if !ctx.printer.is_interactive() && !flags.yes {
        return Err(UserError::new(
            "amplify-rs init has questions to ask and there is no terminal",
            "run it in a terminal, or pass --yes (with --amplify, --frontend and --providers to choose the settings)",
        )
        .into());
    }
    match find_root(&ctx.cwd) {
        Some(root) if root != ctx.cwd => Err(UserError::new(
            "Creating a nested amplify project is not supported",
            format!(
                "Project root detected in: {}. Run amplify-rs init there to add an environment.",
                root.display()
            ),
        )
        .into()),
        Some(root) => add_environment(ctx, &root, flags, ask).await,
        None => new_project(ctx, flags, ask).await,
    }
}

async fn new_project(ctx: &Ctx, flags: Flags, ask: bool) -> anyhow::Result<()> {
    let prompter = Prompter::new(&ctx.printer);
    let root = ctx.cwd.clone();
    // Found now, not after the MFA prompt and the stack: an `amplify` folder that is not a project.
    if root.join("amplify").exists() {
        return Err(amplify_project::ProjectError::AmplifyDirInTheWay {
            path: root.join("amplify"),
        }
        .into());
    }
    ctx.printer.note(NOTE);

    let folder = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name = flags
        .amplify
        .project_name
        .clone()
        .unwrap_or_else(|| default_project_name(&folder));
    if ask && flags.amplify.project_name.is_none() {
        name = questions::project_name(&prompter, &name)?;
    }
    let mut env = flags
        .amplify
        .env_name
        .clone()
        .unwrap_or_else(|| "dev".into());
    let mut editor = flags.amplify.editor.unwrap_or_else(Editor::default_editor);
    let mut frontend = flags.frontend.clone().unwrap_or_else(|| {
        Frontend::default_for(suggested_type(&root), guess_framework(&root)).expect("a known type")
    });

    if ask {
        ctx.printer
            .success("The following configuration will be applied:");
        ctx.printer.blank();
        questions::summary(ctx, &name, &env, editor.name, &frontend);
        ctx.printer.blank();
        if !prompter.confirm("Initialize the project with the above configuration?", true)? {
            if flags.amplify.env_name.is_none() {
                env = questions::env_name(&prompter, &[])?;
            }
            if flags.amplify.editor.is_none() {
                editor = questions::editor(&prompter, Some(editor))?;
            }
            if flags.frontend.is_none() {
                frontend = questions::frontend(&prompter, &root, Some(&frontend))?;
            }
        }
    }

    ctx.printer
        .info("Using default provider  awscloudformation");
    let auth = match flags.auth {
        Some(auth) => auth,
        None if ask => questions::auth(ctx, &prompter, None).await?,
        None => default_auth(ctx)?,
    };

    let session = credentials::obtain(ctx, &root, &auth, credentials::Use::Own).await?;
    let outputs = deploy(ctx, &session, &name, &env).await?;
    let stack_name = outputs.stack_name().unwrap_or_default().to_string();

    let _writing = interrupt::Phase::Writing.enter();
    let written = auth.commit(&ctx.home).and_then(|auth| {
        NewProject {
            root: root.clone(),
            name: name.clone(),
            env: env.clone(),
            editor,
            frontend,
            auth,
            outputs,
        }
        .write()
        .map_err(Into::into)
    });
    written.with_context(|| {
        format!("the root stack {stack_name} was created, but the project files could not be written; delete the stack before running init again")
    })?;

    finished(ctx);
    Ok(())
}

async fn add_environment(ctx: &Ctx, root: &Path, flags: Flags, ask: bool) -> anyhow::Result<()> {
    let prompter = Prompter::new(&ctx.printer);
    let mut project = Project::load(root)?;
    let name = project.project_name()?.to_string();
    // A fresh clone has environments in team-provider-info.json but no current one of its own.
    let current_env = project
        .has_local_env()
        .then(|| project.env_name().map(str::to_string))
        .transpose()?;
    let existing = project.environments();
    ctx.printer.note(NOTE);

    let env = match flags.amplify.env_name.clone() {
        Some(env) => env,
        None if !ask => {
            let (message, hint) = match &current_env {
                Some(current) => (
                    format!("Amplify project {name} is already initialized for environment {current}"),
                    "To create a new environment run `amplify-rs init --amplify '{\"envName\":\"NAME\"}'` with the environment's name".to_string(),
                ),
                None => (
                    format!("Amplify project {name} has no environment chosen in this folder"),
                    format!(
                        "choose one of {} with `amplify-rs init --amplify '{{\"envName\":\"NAME\"}}'`",
                        if existing.is_empty() { "a new name".to_string() } else { existing.join(", ") }
                    ),
                ),
            };
            return Err(UserError::new(message, hint).into());
        }
        None => {
            if !existing.is_empty()
                && prompter.confirm("Do you want to use an existing environment?", true)?
            {
                let default = current_env
                    .as_ref()
                    .and_then(|c| existing.iter().position(|e| e == c))
                    .unwrap_or(0);
                let chosen = existing[prompter.select(
                    "Choose the environment you would like to use:",
                    &existing,
                    default,
                )?]
                .clone();
                return switch_environment(ctx, &prompter, &mut project, &chosen, flags.auth, ask)
                    .await;
            }
            questions::env_name(&prompter, &existing)?
        }
    };
    if existing.contains(&env) {
        return switch_environment(ctx, &prompter, &mut project, &env, flags.auth, ask).await;
    }

    let current_auth = match &current_env {
        Some(current) => project.auth(current)?,
        None => None,
    };
    ctx.printer
        .info("Using default provider  awscloudformation");
    let auth = match (flags.auth, &current_auth) {
        (Some(auth), _) => auth,
        (None, _) if ask => {
            questions::auth(
                ctx,
                &prompter,
                current_auth.as_ref().and_then(|a| a.profile_name()),
            )
            .await?
        }
        (None, Some(stored)) => PendingAuth::from_stored(stored)?,
        (None, None) => default_auth(ctx)?,
    };
    let session = credentials::obtain(ctx, root, &auth, credentials::Use::Own).await?;
    let outputs = deploy(ctx, &session, &name, &env).await?;
    let stack_name = outputs.stack_name().unwrap_or_default().to_string();
    let _writing = interrupt::Phase::Writing.enter();
    let written = auth.commit(&ctx.home).and_then(|auth| {
        project
            .add_environment(&NewEnvironment {
                env: env.clone(),
                auth,
                outputs,
            })
            .map_err(Into::into)
    });
    written.with_context(|| {
        format!("the root stack {stack_name} was created, but the project files could not be updated; delete the stack before running init again")
    })?;

    finished(ctx);
    Ok(())
}

/// Makes `env`, which exists already, the current environment (no stack is created). An environment this
/// folder has no AWS setting for (a fresh clone) gets one first: from `--providers`, a question, or the
/// `--yes` default.
async fn switch_environment(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    project: &mut Project,
    env: &str,
    given: Option<PendingAuth>,
    ask: bool,
) -> anyhow::Result<()> {
    let auth = match (given, project.auth(env)?) {
        (Some(auth), _) => Some(auth.commit(&ctx.home)?),
        (None, Some(_)) => None,
        (None, None) if ask => {
            ctx.printer.info(format!(
                "Choose how the environment {env} gets AWS credentials in this folder."
            ));
            Some(
                questions::auth(ctx, prompter, None)
                    .await?
                    .commit(&ctx.home)?,
            )
        }
        (None, None) => Some(default_auth(ctx)?.commit(&ctx.home)?),
    };
    project.switch_environment(env, auth.as_ref())?;
    ctx.printer
        .success(format!("Switched to the environment {env}."));
    Ok(())
}

/// `--yes` without `--providers`: the profile `AWS_PROFILE` (else `default`) when it exists, else the AWS
/// SDK's default chain (the environment's keys), never copying them to disk.
fn default_auth(ctx: &Ctx) -> anyhow::Result<PendingAuth> {
    let set = credentials::load_profiles(ctx)?;
    let wanted =
        amplify_profile::profile_from_env(|n| ctx.var(n)).unwrap_or_else(|| "default".into());
    if set.get(&wanted).is_some() {
        return Ok(PendingAuth::Profile(wanted));
    }
    if ctx.var("AWS_ACCESS_KEY_ID").is_some() && ctx.var("AWS_SECRET_ACCESS_KEY").is_some() {
        return Ok(PendingAuth::General);
    }
    let hint = if amplify_profile::profile_from_env(|n| ctx.var(n)).is_some() {
        format!(
            "AWS_PROFILE names the profile {wanted}, which is not in {} or {}: fix the name, or pass --providers",
            set.files().config.display(),
            set.files().credentials.display()
        )
    } else {
        "pass --providers '{\"awscloudformation\":{\"configLevel\":\"project\",\"useProfile\":true,\"profileName\":\"NAME\"}}', set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".to_string()
    };
    Err(UserError::new("Failed to resolve AWS credentials with --yes flag.", hint).into())
}

/// Creates the environment's root stack behind a spinner that shows its events as they come.
async fn deploy(
    ctx: &Ctx,
    session: &Session,
    project: &str,
    env: &str,
) -> anyhow::Result<StackOutputs> {
    let stack = RootStack {
        stack_name: root_stack_name(project, env),
        tags: vec![
            ("user:Stack".into(), env.into()),
            ("user:Application".into(), project.into()),
        ],
        description: json!({
            "createdOn": std::env::consts::OS,
            "createdBy": "Amplify",
            "createdWith": format!("amplify-rs {}", env!("CARGO_PKG_VERSION")),
            "stackType": "root",
            "metadata": {}
        })
        .to_string(),
    };
    ctx.printer.info(format!(
        "Deploying resources into {env} environment. This will take a few minutes."
    ));
    let client = session.cloudformation();
    let spinner = ctx.printer.spinner(format!(
        "Deploying root stack {} in {}",
        stack.stack_name, session.region
    ));
    let _deploying = interrupt::Phase::Deploying(stack.stack_name.clone()).enter();
    let mut fresh = async || session.keep_fresh().await;
    let result = create_root_stack(&client, &stack, POLL, &mut fresh, &mut |event| {
        let status = if event.status.ends_with("_FAILED") {
            style(&event.status).red()
        } else if event.status.ends_with("_COMPLETE") {
            style(&event.status).green()
        } else {
            style(&event.status).dim()
        };
        ctx.printer.info(format!(
            "  {} {} {status}",
            event.logical_id,
            style(&event.resource_type).dim()
        ));
    })
    .await;
    drop(spinner);
    match result {
        Ok(outputs) => {
            ctx.printer
                .success(format!("Deployed root stack {}", stack.stack_name));
            Ok(StackOutputs(outputs))
        }
        Err(error) => {
            if let StackError::Failed { failures, .. } = &error
                && !failures.is_empty()
            {
                ctx.printer.info(
                    style("The following resources failed to deploy:")
                        .red()
                        .to_string(),
                );
                for failure in failures {
                    ctx.printer.info(format!(
                        "  {} ({}): {}",
                        failure.logical_id,
                        failure.resource_type,
                        failure.reason.as_deref().unwrap_or("no reason given")
                    ));
                }
            }
            Err(anyhow::Error::new(error).context("Initialization of project failed"))
        }
    }
}

/// The original's closing lines, then what to do next.
fn finished(ctx: &Ctx) {
    ctx.printer
        .success("Initialized your environment successfully.");
    ctx.printer.blank();
    ctx.printer.success(SUCCESS);
    next_steps(ctx);
}

fn next_steps(ctx: &Ctx) {
    ctx.printer.info("Some next steps:");
    ctx.printer.info("\"amplify-rs configure project\" changes the project's name, editor, frontend or AWS profile");
    ctx.printer
        .info("\"amplify-rs aws reset-cache\" deletes this project's cached temporary credentials");
    ctx.printer
        .info("\"amplify-rs init\" in this folder adds another environment");
    ctx.printer.blank();
}
