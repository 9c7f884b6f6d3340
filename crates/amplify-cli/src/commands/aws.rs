//! `amplify-rs aws credentials` and `amplify-rs aws whoami`: the project's session for other programs, and
//! whose it is. Both obtain credentials exactly as `init` does: from the cache while they have more than five
//! minutes left, else from STS (with one MFA prompt, or the code from the flag, variable or `mfa_process`).

#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use amplify_creds::{Credentials, export};
use amplify_project::{Project, find_root};
use amplify_sts::{Purpose, Session};
use serde_json::json;

use crate::cli::{CredentialsArgs, CredentialsFormat, ProjectArg, SessionArgs};
use crate::context::Ctx;
use crate::errors::UserError;
use crate::printer::write_stdout;
use amplify_provider::EnvAuth;

/// The project's root: `--project`, else the project holding the current folder.
pub fn project_root(ctx: &Ctx, arg: &ProjectArg) -> anyhow::Result<PathBuf> {
    let start = arg
        .project
        .as_ref()
        .map_or_else(|| ctx.cwd.clone(), |p| ctx.cwd.join(p));
    find_root(&start).ok_or_else(|| {
        UserError::new(
            "Current environment cannot be determined.",
            "Use 'amplify-rs init' in the root of your app directory to create a new environment. Or pass --project DIR.",
        )
        .into()
    })
}

/// What a session is for: a project's environment, or a profile.
#[derive(Debug)]
pub struct Target {
    /// The project's root; the home folder for a profile outside a project (its cache entries go there).
    pub root: PathBuf,
    pub env: Option<String>,
    /// The profile, when the session comes from one.
    pub profile: Option<String>,
    /// The profile was asked for with `--profile` (not the environment's setting).
    pub by_profile_flag: bool,
    pub in_project: bool,
}

/// The session of `--profile`, else of the project's environment (`--env`, else the current one), with
/// its credentials obtained for `purpose`.
pub async fn session_for(
    ctx: &Ctx,
    args: &SessionArgs,
    purpose: Purpose,
) -> anyhow::Result<(Session, Credentials, Target)> {
    let start = args
        .project
        .project
        .as_ref()
        .map_or_else(|| ctx.cwd.clone(), |p| ctx.cwd.join(p));
    let root = find_root(&start);
    let (auth, target) = match (&args.profile, root) {
        (Some(profile), root) => {
            let auth = EnvAuth::Profile(ctx.profiles()?.resolve(profile)?);
            let target = Target {
                in_project: root.is_some(),
                root: root.unwrap_or_else(|| ctx.home.clone()),
                env: args.env.clone(),
                profile: Some(profile.clone()),
                by_profile_flag: true,
            };
            (auth, target)
        }
        (None, Some(root)) => {
            let project = Project::load(&root)?;
            let env = match &args.env {
                Some(env) => env.clone(),
                None => project.env_name()?.to_string(),
            };
            let stored = project.auth(&env)?.ok_or_else(|| {
                UserError::new(
                    format!("the environment {env} has no AWS setting in amplify/.config/local-aws-info.json"),
                    "choose one with `amplify-rs configure project`, or `amplify-rs init` the environment here",
                )
            })?;
            let profile = stored.profile_name().map(str::to_string);
            let auth = EnvAuth::from_stored(ctx.profiles()?, &stored)?;
            let target = Target {
                root,
                env: Some(env),
                profile,
                by_profile_flag: false,
                in_project: true,
            };
            (auth, target)
        }
        (None, None) => return Err(not_in_a_project().into()),
    };
    let (session, credentials) = crate::auth::obtain(ctx, &auth, &target.root, purpose).await?;
    Ok((session, credentials, target))
}

fn not_in_a_project() -> UserError {
    UserError::new(
        "Current environment cannot be determined.",
        "Use 'amplify-rs init' in the root of your app directory to create a new environment. Or pass --project DIR, or --profile NAME.",
    )
}

pub async fn credentials(ctx: &Ctx, args: &CredentialsArgs) -> anyhow::Result<()> {
    let (session, c, _) = session_for(ctx, &args.session, Purpose::Export).await?;
    // The one command whose job is to print secrets: to stdout, for the program that asked.
    let text = match args.format {
        CredentialsFormat::Process => format!("{}\n", export::process_json(&c)),
        CredentialsFormat::Env => export::shell_exports(&c, session.region()),
        CredentialsFormat::Json => {
            format!(
                "{}\n",
                export::json_document(&c, session.region(), session.profile())
            )
        }
    };
    write_stdout(text.as_bytes())
}

pub async fn whoami(ctx: &Ctx, args: &SessionArgs) -> anyhow::Result<()> {
    let (session, _, _) = session_for(ctx, args, Purpose::Own).await?;
    let identity = session.caller_identity().await?;
    let value =
        json!({"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn});
    write_stdout(
        format!(
            "{}\n",
            serde_json::to_string_pretty(&value).expect("serializes")
        )
        .as_bytes(),
    )
}
