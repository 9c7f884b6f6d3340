//! `amplify-rs config list | get | set | unset`: amplify-rs's own settings. `list` and `get` print data on
//! stdout (`list`: each setting as a TOML line with where its value comes from); `set` and `unset` edit your
//! settings file or the project's through `amplify-settings`, which keeps the file's comments, order and
//! spacing, and say on stderr what they changed and what still wins over it.

use amplify_settings::{Key, Scope, SettingsFile, Value};
use amplify_term::write_stdout;

use crate::cli::ConfigCommand;
use crate::context::Ctx;
use crate::errors::UserError;

pub fn run(ctx: &Ctx, command: &ConfigCommand) -> anyhow::Result<()> {
    let files = &ctx.settings_files;
    match command {
        ConfigCommand::List => {
            let text = (ctx.settings).listing(files.user.as_deref(), files.project.as_deref());
            Ok(write_stdout(text.as_bytes())?)
        }
        ConfigCommand::Get(args) => get(ctx, Key::parse(&args.key)?),
        ConfigCommand::Set(args) => set(ctx, Key::parse(&args.key)?, &args.value, args.project),
        ConfigCommand::Unset(args) => unset(ctx, Key::parse(&args.key)?, args.project),
    }
}

fn get(ctx: &Ctx, key: Key) -> anyhow::Result<()> {
    match ctx.settings.get(key) {
        Some(resolved) => Ok(write_stdout(
            format!("{}\n", resolved.value.plain()).as_bytes(),
        )?),
        None => Err(UserError::new(
            format!("{key} is not set"),
            format!("set it with `amplify-rs config set {key} VALUE`"),
        )
        .into()),
    }
}

/// The file `set` and `unset` edit: the user's, or the project's with `--project`.
fn open(ctx: &Ctx, project: bool) -> anyhow::Result<SettingsFile> {
    let files = &ctx.settings_files;
    let (path, scope) = if project {
        (files.project.as_deref(), Scope::Project)
    } else {
        (files.user.as_deref(), Scope::User)
    };
    Ok(SettingsFile::open(path, scope)?)
}

fn set(ctx: &Ctx, key: Key, text: &str, project: bool) -> anyhow::Result<()> {
    let value = Value::parse(key, text)?;
    let mut file = open(ctx, project)?;
    file.set(key, &value)?;
    file.write()?;
    let path = file.path().display();
    ctx.printer
        .info(format!("{key} = {value} written to {path}"));
    // A flag, a variable or the project file that sets `key` wins over the file just written: say so.
    if let Some(source) = ctx.settings.overriding(key, file.scope()) {
        let noun = file.scope().noun();
        ctx.printer
            .warn(format!("{source} sets {key} too, and wins over the {noun}"));
    }
    Ok(())
}

fn unset(ctx: &Ctx, key: Key, project: bool) -> anyhow::Result<()> {
    let mut file = open(ctx, project)?;
    let path = file.path().display().to_string();
    if !file.exists() || !file.unset(key)? {
        ctx.printer.info(format!("{key} is not set in {path}"));
        return Ok(());
    }
    file.write()?;
    ctx.printer.info(format!("removed {key} from {path}"));
    Ok(())
}
