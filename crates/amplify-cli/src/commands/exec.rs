//! `amplify-rs exec -- COMMAND`: runs a program with the project's AWS session, obtained (or renewed) first,
//! one MFA prompt at most, on the terminal. The program gets the session in the AWS variables; when the
//! session comes from a profile, it also gets private copies of the AWS files in which that profile's
//! credentials come from `amplify-rs aws credentials` (so programs that read the profile, the original
//! Amplify CLI among them, use the session and renew it through amplify-rs). The copies live in a 0700
//! folder, 0600 each, and are removed when the program ends, whatever ends it; amplify-rs exits with the
//! program's status.

use std::path::PathBuf;

use amplify_provider::{ChildEnv, SessionRequest};
use amplify_sts::Purpose;
use anyhow::Context as _;

use crate::cli::ExecArgs;
use amplify_provider::Target;

use crate::commands::aws::session_for;
use crate::context::Ctx;
use crate::interrupt;

pub async fn run(ctx: &Ctx, args: &ExecArgs) -> anyhow::Result<u8> {
    let (session, credentials, target) = session_for(ctx, &args.session, Purpose::Export).await?;
    let request = SessionRequest {
        program: std::env::current_exe().context("cannot find the amplify-rs program")?,
        project: target.in_project.then(|| target.root.clone()),
        env: target.env.clone(),
        by_profile: target
            .by_profile_flag
            .then(|| target.profile.clone())
            .flatten(),
    };
    let child_env = ChildEnv::prepare(
        &credentials,
        session.region(),
        target.profile.as_deref(),
        &ctx.files(),
        &request,
        &runtime_dir(ctx),
    )?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = std::process::Command::new(program);
    command.args(rest);
    for (name, value) in &child_env.vars {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    ctx.printer.debug(format!(
        "running {program} with the session of {}",
        describe(&target)
    ));
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            // The shells' codes: 127 for a program that is not there, 126 for one that cannot run.
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            ctx.printer.warn(format!("cannot run {program}: {e}"));
            return Ok(code);
        }
    };
    // Ctrl-C reaches the program from the terminal; amplify-rs waits for it, then cleans up.
    let status = {
        let _child = interrupt::Phase::Child.enter();
        child.wait().context("cannot wait for the program")?
    };
    drop(child_env);
    Ok(exit_code(status))
}

fn describe(target: &Target) -> String {
    match (&target.env, &target.profile) {
        (Some(env), _) => format!("environment {env}"),
        (None, Some(profile)) => format!("profile {profile}"),
        (None, None) => "the project".into(),
    }
}

/// The program's status as a shell reports it: its code, or 128 + the signal that ended it.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt as _;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code).unwrap_or(1),
        (None, Some(signal)) => u8::try_from(128 + signal).unwrap_or(1),
        (None, None) => 1,
    }
}

/// `$XDG_RUNTIME_DIR` (a tmpfs of the user's own) when there is one, else the temporary folder.
fn runtime_dir(ctx: &Ctx) -> PathBuf {
    ctx.env
        .get("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir)
}
