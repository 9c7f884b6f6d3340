//! `amplify-rs init`: a new project in this folder, or a new environment of the project here.
//!
//! Every answer is collected first, then credentials are obtained (prompting for MFA only if the cache has
//! nothing reusable), then the root stack is created, and the project files are written last, all at once.
//! Interrupting at any point before the last step leaves the folder as it was.

use std::path::Path;

use amplify_creds::env::original;
use amplify_project::headless::{
    AmplifyParams, AuthChoice, BoundaryFlag, HeadlessFlags, parse_permissions_boundary,
};
use amplify_project::{
    CloudBackend, DEFAULT_CLI_JSON, Editor, Frontend, NewEnvironment, NewProject, Project,
    ProjectError, StackOutputs, default_project_name, default_tags, default_tags_text, find_root,
    guess_framework, suggested_type,
};
use amplify_stack::CreatedStack;
use amplify_sts::Purpose;
use anyhow::Context as _;

use crate::cli::InitArgs;
use crate::commands::{deploy, questions};
use crate::context::Ctx;
use crate::errors::UserError;
use amplify_provider::{EnvAuth, NamedProfile};
use amplify_term::Prompter;
use amplify_term::interrupt;

const NOTE: &str =
    "Note: It is recommended to run this command from the root of your app directory";
const SUCCESS: &str = "Your project has been successfully initialized and connected to the cloud!";
const PROVIDER: &str = "Using default provider  awscloudformation";

struct Flags {
    amplify: AmplifyParams,
    frontend: Option<Frontend>,
    /// `--providers`, resolved when the authentication method is due.
    auth: Option<AuthChoice>,
    /// `--permissions-boundary`.
    boundary: Option<BoundaryFlag>,
    /// Ask questions: a terminal, and no `--yes`.
    ask: bool,
}

impl Flags {
    /// What to do with a stack this run created and cannot finish: ask a person, delete with `--yes`.
    fn cleanup(&self) -> deploy::Cleanup {
        if self.ask {
            deploy::Cleanup::Ask
        } else {
            deploy::Cleanup::Delete
        }
    }

    /// The flags, checked before anything else happens.
    fn read(ctx: &Ctx, args: &InitArgs) -> anyhow::Result<Flags> {
        // A javascript frontend given in part is completed from what this folder suggests.
        let base =
            Frontend::default_for("javascript", guess_framework(&ctx.cwd)).expect("a known type");
        let HeadlessFlags {
            amplify,
            frontend,
            auth,
            ..
        } = args
            .headless
            .read(ctx, &base)?
            .with_env_name(args.env_name.as_deref())?;
        let boundary = parse_permissions_boundary(args.permissions_boundary.as_deref())?;
        if !ctx.printer.is_interactive() && !args.headless.yes {
            return Err(UserError::new(
                "amplify-rs init has questions to ask and there is no terminal",
                "run it in a terminal, or pass --yes (with --amplify, --frontend and --providers to choose the settings)",
            )
            .into());
        }
        Ok(Flags {
            amplify,
            frontend,
            auth,
            boundary,
            ask: !args.headless.yes,
        })
    }
}

pub async fn run(ctx: &Ctx, args: &InitArgs) -> anyhow::Result<()> {
    let flags = Flags::read(ctx, args)?;
    let root = find_root(&ctx.cwd);
    if let (Some(root), Some(given)) = (&root, &args.app_id) {
        // The original's protection against `--appId` naming another app (it has no other use here:
        // amplify-rs creates no Amplify app).
        if ctx.env.get(original::SKIP_APP_ID_MISMATCH_CHECK) != Some("true") {
            Project::load(root)?.check_app_id(given)?;
        }
    }
    match root {
        Some(root) if root != ctx.cwd => Err(UserError::new(
            "Creating a nested amplify project is not supported",
            format!(
                "Project root detected in: {}. Run amplify-rs init there to add an environment.",
                root.display()
            ),
        )
        .into()),
        Some(root) => add_environment(ctx, &root, flags).await,
        None => new_project(ctx, flags).await,
    }
}

/// The project's settings: from the flags, else the defaults, which a person may change.
struct Settings {
    name: String,
    env: String,
    editor: Editor,
    /// Chosen at the editor question, which is when the original writes `.vscode/settings.json`.
    editor_asked: bool,
    frontend: Frontend,
}

fn new_project_settings(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    flags: &Flags,
) -> anyhow::Result<Settings> {
    let root = &ctx.cwd;
    let folder = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let given = &flags.amplify;
    let mut settings = Settings {
        name: given
            .project_name
            .clone()
            .unwrap_or_else(|| default_project_name(&folder)),
        env: given.env_name.clone().unwrap_or_else(|| "dev".into()),
        editor: given.editor.unwrap_or_else(Editor::default_editor),
        editor_asked: false,
        frontend: flags.frontend.clone().unwrap_or_else(|| {
            Frontend::default_for(suggested_type(root), guess_framework(root))
                .expect("a known type")
        }),
    };
    if !flags.ask {
        return Ok(settings);
    }
    if given.project_name.is_none() {
        settings.name = questions::project_name(prompter, &settings.name)?;
    }
    ctx.printer
        .success("The following configuration will be applied:");
    ctx.printer.blank();
    let s = &settings;
    questions::summary(ctx, &s.name, &s.env, s.editor.name, &s.frontend);
    ctx.printer.blank();
    if !prompter.confirm("Initialize the project with the above configuration?", true)? {
        if given.env_name.is_none() {
            settings.env = questions::env_name(prompter, &[])?;
        }
        if given.editor.is_none() {
            settings.editor = questions::editor(prompter, Some(settings.editor))?;
            settings.editor_asked = true;
        }
        if flags.frontend.is_none() {
            settings.frontend = questions::frontend(prompter, root, Some(&settings.frontend))?;
        }
    }
    Ok(settings)
}

async fn new_project(ctx: &Ctx, flags: Flags) -> anyhow::Result<()> {
    let prompter = Prompter::new(&ctx.printer);
    let root = ctx.cwd.clone();
    // Found now, not after the MFA prompt and the stack: an `amplify` folder that is not a project.
    if root.join("amplify").exists() {
        let path = root.join("amplify");
        return Err(amplify_project::ProjectError::AmplifyDirInTheWay { path }.into());
    }
    ctx.printer.note(NOTE);
    let settings = new_project_settings(ctx, &prompter, &flags)?;
    ctx.printer.info(PROVIDER);
    let cleanup = flags.cleanup();
    let auth = choose_auth(ctx, &prompter, flags.auth, flags.ask, None).await?;
    let Settings {
        name,
        env,
        editor,
        editor_asked,
        frontend,
    } = settings;
    let tags = (default_tags(), default_tags_text());
    let cli_json = DEFAULT_CLI_JSON.trim_end();
    let boundary = flags.boundary.as_ref().and_then(BoundaryFlag::arn);
    create_environment(
        ctx,
        &root,
        &auth,
        (&name, &env),
        (&tags, cli_json, boundary),
        cleanup,
        |auth, outputs| {
            NewProject {
                root: root.clone(),
                name: name.clone(),
                env: env.clone(),
                editor,
                frontend,
                auth,
                outputs,
                permissions_boundary: boundary.map(str::to_string),
            }
            .write()?;
            Ok(())
        },
    )
    .await?;
    if editor_asked {
        questions::hide_generated_files_from(ctx, &root, editor)?;
    }
    Ok(())
}

async fn add_environment(ctx: &Ctx, root: &Path, flags: Flags) -> anyhow::Result<()> {
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

    let env = match (flags.amplify.env_name.clone(), flags.ask) {
        (Some(env), _) => env,
        (None, false) => {
            return Err(ProjectError::EnvNameNeeded {
                project: name,
                current: current_env,
                existing,
            }
            .into());
        }
        (None, true) => {
            match questions::existing_env(&prompter, &existing, current_env.as_deref())? {
                Some(chosen) => {
                    return switch_environment(ctx, &prompter, &mut project, &chosen, flags).await;
                }
                None => questions::env_name(&prompter, &existing)?,
            }
        }
    };
    if existing.contains(&env) {
        return switch_environment(ctx, &prompter, &mut project, &env, flags).await;
    }
    fresh_clone_editor(ctx, &prompter, &mut project, &flags)?;

    let current_auth = match &current_env {
        Some(current) => project.auth(current)?,
        None => None,
    };
    ctx.printer.info(PROVIDER);
    let cleanup = flags.cleanup();
    let auth = match (flags.auth, &current_auth) {
        (Some(choice), _) => EnvAuth::from_choice(ctx.profiles()?, choice)?,
        (None, current) if flags.ask => {
            let profile = current.as_ref().and_then(|a| a.profile_name());
            questions::auth(ctx, &prompter, profile).await?
        }
        (None, Some(stored)) => EnvAuth::from_stored(ctx.profiles()?, stored)?,
        (None, None) => default_auth(ctx)?,
    };
    let tags = (project.tags()?, project.tags_text()?);
    let cli_json = project.cli_json()?;
    let boundary = new_env_boundary(ctx, &project, current_env.as_deref(), &env, flags.boundary);
    create_environment(
        ctx,
        root,
        &auth,
        (&name, &env),
        (&tags, &cli_json, boundary.as_deref()),
        cleanup,
        |auth, outputs| {
            let new = NewEnvironment {
                env: env.clone(),
                auth,
                outputs,
                permissions_boundary: boundary.clone(),
            };
            project.add_environment(&new)?;
            Ok(())
        },
    )
    .await
}

/// The permissions boundary of a new environment of `project`: `--permissions-boundary` (`""` for none),
/// else the current environment's, carried over with the original's words.
fn new_env_boundary(
    ctx: &Ctx,
    project: &Project,
    current_env: Option<&str>,
    env: &str,
    given: Option<BoundaryFlag>,
) -> Option<String> {
    if let Some(given) = given {
        return given.arn().map(str::to_string);
    }
    let current = current_env?;
    let arn = project.permissions_boundary(current)?;
    ctx.printer.info(format!(
        "Permissions boundary {arn} from the {current} environment has automatically been applied to the {env} environment.\nTo modify this, run `amplify env update`.\n"
    ));
    Some(arn.to_string())
}

/// What the new environment's stack and state carry from the project: its tags (as pairs, and as
/// `tags.json`'s text), its `cli.json`, and the permissions boundary of its roles.
type ProjectState<'a> = (
    &'a (Vec<(String, String)>, String),
    &'a str,
    Option<&'a str>,
);

/// The environment's credentials, its root stack, its state in the deployment bucket, then `write` with
/// what they gave. The stack exists from the moment CreateStack succeeds; if what follows fails, the error
/// says so.
async fn create_environment(
    ctx: &Ctx,
    root: &Path,
    auth: &EnvAuth,
    (project, env): (&str, &str),
    ((tags, tags_text), cli_json, boundary): ProjectState<'_>,
    cleanup: deploy::Cleanup,
    write: impl FnOnce(amplify_project::AwsAuth, StackOutputs) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (session, _) = crate::auth::obtain(ctx, auth, root, Purpose::Own).await?;
    let outputs =
        deploy::root_stack(ctx, &session, (project, env), (tags, boundary), cleanup).await?;
    let stack_name = outputs.stack_name().unwrap_or_default().to_string();
    let backend = CloudBackend::new_environment(&outputs, tags_text);
    let stored = deploy::store_state(ctx, &session, &outputs, &backend, cli_json)
        .await
        .with_context(|| {
            format!("the root stack {stack_name} was created, but the environment's state could not be stored in its deployment bucket; no project file was written")
        });
    let written = stored.and_then(|()| {
        let _writing = interrupt::Phase::Writing.enter();
        auth.commit(&ctx.home)
            .map_err(anyhow::Error::from)
            .and_then(|auth| write(auth, outputs.clone()))
            .with_context(|| format!("the root stack {stack_name} was created, but the project files could not be written"))
    });
    if let Err(error) = written {
        // The stack is whole but the environment is not: offer to take it back out of the account.
        let stack_id = outputs.get("StackId").unwrap_or(&stack_name);
        let created = CreatedStack::unfinished(&stack_name, stack_id);
        if deploy::offer_deletion(ctx, &session, &created, cleanup).await {
            return Err(error.context(crate::errors::Outcome {
                message: format!(
                    "Initialization of project failed; the stack {stack_name} was deleted"
                ),
                hint: None,
            }));
        }
        return Err(error);
    }
    finished(ctx);
    Ok(())
}

/// The authentication method: `--providers`, else the question, else the `--yes` default.
async fn choose_auth(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    given: Option<AuthChoice>,
    ask: bool,
    current_profile: Option<&str>,
) -> anyhow::Result<EnvAuth> {
    match given {
        Some(choice) => Ok(EnvAuth::from_choice(ctx.profiles()?, choice)?),
        None if ask => questions::auth(ctx, prompter, current_profile).await,
        None => default_auth(ctx),
    }
}

/// Makes `env`, which exists already, the current environment, pulled from the cloud as the original's init
/// of an existing environment does: its state in the deployment bucket restores `#current-cloud-backend/`
/// and the stack's current outputs go into the project. An environment this folder has no AWS setting for
/// (a fresh clone) gets one first: from `--providers`, a question, or the `--yes` default.
async fn switch_environment(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    project: &mut Project,
    env: &str,
    flags: Flags,
) -> anyhow::Result<()> {
    fresh_clone_editor(ctx, prompter, project, &flags)?;
    let (auth, new_setting) = match (flags.auth, project.auth(env)?) {
        (Some(choice), _) => (EnvAuth::from_choice(ctx.profiles()?, choice)?, true),
        (None, Some(stored)) => (EnvAuth::from_stored(ctx.profiles()?, &stored)?, false),
        (None, None) => {
            if flags.ask {
                ctx.printer.info(format!(
                    "Choose how the environment {env} gets AWS credentials in this folder."
                ));
            }
            (
                choose_auth(ctx, prompter, None, flags.ask, None).await?,
                true,
            )
        }
    };
    let recorded = project.outputs(env).ok_or_else(|| {
        UserError::new(
            format!("amplify/team-provider-info.json has no stack for the environment {env}"),
            "restore amplify/team-provider-info.json from version control",
        )
    })?;
    let root = project.root().to_path_buf();
    let (session, _) = crate::auth::obtain(ctx, &auth, &root, Purpose::Own).await?;
    let (pulled, outputs) = deploy::pull(ctx, &session, env, &recorded).await?;
    let _writing = interrupt::Phase::Writing.enter();
    let setting = if new_setting {
        Some(auth.commit(&ctx.home)?)
    } else {
        None
    };
    project.pull_environment(env, setting.as_ref(), &pulled.backend, &outputs)?;
    ctx.printer.success(format!(
        "Successfully pulled backend environment {env} from the cloud."
    ));
    ctx.printer
        .success("Initialized your environment successfully.");
    Ok(())
}

/// A fresh clone has no editor of its own (`local-env-info.json` is not in version control): as the
/// original, it comes from `--amplify`, else the editor question, else (`--yes`) the default.
fn fresh_clone_editor(
    ctx: &Ctx,
    prompter: &Prompter<'_>,
    project: &mut Project,
    flags: &Flags,
) -> anyhow::Result<()> {
    if project.has_local_env() || project.editor().is_some() {
        return Ok(());
    }
    let editor = match flags.amplify.editor {
        Some(editor) => editor,
        None if flags.ask => {
            let editor = questions::editor(prompter, None)?;
            questions::hide_generated_files_from(ctx, project.root(), editor)?;
            editor
        }
        None => Editor::default_editor(),
    };
    project.set_editor(editor);
    Ok(())
}

/// `--yes` without `--providers` (see [`EnvAuth::default_for`]): the profile of the setting
/// `init.default_profile` (`AWS_PROFILE`, the settings files), else `default`.
fn default_auth(ctx: &Ctx) -> anyhow::Result<EnvAuth> {
    let named = (ctx.settings.chosen_default_profile()).map(|(name, named_by)| NamedProfile {
        name: name.to_string(),
        named_by,
    });
    Ok(EnvAuth::default_for(ctx.profiles()?, &ctx.env, named)?)
}

/// The original's closing lines, then what to do next.
fn finished(ctx: &Ctx) {
    let p = &ctx.printer;
    p.success("Initialized your environment successfully.");
    p.blank();
    p.success(SUCCESS);
    p.info("Some next steps:");
    p.info("\"amplify-rs configure project\" changes the project's name, editor, frontend or AWS profile");
    p.info("\"amplify-rs aws reset-cache\" deletes this project's cached temporary credentials");
    p.info("\"amplify-rs init\" in this folder adds another environment");
    p.blank();
}
