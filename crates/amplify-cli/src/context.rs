//! What every command needs, made once per process: the printer, the home folder, the environment (read
//! once, at start), amplify-rs's settings (merged once from the flags, the environment and the settings
//! files, their warnings printed once), the profile files (read once, the first time a command needs them,
//! their warnings printed once) and the factory of AWS sessions.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use amplify_aws::AwsSettings;
use amplify_cache::CredentialCache;
use amplify_creds::Secret;
use amplify_creds::env::{self, Env};
use amplify_profile::{FileLocations, ProfileSet};
use amplify_settings::{Inputs, Key, Settings, Value};
use amplify_sts::{MfaProcess, MfaSettings, Sessions};
use anyhow::Context as _;

use crate::cli::GlobalArgs;
use crate::errors::UserError;
use crate::terminal::{Events, TerminalMfa};
use amplify_term::Printer;

#[derive(Debug)]
pub struct Ctx {
    pub printer: Arc<Printer>,
    pub home: PathBuf,
    pub env: Env,
    pub cwd: PathBuf,
    /// amplify-rs's settings, every source merged.
    pub settings: Settings,
    /// The user's settings file and the project's (when there is a project here), read or not.
    pub settings_files: SettingsFiles,
    mfa_code: Option<Secret>,
    profiles: OnceCell<ProfileSet>,
    sessions: OnceCell<Sessions>,
}

/// Where the settings files are.
#[derive(Clone, Debug, Default)]
pub struct SettingsFiles {
    /// `$XDG_CONFIG_HOME/amplify-rs/config.toml`, else `~/.config/amplify-rs/config.toml`.
    pub user: Option<PathBuf>,
    /// `amplify-rs.toml` at the root of the project holding the current folder (or `--project DIR`).
    pub project: Option<PathBuf>,
}

/// What a settings file that is wrong does to the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnBadSettings {
    /// Stop with the error (file:line:column): every command but the two that fix settings.
    Stop,
    /// Warn and go on without the wrong values: `config set` and `config unset`.
    Warn,
}

impl Ctx {
    /// The context of a command; `project_dir` is its `--project DIR`, whose settings file applies.
    pub fn new(global: &GlobalArgs, env: Env, project_dir: Option<&Path>) -> anyhow::Result<Self> {
        Self::build(global, env, project_dir, OnBadSettings::Stop)
    }

    /// The context, with `on_bad` deciding what a wrong value in a settings file does: stop the command
    /// with its place, or (for `config set` and `unset`, which fix them) warn and leave it out.
    pub fn build(
        global: &GlobalArgs,
        env: Env,
        project_dir: Option<&Path>,
        on_bad: OnBadSettings,
    ) -> anyhow::Result<Self> {
        let home = env.get(env::HOME).map(PathBuf::from).ok_or_else(|| {
            UserError::new("HOME is not set", "set HOME to your home folder: amplify-rs reads ~/.aws and keeps its cache in ~/.amplify")
        })?;
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let start = project_dir.map_or_else(|| cwd.clone(), |dir| cwd.join(dir));
        let settings_files = SettingsFiles {
            user: amplify_settings::user_file(&env),
            project: amplify_project::find_root(&start)
                .map(|root| amplify_settings::project_file(&root)),
        };
        let loaded = Settings::load(&Inputs {
            env: env.clone(),
            flags: flag_settings(global),
            user_file: settings_files.user.clone(),
            project_file: settings_files.project.clone(),
        });
        let (settings, problems) = match on_bad {
            OnBadSettings::Stop => {
                let (settings, warnings) = loaded.checked()?;
                (settings, warnings.iter().map(ToString::to_string).collect())
            }
            OnBadSettings::Warn => {
                let problems: Vec<String> = (loaded.errors.iter().map(ToString::to_string))
                    .chain(loaded.warnings.iter().map(ToString::to_string))
                    .collect();
                (loaded.settings, problems)
            }
        };
        let colors = settings.color().forced();
        let printer = Printer::new(global.quiet, global.verbose, settings.progress(), colors);
        for problem in problems {
            printer.warn(problem);
        }
        Ok(Self {
            printer: Arc::new(printer),
            home,
            mfa_code: global.mfa_code.clone().filter(|c| !c.expose().is_empty()),
            env,
            cwd,
            settings,
            settings_files,
            profiles: OnceCell::new(),
            sessions: OnceCell::new(),
        })
    }

    /// Where the AWS files are (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws`).
    pub fn files(&self) -> FileLocations {
        FileLocations::from_env(&self.home, self.env.lookup())
    }

    /// The profiles of the AWS files, read the first time they are needed; their warnings are printed then.
    pub fn profiles(&self) -> anyhow::Result<&ProfileSet> {
        if let Some(set) = self.profiles.get() {
            return Ok(set);
        }
        let files = self.files();
        let set = ProfileSet::load(&files)?;
        self.printer.debug(format!(
            "read the profiles of {} and {}",
            files.config.display(),
            files.credentials.display()
        ));
        for warning in set.warnings() {
            self.printer.warn(warning.to_string());
        }
        Ok(self.profiles.get_or_init(|| set))
    }

    /// Every AWS session of the command comes from here: the endpoints of the environment, the time limits,
    /// attempts, reuse margin and MFA settings of the settings, the cache in `~/.amplify`, the MFA code
    /// given for the process, the terminal's prompt.
    pub fn sessions(&self) -> anyhow::Result<&Sessions> {
        if let Some(sessions) = self.sessions.get() {
            return Ok(sessions);
        }
        let s = &self.settings;
        let printer = self.printer.clone();
        // A retried call is said, not silent: above the spinner on a terminal, a line otherwise.
        let retrying = move |retry: &amplify_aws::Retry| printer.note(retry.to_string());
        let aws = AwsSettings::from_env(&self.env)
            .map_err(amplify_sts::StsError::from)?
            .with_attempt_timeout(s.aws_timeout())
            .with_max_attempts(s.aws_attempts())
            .with_reuse_margin(s.reuse_margin())
            .with_retry_observer(Arc::new(retrying));
        let mfa = MfaSettings {
            session: s.mfa_session(),
            session_duration: s.mfa_session_duration(),
            process: s
                .mfa_process()
                .map(|(command, source)| MfaProcess::from_setting(command, source)),
        };
        let sessions = Sessions::new(aws, CredentialCache::in_home(&self.home), self.env.clone())
            .mfa_code(self.mfa_code.clone())
            .mfa_settings(mfa)
            .prompt(Arc::new(TerminalMfa::new(self.printer.clone())))
            .events(Arc::new(Events(self.printer.clone())));
        Ok(self.sessions.get_or_init(|| sessions))
    }
}

/// The settings the flags give: `--mfa-session`, `--color`.
fn flag_settings(global: &GlobalArgs) -> Vec<(Key, Value)> {
    let mut flags = Vec::new();
    if global.mfa_session {
        flags.push((Key::MfaSession, Value::Bool(true)));
    }
    if let Some(color) = global.color {
        flags.push((Key::Color, Value::Text(color.as_str().to_string())));
    }
    flags
}

#[cfg(test)]
mod tests {
    use amplify_settings::Key;

    /// The settings' table names the profile keys that amplify-sts reads below them (for `config list` and
    /// the suggestions): the two lists cannot drift apart.
    #[test]
    fn the_settings_name_the_profile_keys_amplify_sts_reads() {
        use amplify_sts::options;
        for (key, profile_key) in [
            (Key::MfaSession, options::MFA_SESSION),
            (Key::MfaSessionDuration, options::MFA_SESSION_DURATION),
            (Key::MfaProcess, options::MFA_PROCESS),
        ] {
            assert_eq!(key.definition().profile_key, Some(profile_key));
        }
        assert_eq!(
            Key::MfaSessionDuration.definition().default,
            Some(options::DEFAULT_MFA_SESSION_SECONDS.to_string().as_str())
        );
    }
}
