//! Where MFA codes come from. The STS service asks a [`MfaCodeSource`] each time a call needs a code, and
//! again (up to [`MAX_MFA_ATTEMPTS`](crate::aws::MAX_MFA_ATTEMPTS) times) when STS rejects one.

use amplify_creds::Secret;
use time::OffsetDateTime;

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

/// Checks a code the way the original does: exactly six digits.
pub fn validate_code(code: &str) -> Result<(), &'static str> {
    if code.len() != 6 {
        return Err("Must have length equal to 6");
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("Must only contain digits");
    }
    Ok(())
}
