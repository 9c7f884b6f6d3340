//! What every command needs: the printer, the home folder, the process environment (read once, here) and
//! the global flags.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;

use crate::cli::GlobalArgs;
use crate::errors::UserError;
use crate::printer::Printer;

#[derive(Debug)]
pub struct Ctx {
    pub printer: Arc<Printer>,
    pub home: PathBuf,
    pub mfa_code: Option<amplify_creds::Secret>,
    /// `--mfa-session` / `AMPLIFY_RS_MFA_SESSION`.
    pub mfa_session: bool,
    pub cwd: PathBuf,
}

impl Ctx {
    pub fn new(global: &GlobalArgs) -> anyhow::Result<Self> {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from).ok_or_else(|| {
            UserError::new("HOME is not set", "set HOME to your home folder: amplify-rs reads ~/.aws and keeps its cache in ~/.amplify")
        })?;
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        Ok(Self {
            printer: Arc::new(Printer::new(global.quiet, global.verbose)),
            home,
            mfa_code: global
                .mfa_code
                .clone()
                .filter(|c| !c.is_empty())
                .map(amplify_creds::Secret::new),
            mfa_session: global.mfa_session,
            cwd,
        })
    }

    /// SDK settings for `profile`'s calls, with `AMPLIFY_RS_AWS_TIMEOUT` (seconds per attempt) applied.
    pub async fn aws_context(&self, profile: Option<&str>) -> amplify_sts::AwsContext {
        let timeout = self
            .var("AMPLIFY_RS_AWS_TIMEOUT")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(
                amplify_sts::DEFAULT_ATTEMPT_TIMEOUT,
                std::time::Duration::from_secs_f64,
            );
        amplify_sts::AwsContext::load(profile, timeout).await
    }

    /// A variable of the process environment, empty counting as unset.
    pub fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}
