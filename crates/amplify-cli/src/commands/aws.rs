//! `amplify-rs aws credentials` and `amplify-rs aws whoami`: the project's session for other programs, and
//! whose it is. Both obtain credentials exactly as `init` does: from the cache while they have more than five
//! minutes left, else from STS (with one MFA prompt, or the code from the flag, variable or `mfa_process`).

#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use amplify_creds::{Credentials, export};
use amplify_project::find_root;
use amplify_sts::{Purpose, Session};
use serde_json::json;

use crate::cli::{CredentialsArgs, CredentialsFormat, ProjectArg, SessionArgs};
use crate::context::Ctx;
use crate::errors::UserError;
use amplify_provider::{Target, TargetFlags};
use amplify_term::write_stdout;

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

/// The session of `--profile`, else of the project's environment (`--env`, else the current one), with
/// its credentials obtained for `purpose`.
pub async fn session_for(
    ctx: &Ctx,
    args: &SessionArgs,
    purpose: Purpose,
) -> anyhow::Result<(Session, Credentials, Target)> {
    let flags = TargetFlags {
        project: args.project.project.clone(),
        env: args.env.clone(),
        profile: args.profile.clone(),
    };
    let target = Target::resolve(&flags, &ctx.cwd, &ctx.home, ctx.profiles()?)?;
    let (session, credentials) =
        crate::auth::obtain(ctx, &target.auth, &target.root, purpose).await?;
    Ok((session, credentials, target))
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
    Ok(write_stdout(text.as_bytes())?)
}

pub async fn whoami(ctx: &Ctx, args: &SessionArgs) -> anyhow::Result<()> {
    let (session, _, _) = session_for(ctx, args, Purpose::Own).await?;
    let identity = session.caller_identity().await?;
    let value =
        json!({"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn});
    let text = serde_json::to_string_pretty(&value).expect("serializes");
    Ok(write_stdout(format!("{text}\n").as_bytes())?)
}
