//! `amplify-rs aws credentials` and `amplify-rs aws whoami`: the project's session for other programs, and
//! whose it is. Both obtain credentials exactly as `init` does: from the cache while they have more than five
//! minutes left, else from STS (with one MFA prompt, or the code from the flag, variable or `mfa_process`).

#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use amplify_creds::Credentials;
use amplify_project::{Project, find_root};
use amplify_sts::{Purpose, Session};
use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;

use crate::auth::PendingAuth;
use crate::cli::{CredentialsArgs, CredentialsFormat, ProjectArg};
use crate::context::Ctx;
use crate::errors::UserError;
use crate::printer::write_stdout;

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

/// The session of the project's current environment, with its credentials.
pub async fn project_session(
    ctx: &Ctx,
    arg: &ProjectArg,
    purpose: Purpose,
) -> anyhow::Result<(Session, Credentials)> {
    let root = project_root(ctx, arg)?;
    let project = Project::load(&root)?;
    let env = project.env_name()?.to_string();
    let auth = project.auth(&env)?.ok_or_else(|| {
        UserError::new(
            format!(
                "the environment {env} has no AWS setting in amplify/.config/local-aws-info.json"
            ),
            "choose one with `amplify-rs configure project`",
        )
    })?;
    PendingAuth::from_stored(ctx, &auth)?
        .obtain(ctx, &root, purpose)
        .await
}

fn rfc3339(time: Option<time::OffsetDateTime>) -> Option<String> {
    time.and_then(|t| t.format(&Rfc3339).ok())
}

/// A value safe inside single quotes in any POSIX shell.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

pub async fn credentials(ctx: &Ctx, args: &CredentialsArgs) -> anyhow::Result<()> {
    let (session, c) = project_session(ctx, &args.project, Purpose::Export).await?;
    // The one command whose job is to print secrets: to stdout, for the program that asked.
    let text = match args.format {
        CredentialsFormat::Process => {
            let mut out = Map::new();
            out.insert("Version".into(), 1.into());
            out.insert("AccessKeyId".into(), c.access_key_id.clone().into());
            out.insert(
                "SecretAccessKey".into(),
                c.secret_access_key.expose().into(),
            );
            if let Some(token) = &c.session_token {
                out.insert("SessionToken".into(), token.expose().into());
            }
            if let Some(expiration) = rfc3339(c.expiration) {
                out.insert("Expiration".into(), expiration.into());
            }
            format!("{}\n", Value::Object(out))
        }
        CredentialsFormat::Env => {
            let mut lines = vec![
                format!("export AWS_ACCESS_KEY_ID={}", shell_quote(&c.access_key_id)),
                format!(
                    "export AWS_SECRET_ACCESS_KEY={}",
                    shell_quote(c.secret_access_key.expose())
                ),
            ];
            match &c.session_token {
                Some(token) => lines.push(format!(
                    "export AWS_SESSION_TOKEN={}",
                    shell_quote(token.expose())
                )),
                None => lines.push("unset AWS_SESSION_TOKEN".into()),
            }
            if let Some(expiration) = rfc3339(c.expiration) {
                lines.push(format!(
                    "export AWS_CREDENTIAL_EXPIRATION={}",
                    shell_quote(&expiration)
                ));
            }
            lines.push(format!(
                "export AWS_REGION={}",
                shell_quote(session.region())
            ));
            format!("{}\n", lines.join("\n"))
        }
        CredentialsFormat::Json => {
            let value = json!({
                "accessKeyId": c.access_key_id,
                "secretAccessKey": c.secret_access_key.expose(),
                "sessionToken": c.session_token.as_ref().map(|t| t.expose()),
                "expiration": rfc3339(c.expiration),
                "region": session.region(),
                "profile": session.profile(),
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).expect("serializes")
            )
        }
    };
    write_stdout(text.as_bytes())
}

pub async fn whoami(ctx: &Ctx, args: &ProjectArg) -> anyhow::Result<()> {
    let (session, _) = project_session(ctx, args, Purpose::Own).await?;
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
