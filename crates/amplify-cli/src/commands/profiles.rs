//! `amplify-rs aws profiles`: what amplify-rs (and the AWS CLI) make of the user's files. Lists every
//! profile with its kind and chain, shows one profile hop by hop with where each setting is written, and with
//! `--check` explains every problem: the file and line, the profile, what to change. Output is data, so it goes
//! to stdout; nothing here calls AWS.

#![allow(clippy::print_stdout)]

use std::io::Write as _;

use amplify_profile::{ProfileSet, report};

use crate::cli::ProfilesArgs;
use crate::context::Ctx;
use crate::errors::UserError;
use amplify_term::write_stdout;

pub fn run(ctx: &Ctx, args: &ProfilesArgs) -> anyhow::Result<()> {
    // Read here rather than through `ctx.profiles()`: this command prints the warnings its own way.
    let set = ProfileSet::load(&ctx.files())?;
    let result = show(ctx, &set, args);
    // The process ends with this command: the set's memory (the files and their index, megabytes for large
    // files) is given back whole at exit, sooner than freed piece by piece here.
    std::mem::forget(set);
    result
}

fn show(ctx: &Ctx, set: &ProfileSet, args: &ProfilesArgs) -> anyhow::Result<()> {
    if args.check {
        let (text, errors) = report::check(set, args.json);
        write_stdout(text.as_bytes())?;
        return match errors {
            0 => Ok(()),
            n => Err(UserError::new(
                format!("{n} of {} profiles cannot be used", set.names().len()),
                "fix the profiles listed above",
            )
            .into()),
        };
    }
    let text = match &args.name {
        Some(name) => {
            let chain = set.resolve(name)?;
            if args.json {
                format!("{:#}\n", report::chain_json(set, name, Ok(&chain)))
            } else {
                report::describe_one(set, &chain)
            }
        }
        None if args.json => format!("{:#}\n", report::list_json(set)),
        None => {
            for warning in set.warnings() {
                ctx.printer.warn(warning.to_string());
            }
            // Written as each profile is resolved: a list of 100,000 profiles never holds the table.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let written = report::write_list_table(set, &mut out).and_then(|()| out.flush());
            return match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            };
        }
    };
    Ok(write_stdout(text.as_bytes())?)
}
