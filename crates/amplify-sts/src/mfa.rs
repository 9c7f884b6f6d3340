//! Where MFA codes come from. The STS service asks a [`MfaCodeSource`] each time a call needs a code, and
//! again (up to [`MAX_MFA_ATTEMPTS`](crate::MAX_MFA_ATTEMPTS) times) when STS rejects one.
//!
//! [`MfaSources`] is the source every session uses, trying in order: the code given once for the process
//! (`--mfa-code`, `AMPLIFY_RS_MFA_CODE`: STS takes a code once, so it is handed out once); the profile's
//! `mfa_process` (a command printing the code, as aws-vault's); and a person, through the [`MfaPrompt`] the
//! front end supplies. This crate never reads a terminal itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use amplify_creds::{Secret, validate};
use time::OffsetDateTime;

use crate::options::MfaProcess;

/// Why a code is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaReason {
    /// Nothing usable is cached.
    Obtain,
    /// The credentials in use expire at this time, and nothing cached can renew them without a code.
    Renew { expiring: OffsetDateTime },
}

/// What a source is asked for.
#[derive(Clone, Debug)]
pub struct MfaRequest<'a> {
    /// The profile whose role (or MFA session) needs the code.
    pub profile: &'a str,
    /// The role being assumed; `None` for an MFA session (GetSessionToken).
    pub role_arn: Option<&'a str>,
    pub mfa_serial: &'a str,
    /// 1 for the first ask; more after STS rejected a code.
    pub attempt: u32,
    /// Why the previous code was rejected, as STS said it.
    pub rejected_because: Option<&'a str>,
    pub reason: MfaReason,
}

#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    /// No code can be had (no terminal, no flag, no variable, a rejected code that cannot be asked again).
    #[error("{reason}")]
    Unavailable {
        reason: String,
        /// How the user can give a code.
        hint: String,
    },
    /// The user gave up (Ctrl-C or Esc at the prompt).
    #[error("MFA code entry was cancelled")]
    Cancelled,
}

/// A source of MFA codes. `Send + Sync` because SDK clients ask for credentials from their own tasks when
/// they renew them.
pub trait MfaCodeSource: Send + Sync {
    /// A 6-digit code for `request.mfa_serial`.
    fn code(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError>;
}

/// The person at the terminal, as the front end reaches them.
pub trait MfaPrompt: Send + Sync {
    /// Whether a person can be asked (stdin and stderr are a terminal).
    fn can_ask(&self) -> bool;
    /// Asks for a code, saying why: which profile, role and device; why the last code was rejected; that a
    /// session is being renewed.
    fn ask(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError>;
    /// Runs `run` (an `mfa_process`, which may ask for a PIN) with the terminal free of progress output.
    fn with_terminal(&self, run: &mut dyn FnMut()) {
        run();
    }
    /// Tells the person something that does not stop the command.
    fn warn(&self, _message: &str) {}
}

/// Nobody to ask: scripts and tests.
#[derive(Debug)]
pub struct NoPrompt;

impl MfaPrompt for NoPrompt {
    fn can_ask(&self) -> bool {
        false
    }
    fn ask(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        Err(no_terminal(request))
    }
}

fn no_terminal(request: &MfaRequest<'_>) -> MfaError {
    MfaError::Unavailable {
        reason: format!(
            "profile {} needs an MFA code from {} and there is no terminal to ask for it",
            request.profile, request.mfa_serial
        ),
        hint: "pass --mfa-code CODE, or set AMPLIFY_RS_MFA_CODE (which stays out of the process list), or give the profile an mfa_process".into(),
    }
}

/// The code given for the whole process; shared by every session of the process.
#[derive(Debug)]
pub(crate) enum Given {
    None,
    Unused(Secret),
    Used,
}

impl Given {
    pub(crate) fn new(code: Option<Secret>) -> Arc<Mutex<Given>> {
        Arc::new(Mutex::new(code.map_or(Given::None, Given::Unused)))
    }
}

/// The code given once, then the profile's `mfa_process`, then the person.
pub struct MfaSources {
    pub(crate) given: Arc<Mutex<Given>>,
    /// `mfa_process` commands by MFA device.
    pub(crate) processes: HashMap<String, MfaProcess>,
    pub(crate) prompt: Arc<dyn MfaPrompt>,
}

impl std::fmt::Debug for MfaSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaSources")
            .field("processes", &self.processes.len())
            .finish_non_exhaustive()
    }
}

impl MfaSources {
    /// Takes the given code if it was not handed out yet; says whether one was given at all.
    fn take_given(&self) -> (Option<Secret>, bool) {
        let mut given = self.given.lock().expect("MFA lock");
        match std::mem::replace(&mut *given, Given::Used) {
            Given::Unused(code) => (Some(code), true),
            Given::Used => (None, true),
            Given::None => {
                *given = Given::None;
                (None, false)
            }
        }
    }

    fn run_mfa_process(&self, process: &MfaProcess) -> Result<Secret, MfaError> {
        let name = &process.name;
        let unavailable = |reason: String| MfaError::Unavailable {
            reason,
            hint: format!("check {name}: it must print the 6-digit code and exit 0"),
        };
        // stdin and stderr stay the user's, for a password manager that asks for a PIN; stdout is the code.
        let mut output = None;
        self.prompt
            .with_terminal(&mut || output = Some(run_bounded(&process.command)));
        let (status, stdout) = output
            .expect("with_terminal runs its closure")
            .map_err(|e| unavailable(format!("cannot run {name}: {e}")))?;
        if stdout.len() as u64 >= MFA_PROCESS_OUTPUT {
            return Err(unavailable(format!(
                "{name} printed more than {MFA_PROCESS_OUTPUT} bytes, and an MFA code is 6 digits"
            )));
        }
        if !status.success() {
            return Err(unavailable(format!("{name} failed ({status})")));
        }
        let code = String::from_utf8_lossy(&stdout).trim().to_string();
        validate::mfa_code(&code).map_err(|why| {
            unavailable(format!(
                "{name} printed something that is not an MFA code ({why})"
            ))
        })?;
        Ok(Secret::new(code))
    }
}

/// Runs `command` with `sh -c` and reads at most [`MFA_PROCESS_OUTPUT`] bytes of what it prints: a code is
/// six digits, and a process that prints without end must not fill memory (it gets SIGPIPE past the limit).
fn run_bounded(command: &str) -> std::io::Result<(std::process::ExitStatus, Vec<u8>)> {
    use std::io::Read as _;
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::inherit())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()?;
    let mut stdout = Vec::new();
    if let Some(pipe) = child.stdout.take() {
        pipe.take(MFA_PROCESS_OUTPUT).read_to_end(&mut stdout)?;
    }
    Ok((child.wait()?, stdout))
}

/// The most of an `mfa_process`'s output that is read.
const MFA_PROCESS_OUTPUT: u64 = 4096;

/// The given code was used up (or rejected) and nothing else can give one.
fn given_code_used_up(request: &MfaRequest<'_>) -> MfaError {
    match (request.rejected_because, request.reason) {
        (Some(reason), _) => MfaError::Unavailable {
            reason: format!(
                "STS rejected the MFA code given with --mfa-code or AMPLIFY_RS_MFA_CODE: {reason}"
            ),
            hint: "pass the code your MFA device shows now; each code can be used once".into(),
        },
        (None, why) => MfaError::Unavailable {
            reason: format!(
                "profile {} needs a second MFA code ({}), and the one given with --mfa-code or AMPLIFY_RS_MFA_CODE is used up",
                request.profile,
                match why {
                    MfaReason::Renew { .. } => "its session is about to expire",
                    MfaReason::Obtain => "another hop of its chain asks for one",
                }
            ),
            hint: "for long runs without a terminal, give the profile an mfa_process, use an MFA session (amplify_rs_mfa_session = true), or a longer duration_seconds".into(),
        },
    }
}

impl MfaCodeSource for MfaSources {
    fn code(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        let (first_use, was_given) = self.take_given();
        if let Some(code) = first_use {
            return match validate::mfa_code(code.expose()) {
                Ok(()) => Ok(code),
                Err(why) => Err(MfaError::Unavailable {
                    reason: format!(
                        "the MFA code given with --mfa-code or AMPLIFY_RS_MFA_CODE is not valid: {why}"
                    ),
                    hint: "pass the 6 digits your MFA device shows".into(),
                }),
            };
        }
        let process = self.processes.get(request.mfa_serial);
        if was_given && process.is_none() && !self.prompt.can_ask() {
            return Err(given_code_used_up(request));
        }
        if let Some(process) = process {
            if let Some(reason) = request.rejected_because {
                self.prompt.warn(&format!(
                    "STS rejected the code from mfa_process: {reason} Running it again."
                ));
            }
            return self.run_mfa_process(process);
        }
        if !self.prompt.can_ask() {
            return Err(no_terminal(request));
        }
        self.prompt.ask(request)
    }
}
