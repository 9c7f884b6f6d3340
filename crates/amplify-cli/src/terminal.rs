//! The front end's part of getting credentials: the MFA prompt, with the original's words, and the messages
//! of the cache and of waiting for another process.

use std::sync::Arc;

use amplify_cache::CacheWarning;
use amplify_creds::{Secret, validate};
use amplify_sts::{MfaError, MfaPrompt, MfaReason, MfaRequest, SessionEvents};

use amplify_term::Printer;
use amplify_term::Prompter;

/// The person at the terminal.
#[derive(Debug)]
pub struct TerminalMfa {
    printer: Arc<Printer>,
}

impl TerminalMfa {
    pub fn new(printer: Arc<Printer>) -> Self {
        Self { printer }
    }

    /// The original's lines before its prompt: which role, which device; or why a renewal needs a code.
    fn introduce(&self, request: &MfaRequest<'_>) {
        if let MfaReason::Renew { expiring } = request.reason {
            let at = expiring
                .format(&time::macros::format_description!(
                    "[hour]:[minute]:[second] UTC"
                ))
                .unwrap_or_default();
            self.printer.note(format!(
                "The session of profile {} expires at {at}, and nothing cached can renew it without a new MFA code.",
                request.profile
            ));
        }
        match request.role_arn {
            Some(role_arn) => {
                self.printer.info(format!(
                    "Profile {} is configured to assume role",
                    request.profile
                ));
                self.printer.info(format!("  {role_arn}"));
                self.printer
                    .info("It requires MFA authentication. The MFA device is");
            }
            None => self.printer.info(format!(
                "Profile {} starts an MFA session with the MFA device",
                request.profile
            )),
        }
        self.printer.info(format!("  {}", request.mfa_serial));
    }
}

impl MfaPrompt for TerminalMfa {
    fn can_ask(&self) -> bool {
        self.printer.is_interactive()
    }

    fn ask(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        match request.rejected_because {
            Some(reason) => self.printer.warn(format!(
                "STS rejected the code: {reason} Try the next code your device shows."
            )),
            None => self.introduce(request),
        }
        let prompter = Prompter::new(&self.printer);
        match prompter.secret("Enter the MFA token code:", validate::mfa_code) {
            Ok(code) => Ok(Secret::new(code)),
            Err(error) => Err(MfaError::Unavailable {
                reason: format!("cannot read the MFA code: {error:#}"),
                hint: "pass --mfa-code CODE, or set AMPLIFY_RS_MFA_CODE".into(),
            }),
        }
    }

    fn with_terminal(&self, run: &mut dyn FnMut()) {
        self.printer.suspend(run);
    }

    fn warn(&self, message: &str) {
        self.printer.warn(message);
    }
}

/// Tells the person what the session is doing.
#[derive(Debug)]
pub struct Events(pub Arc<Printer>);

impl SessionEvents for Events {
    fn waiting_for_other_process(&self, holder: Option<u32>) {
        let who = holder
            .map(|pid| format!(" (process {pid})"))
            .unwrap_or_default();
        self.0.info(format!(
            "Waiting for another amplify-rs{who} that is getting this project's credentials..."
        ));
    }

    fn cache_warning(&self, warning: &CacheWarning) {
        self.0.warn(warning.to_string());
    }
}
