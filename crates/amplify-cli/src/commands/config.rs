//! `amplify-rs config list | get | set | unset`: amplify-rs's own settings. `list` and `get` print data on
//! stdout (`list`: each setting as a TOML line with where its value comes from); `set` and `unset` edit your
//! settings file or the project's through `amplify-settings`, which keeps the file's comments, order and
//! spacing, and say on stderr what they changed and what still wins over it.

use amplify_settings::{Key, Resolved, Scope, SettingsError, SettingsFile, Source, Value};

use crate::cli::ConfigCommand;
use crate::context::Ctx;
use crate::errors::UserError;
use crate::printer::write_stdout;

pub fn run(ctx: &Ctx, command: &ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::List => list(ctx),
        ConfigCommand::Get(args) => get(ctx, key(&args.key)?),
        ConfigCommand::Set(args) => set(ctx, key(&args.key)?, &args.value, args.project),
        ConfigCommand::Unset(args) => unset(ctx, key(&args.key)?, args.project),
    }
}

fn key(name: &str) -> Result<Key, SettingsError> {
    Key::from_name(name).ok_or_else(|| SettingsError::UnknownKey {
        name: name.to_string(),
        suggestion: Key::suggest(name).map(Key::name),
    })
}

/// Where the files are, then one line per setting: `name = value  # source`, a valid TOML file.
fn list(ctx: &Ctx) -> anyhow::Result<()> {
    let files = &ctx.settings_files;
    let mut text = String::new();
    if let Some(user) = &files.user {
        text.push_str(&format!("# user file: {}\n", user.display()));
    }
    match &files.project {
        Some(project) => text.push_str(&format!("# project file: {}\n", project.display())),
        None => text.push_str("# project file: none (not in an Amplify project)\n"),
    }
    let rows: Vec<(String, String)> = Key::ALL.iter().map(|k| row(ctx, *k)).collect();
    let width = rows.iter().map(|(line, _)| line.len()).max().unwrap_or(0);
    for (line, source) in rows {
        if line.is_empty() {
            text.push_str(&format!("# {source}\n"));
        } else {
            text.push_str(&format!("{line:<width$}  # {source}\n"));
        }
    }
    write_stdout(text.as_bytes())
}

/// A setting's line and where its value comes from; an empty line for a setting nothing sets.
fn row(ctx: &Ctx, key: Key) -> (String, String) {
    let definition = key.definition();
    let below = definition
        .profile_key
        .map(|k| format!("; a profile's {k} comes before it"))
        .unwrap_or_default();
    match ctx.settings.get(key) {
        Some(Resolved {
            value,
            source: Source::Default,
        }) => (format!("{key} = {value}"), format!("default{below}")),
        Some(Resolved { value, source }) => (format!("{key} = {value}"), source.to_string()),
        None => (String::new(), format!("{key} is not set{below}")),
    }
}

fn get(ctx: &Ctx, key: Key) -> anyhow::Result<()> {
    match ctx.settings.get(key) {
        Some(resolved) => write_stdout(format!("{}\n", resolved.value.plain()).as_bytes()),
        None => Err(UserError::new(
            format!("{key} is not set"),
            format!("set it with `amplify-rs config set {key} VALUE`"),
        )
        .into()),
    }
}

/// The file `set` and `unset` edit: the user's, or the project's with `--project`.
fn open(ctx: &Ctx, project: bool) -> anyhow::Result<SettingsFile> {
    let (path, scope) = if project {
        let path = ctx.settings_files.project.as_ref().ok_or_else(|| {
            UserError::new(
                "there is no Amplify project here, so no amplify-rs.toml to edit",
                "run this in the project's folder, or leave out --project to edit your own settings",
            )
        })?;
        (path, Scope::Project)
    } else {
        let path = ctx.settings_files.user.as_ref().ok_or_else(|| {
            UserError::new(
                "neither XDG_CONFIG_HOME nor HOME is set, so there is no user settings file",
                "set HOME to your home folder",
            )
        })?;
        (path, Scope::User)
    };
    Ok(SettingsFile::read(path, scope)?)
}

fn set(ctx: &Ctx, key: Key, text: &str, project: bool) -> anyhow::Result<()> {
    let definition = key.definition();
    let value = Value::from_text(&definition.kind, text).ok_or_else(|| SettingsError::Value {
        key: definition.name,
        value: text.to_string(),
        allowed: definition.kind.allowed(),
    })?;
    let mut file = open(ctx, project)?;
    file.set(key, &value)?;
    file.write()?;
    ctx.printer.info(format!(
        "{key} = {value} written to {}",
        file.path().display()
    ));
    warn_if_overridden(ctx, key, file.scope());
    Ok(())
}

fn unset(ctx: &Ctx, key: Key, project: bool) -> anyhow::Result<()> {
    let mut file = open(ctx, project)?;
    if !file.exists() || !file.unset(key)? {
        ctx.printer
            .info(format!("{key} is not set in {}", file.path().display()));
        return Ok(());
    }
    file.write()?;
    ctx.printer
        .info(format!("removed {key} from {}", file.path().display()));
    Ok(())
}

/// A flag, a variable or the project file that sets `key` wins over the file just written: say so.
fn warn_if_overridden(ctx: &Ctx, key: Key, written: Scope) {
    if let Some(Resolved { source, .. }) = ctx.settings.explicit(key)
        && source.rank() < written.rank()
    {
        ctx.printer.warn(format!(
            "{source} sets {key} too, and wins over the {}",
            written.noun()
        ));
    }
}
