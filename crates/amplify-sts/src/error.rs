//! Errors of getting credentials, each naming the profile and role involved and, through
//! [`StsError::hint`], what the user can do about it.

use amplify_cache::CacheError;
use amplify_profile::ResolveError;

use crate::mfa::MfaError;

#[derive(Debug, thiserror::Error)]
pub enum StsError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error("cannot get an MFA code for profile {profile}")]
    Mfa {
        profile: String,
        #[source]
        source: MfaError,
    },
    #[error("STS refused to let profile {profile} assume {role_arn}: {code}: {message}")]
    AssumeRole {
        profile: String,
        role_arn: String,
        code: String,
        message: String,
        signed_by: String,
    },
    #[error("STS refused an MFA session for profile {profile}: {code}: {message}")]
    SessionToken {
        profile: String,
        code: String,
        message: String,
    },
    #[error("STS rejected the MFA code for profile {profile} {attempts} times: {message}")]
    MfaRejected {
        profile: String,
        attempts: u32,
        message: String,
    },
    #[error("cannot reach STS ({what})")]
    Unreachable {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("STS answered {what} without usable credentials")]
    EmptyResponse { what: String },
    #[error("cannot get the base credentials of profile {profile}")]
    BaseCredentials {
        profile: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("GetCallerIdentity failed: {code}: {message}")]
    CallerIdentity { code: String, message: String },
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl StsError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            StsError::Resolve(error) => error.hint(),
            StsError::Mfa { source: MfaError::Unavailable { hint, .. }, .. } => hint.clone(),
            StsError::Mfa { .. } => return None,
            StsError::AssumeRole { code, signed_by, role_arn, .. } => match code.as_str() {
                "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => format!(
                    "the access keys of profile {signed_by} are not valid: check aws_access_key_id and aws_secret_access_key in the credentials file"
                ),
                "ExpiredToken" | "ExpiredTokenException" => {
                    format!("the session of profile {signed_by} has expired: renew it, then run the command again")
                }
                "AccessDenied" | "HTTP 403" => format!(
                    "check that {role_arn} trusts the identity of profile {signed_by}, and that external_id and mfa_serial match what the role requires"
                ),
                _ => return None,
            },
            StsError::SessionToken { .. } => {
                "MFA sessions need an IAM user's long-lived keys as the source: set amplify_rs_mfa_session = false for this profile".into()
            }
            StsError::MfaRejected { .. } => {
                "check that mfa_serial names your own MFA device and that your device's clock is right".into()
            }
            StsError::Unreachable { .. } => {
                "check your network connection, or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set them".into()
            }
            StsError::Cache(error) => error.hint(),
            StsError::BaseCredentials { profile, .. } => format!(
                "check where profile {profile} gets its credentials: its credential_process must print them as JSON and exit 0, credential_source = Environment needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and SSO needs `aws sso login`"
            ),
            StsError::EmptyResponse { .. } | StsError::CallerIdentity { .. } => return None,
        })
    }
}
