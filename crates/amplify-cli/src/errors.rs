//! How a failure reaches the user: `error:` with what went wrong, a `Caused by:` line per underlying cause,
//! and a `hint:` saying what to do; and the exit code that tells a script what kind of failure it was.
//! The libraries' typed errors carry their hints; the binary's own are [`UserError`]s.

use std::process::ExitCode;

use amplify_cache::CacheError;
use amplify_profile::{EditError, LoadError, ParseError, ResolveError};
use amplify_project::ProjectError;
use amplify_project::headless::FlagError;
use amplify_provider::ProviderError;
use amplify_stack::StackError;
use amplify_sts::StsError;
use amplify_term::PromptError;
use console::style;

use amplify_term::stderr_line;

macro_rules! say {
    ($($arg:tt)*) => { stderr_line(&format!($($arg)*)) };
}

/// Exit codes, documented in `docs/commands.md`.
pub mod code {
    pub const OK: u8 = 0;
    /// Bad input: a file, a flag, a profile, an answer; fix it and run again.
    pub const USER: u8 = 1;
    /// The command line itself is wrong (clap's own code).
    pub const USAGE: u8 = 2;
    /// AWS refused or could not be reached (STS, CloudFormation).
    pub const AWS: u8 = 3;
    /// A bug or an environment amplify-rs cannot work in (an I/O failure it did not expect).
    pub const INTERNAL: u8 = 70;
    /// Interrupted with Ctrl-C, or a prompt cancelled.
    pub const INTERRUPTED: u8 = amplify_term::interrupt::EXIT_CODE;
}

/// Errors of the front end itself: what went wrong, and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    message: String,
    hint: String,
}

impl UserError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// A step of the front end that knows better than its cause what to tell the user, given as the error's
/// context: its message, and the hint that replaces the cause's (a failed stack that was deleted needs no
/// deleting); the exit code stays the cause's.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Outcome {
    pub message: String,
    pub hint: Option<String>,
}

/// The exit code and hint for an error, from the most specific typed error in its chain.
fn classify(error: &anyhow::Error) -> (u8, Option<String>) {
    let (exit, hint) = classify_causes(error);
    match error.downcast_ref::<Outcome>() {
        Some(outcome) => (exit, outcome.hint.clone().or(hint)),
        None => (exit, hint),
    }
}

fn classify_causes(error: &anyhow::Error) -> (u8, Option<String>) {
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<UserError>() {
            return (code::USER, Some(e.hint.clone()));
        }
        if let Some(e) = cause.downcast_ref::<PromptError>() {
            return match e {
                PromptError::Cancelled => (code::INTERRUPTED, None),
                PromptError::Terminal(_) => (code::INTERNAL, None),
            };
        }
        if let Some(e) = cause.downcast_ref::<ResolveError>() {
            return (code::USER, Some(e.hint()));
        }
        if let Some(e) = cause.downcast_ref::<LoadError>() {
            return (code::USER, Some(e.hint()));
        }
        if let Some(e) = cause.downcast_ref::<ParseError>() {
            return (code::USER, Some(e.hint()));
        }
        if let Some(e) = cause.downcast_ref::<EditError>() {
            return (code::USER, Some(e.hint()));
        }
        if let Some(e) = cause.downcast_ref::<FlagError>() {
            return (code::USER, Some(e.hint.clone()));
        }
        if let Some(e) = cause.downcast_ref::<ProviderError>() {
            return match e {
                ProviderError::Sts(e) => sts_exit(e),
                e if e.is_aws() => (code::AWS, e.hint()),
                _ => (code::USER, e.hint()),
            };
        }
        if let Some(e) = cause.downcast_ref::<StsError>() {
            return sts_exit(e);
        }
        if let Some(e) = cause.downcast_ref::<StackError>() {
            // A renewal that failed is judged by its own cause (an MFA code missing is the user's to give).
            if !matches!(e, StackError::Credentials { .. }) {
                return (code::AWS, e.hint());
            }
        }
        if let Some(e) = cause.downcast_ref::<ProjectError>() {
            return (code::USER, Some(e.hint()));
        }
        if let Some(e) = cause.downcast_ref::<amplify_settings::SettingsError>() {
            return (code::USER, Some(e.hint()));
        }
        if let Some(e) = cause.downcast_ref::<CacheError>() {
            // Another process at its prompt, or permissions of ~/.amplify: the user's to sort out.
            return (code::USER, Some(e.hint()));
        }
    }
    (code::INTERNAL, None)
}

fn sts_exit(e: &StsError) -> (u8, Option<String>) {
    let exit = if e.is_cancelled() {
        code::INTERRUPTED
    } else if e.is_local() {
        // A profile, a code, a credential_process or variables, the cache folder.
        code::USER
    } else {
        code::AWS
    };
    (exit, e.hint())
}

/// Prints `error`, its causes and its hint; returns the exit code.
pub fn report(error: &anyhow::Error) -> ExitCode {
    let (exit, hint) = classify(error);
    if exit == code::INTERRUPTED {
        say!("{}", style("Cancelled: nothing was written.").yellow());
        return ExitCode::from(exit);
    }
    let mut causes = error.chain();
    let first = causes.next().map(ToString::to_string).unwrap_or_default();
    say!("{} {first}", style("error:").red().bold());
    let mut previous = first;
    for cause in causes {
        let text = cause.to_string();
        // `#[error(transparent)]` and thiserror's `{source}` repeat the cause: print each text once.
        if !previous.contains(&text) {
            say!("  {} {text}", style("Caused by:").red());
        }
        previous = text;
    }
    if let Some(hint) = hint.filter(|h| !h.is_empty()) {
        say!("{} {hint}", style("hint:").cyan().bold());
    }
    if exit == code::INTERNAL {
        say!(
            "{} this looks like a bug or an unusual environment: run again with --verbose and report what it prints",
            style("note:").dim()
        );
    }
    ExitCode::from(exit)
}
