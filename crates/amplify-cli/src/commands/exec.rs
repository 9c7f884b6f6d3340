//! `amplify-rs exec -- COMMAND`: runs a program with the project's AWS session, obtained (or renewed) first,
//! one MFA prompt at most, on the terminal. The program gets the session in the AWS variables; when the
//! session comes from a profile, it also gets private copies of the AWS files in which that profile's
//! credentials come from `amplify-rs aws credentials` (so programs that read the profile, the original
//! Amplify CLI among them, use the session and renew it through amplify-rs). The copies live in a 0700
//! folder, 0600 each, and are removed when the program ends, whatever ends it; amplify-rs exits with the
//! program's status.

use amplify_provider::child::{shell_status, shell_status_unstarted};
use amplify_provider::{ChildEnv, SessionRequest};
use amplify_sts::Purpose;
use amplify_term::interrupt;
use anyhow::Context as _;

use crate::cli::ExecArgs;
use crate::commands::aws::session_for;
use crate::context::Ctx;

pub async fn run(ctx: &Ctx, args: &ExecArgs) -> anyhow::Result<u8> {
    let (session, credentials, target) = session_for(ctx, &args.session, Purpose::Export).await?;
    let program = std::env::current_exe().context("cannot find the amplify-rs program")?;
    let child_env = ChildEnv::prepare(
        &credentials,
        session.region(),
        target.profile.as_deref(),
        &ctx.files(),
        &SessionRequest::for_target(&target, program),
        &ChildEnv::base_folder(&ctx.env),
    )?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    ctx.printer
        .debug(format!("running {program} with the session of {target}"));
    let mut child = match child_env.command(program, rest).spawn() {
        Ok(child) => child,
        Err(e) => {
            ctx.printer.warn(format!("cannot run {program}: {e}"));
            return Ok(shell_status_unstarted(&e));
        }
    };
    // Ctrl-C reaches the program from the terminal; amplify-rs waits for it, then cleans up.
    let status = {
        let _child = interrupt::Phase::Child.enter();
        child.wait().context("cannot wait for the program")?
    };
    drop(child_env);
    Ok(shell_status(status))
}
