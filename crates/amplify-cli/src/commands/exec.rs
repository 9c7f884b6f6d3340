//! `amplify-rs exec -- COMMAND`: runs a program with the project's AWS session, obtained (or renewed) first,
//! one MFA prompt at most, on the terminal. The program gets the session in the AWS variables; when the
//! session comes from a profile, it also gets private copies of the AWS files in which that profile's
//! credentials come from `amplify-rs aws credentials` (so programs that read the profile, the original
//! Amplify CLI among them, use the session and renew it through amplify-rs). The copies live in a 0700
//! folder, 0600 each, and are removed when the program ends, whatever ends it; amplify-rs exits with the
//! program's status.

use std::path::{Path, PathBuf};

use amplify_creds::env::aws;
use amplify_creds::export;
use amplify_profile::{Document, FileKind, with_credential_process};
use amplify_sts::Purpose;
use anyhow::Context as _;

use crate::cli::ExecArgs;
use crate::commands::aws::{Target, session_for};
use crate::context::Ctx;
use crate::interrupt;

const PREFIX: &str = "amplify-rs-exec-";

pub async fn run(ctx: &Ctx, args: &ExecArgs) -> anyhow::Result<u8> {
    let (session, credentials, target) = session_for(ctx, &args.session, Purpose::Export).await?;
    let files = match &target.profile {
        Some(profile) => Some(PrivateFiles::write(
            ctx,
            &target,
            profile,
            session.region(),
        )?),
        None => None,
    };
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = std::process::Command::new(program);
    command.args(rest);
    for (name, value) in export::env_vars(&credentials, session.region()) {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    if let Some(files) = &files {
        command.env(aws::CONFIG_FILE, &files.config);
        command.env(aws::SHARED_CREDENTIALS_FILE, &files.credentials);
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
    drop(files);
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

/// The private copies of the AWS files, removed when dropped.
struct PrivateFiles {
    dir: tempfile::TempDir,
    config: PathBuf,
    credentials: PathBuf,
}

impl PrivateFiles {
    fn write(
        ctx: &Ctx,
        target: &Target,
        profile: &str,
        region: &str,
    ) -> anyhow::Result<PrivateFiles> {
        let base = runtime_dir(ctx);
        remove_stale(&base);
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(&base)
            .with_context(|| format!("cannot make a private folder in {}", base.display()))?;
        let files = ctx.files();
        let config = Document::load(&files.config, FileKind::Config)?;
        let credentials = Document::load(&files.credentials, FileKind::Credentials)?;
        let process = credential_process(target, &files)?;
        let (config, credentials) =
            with_credential_process(&config, &credentials, profile, &process, region)?;
        let private = PrivateFiles {
            config: dir.path().join("config"),
            credentials: dir.path().join("credentials"),
            dir,
        };
        config.save(&private.config)?;
        credentials.save(&private.credentials)?;
        ctx.printer.debug(format!(
            "wrote private AWS files in {}",
            private.dir.path().display()
        ));
        Ok(private)
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

/// Folders left by an exec that was killed outright (SIGKILL): their process is gone.
fn remove_stale(base: &Path) {
    let Ok(entries) = fs_err::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let mine = entry.metadata().is_ok_and(|m| {
            use std::os::unix::fs::MetadataExt as _;
            m.uid() == rustix::process::getuid().as_raw()
        });
        if mine && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs_err::remove_dir_all(entry.path());
        }
    }
}

/// The command the copies name as the profile's `credential_process`: this amplify-rs, for the same
/// session, reading the real files (not the copies, which would lead back here).
fn credential_process(
    target: &Target,
    files: &amplify_profile::FileLocations,
) -> anyhow::Result<String> {
    let exe = std::env::current_exe().context("cannot find the amplify-rs program")?;
    let quote = |text: &str| format!("'{}'", text.replace('\'', r"'\''"));
    let path = |p: &Path| quote(&p.display().to_string());
    let mut command = format!(
        "env {}={} {}={} {} aws credentials --format process",
        aws::CONFIG_FILE,
        path(&files.config),
        aws::SHARED_CREDENTIALS_FILE,
        path(&files.credentials),
        path(&exe)
    );
    if target.in_project {
        command.push_str(&format!(" --project {}", path(&target.root)));
    }
    match (&target.profile, target.by_profile_flag, &target.env) {
        (Some(profile), true, _) => command.push_str(&format!(" --profile {}", quote(profile))),
        (_, _, Some(env)) => command.push_str(&format!(" --env {}", quote(env))),
        _ => {}
    }
    Ok(command)
}
