//! What a program run with an environment's session gets (`amplify-rs exec`): the AWS variables, and, when
//! the session comes from a profile, private copies of the AWS files in which that profile's credentials come
//! from a `credential_process` (this amplify-rs, for the same session, reading the real files: the copies
//! would lead back here). The copies live in a 0700 folder, 0600 each, and are removed when the
//! [`ChildEnv`] is dropped; a folder left by a process killed outright is removed by the next one.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use amplify_creds::env::{Env, aws};
use amplify_creds::{Credentials, export};
use amplify_profile::{Document, FileKind, FileLocations, with_credential_process};

use crate::error::ProviderError;
use crate::target::Target;

const PREFIX: &str = "amplify-rs-exec-";

/// Which session a `credential_process` must ask amplify-rs for.
#[derive(Clone, Debug)]
pub struct SessionRequest {
    /// This amplify-rs.
    pub program: PathBuf,
    /// The project's root, when there is a project.
    pub project: Option<PathBuf>,
    /// The environment; ignored when `by_profile` is set.
    pub env: Option<String>,
    /// A profile asked for by name (`--profile`), rather than the environment's setting.
    pub by_profile: Option<String>,
}

impl SessionRequest {
    /// What `target`'s `credential_process` asks `program` (this amplify-rs) for.
    pub fn for_target(target: &Target, program: PathBuf) -> Self {
        SessionRequest {
            program,
            project: target.in_project.then(|| target.root.clone()),
            env: target.env.clone(),
            by_profile: target
                .by_profile_flag
                .then(|| target.profile.clone())
                .flatten(),
        }
    }

    /// The `credential_process` command line, with the real files named (POSIX single quotes; botocore's
    /// shlex and the SDKs' `sh -c` both read it).
    fn command(&self, files: &FileLocations) -> String {
        let quote = |text: &str| format!("'{}'", text.replace('\'', r"'\''"));
        let path = |p: &Path| quote(&p.display().to_string());
        let mut command = format!(
            "env {}={} {}={} {} aws credentials --format process",
            aws::CONFIG_FILE,
            path(&files.config),
            aws::SHARED_CREDENTIALS_FILE,
            path(&files.credentials),
            path(&self.program)
        );
        if let Some(project) = &self.project {
            command.push_str(&format!(" --project {}", path(project)));
        }
        match (&self.by_profile, &self.env) {
            (Some(profile), _) => command.push_str(&format!(" --profile {}", quote(profile))),
            (None, Some(env)) => command.push_str(&format!(" --env {}", quote(env))),
            (None, None) => {}
        }
        command
    }
}

/// The environment of a program run with a session; the private files go when it is dropped.
#[derive(Debug)]
pub struct ChildEnv {
    /// Variables to set (`Some`) or remove (`None`).
    pub vars: Vec<(String, Option<String>)>,
    folder: Option<tempfile::TempDir>,
}

impl ChildEnv {
    /// The variables for `credentials` in `region`, and, for a session of `profile`, the private copies of
    /// `files` in a new folder under `base`.
    pub fn prepare(
        credentials: &Credentials,
        region: &str,
        profile: Option<&str>,
        files: &FileLocations,
        request: &SessionRequest,
        base: &Path,
    ) -> Result<ChildEnv, ProviderError> {
        let mut vars: Vec<(String, Option<String>)> = export::env_vars(credentials, region)
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        let Some(profile) = profile else {
            return Ok(ChildEnv { vars, folder: None });
        };
        remove_stale(base);
        let folder = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(base)
            .map_err(|source| amplify_fs::FsError::CreateDir {
                path: base.to_path_buf(),
                source,
            })
            .map_err(amplify_project::ProjectError::from)?;
        let config = Document::load(&files.config, FileKind::Config)?;
        let creds = Document::load(&files.credentials, FileKind::Credentials)?;
        let (config, creds) =
            with_credential_process(&config, &creds, profile, &request.command(files), region)?;
        let (config_path, creds_path) = (
            folder.path().join("config"),
            folder.path().join("credentials"),
        );
        config.save(&config_path)?;
        creds.save(&creds_path)?;
        vars.push((
            aws::CONFIG_FILE.into(),
            Some(config_path.display().to_string()),
        ));
        vars.push((
            aws::SHARED_CREDENTIALS_FILE.into(),
            Some(creds_path.display().to_string()),
        ));
        Ok(ChildEnv {
            vars,
            folder: Some(folder),
        })
    }

    /// The private folder, if any.
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_ref().map(tempfile::TempDir::path)
    }

    /// `program` with `args`, in this environment.
    pub fn command(&self, program: &str, args: &[String]) -> Command {
        let mut command = Command::new(program);
        command.args(args);
        for (name, value) in &self.vars {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        command
    }

    /// Where the private folder goes: `$XDG_RUNTIME_DIR` (a tmpfs of the user's own) when there is one, else
    /// the temporary folder.
    pub fn base_folder(env: &Env) -> PathBuf {
        env.get("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|d| d.is_dir())
            .unwrap_or_else(std::env::temp_dir)
    }
}

/// A program's status as a shell reports it: its code, or 128 + the signal that ended it.
pub fn shell_status(status: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt as _;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code).unwrap_or(1),
        (None, Some(signal)) => u8::try_from(128 + signal).unwrap_or(1),
        (None, None) => 1,
    }
}

/// The shells' status for a program that could not start: 127 when it is not there, else 126.
pub fn shell_status_unstarted(error: &std::io::Error) -> u8 {
    if error.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    }
}

/// Folders left by an exec that was killed outright (SIGKILL): their process is gone.
fn remove_stale(base: &Path) {
    use std::os::unix::fs::MetadataExt as _;
    let Ok(entries) = fs_err::read_dir(base) else {
        return;
    };
    let me = rustix::process::getuid().as_raw();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let mine = entry.metadata().is_ok_and(|m| m.uid() == me);
        if mine && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs_err::remove_dir_all(entry.path());
        }
    }
}
