//! What every command needs, made once per process: the printer, the home folder, the environment (read
//! once, at start), the profile files (read once, the first time a command needs them, their warnings
//! printed once) and the factory of AWS sessions.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::sync::Arc;

use amplify_aws::AwsSettings;
use amplify_cache::CredentialCache;
use amplify_creds::Secret;
use amplify_creds::env::{self, Env};
use amplify_profile::{FileLocations, ProfileSet};
use amplify_sts::Sessions;
use anyhow::Context as _;

use crate::cli::GlobalArgs;
use crate::errors::UserError;
use crate::printer::Printer;
use crate::terminal::{Events, TerminalMfa};

#[derive(Debug)]
pub struct Ctx {
    pub printer: Arc<Printer>,
    pub home: PathBuf,
    pub env: Env,
    pub cwd: PathBuf,
    mfa_code: Option<Secret>,
    mfa_session: bool,
    profiles: OnceCell<ProfileSet>,
    sessions: OnceCell<Sessions>,
}

impl Ctx {
    pub fn new(global: &GlobalArgs, env: Env) -> anyhow::Result<Self> {
        let home = env.get(env::HOME).map(PathBuf::from).ok_or_else(|| {
            UserError::new("HOME is not set", "set HOME to your home folder: amplify-rs reads ~/.aws and keeps its cache in ~/.amplify")
        })?;
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        Ok(Self {
            printer: Arc::new(Printer::new(global.quiet, global.verbose, &env)),
            home,
            mfa_code: global
                .mfa_code
                .clone()
                .filter(|c| !c.is_empty())
                .map(Secret::new),
            mfa_session: global.mfa_session,
            env,
            cwd,
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

    /// Every AWS session of the command comes from here: the endpoints and time limits of the environment,
    /// the cache in `~/.amplify`, the MFA code given for the process, the terminal's prompt.
    pub fn sessions(&self) -> anyhow::Result<&Sessions> {
        if let Some(sessions) = self.sessions.get() {
            return Ok(sessions);
        }
        let printer = self.printer.clone();
        // A retried call is said, not silent: above the spinner on a terminal, a line otherwise.
        let retrying = move |retry: &amplify_aws::Retry| printer.note(retry.to_string());
        let settings = AwsSettings::from_env(&self.env)
            .map_err(amplify_sts::StsError::from)?
            .with_retry_observer(Arc::new(retrying));
        let sessions = Sessions::new(
            settings,
            CredentialCache::in_home(&self.home),
            self.env.clone(),
        )
        .mfa_code(self.mfa_code.clone())
        .mfa_session_by_default(self.mfa_session)
        .prompt(Arc::new(TerminalMfa::new(self.printer.clone())))
        .events(Arc::new(Events(self.printer.clone())));
        Ok(self.sessions.get_or_init(|| sessions))
    }
}
