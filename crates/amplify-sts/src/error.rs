//! Errors of getting credentials, each naming the profile and role involved and, through
//! [`StsError::hint`], what the user can do about it.

use amplify_aws::{AwsError, Service, SettingsError};
use amplify_cache::CacheError;
use amplify_profile::ResolveError;

use crate::mfa::MfaError;

fn refused_or_unreachable(source: &AwsError, refused: String, call: String) -> String {
    if source.is_no_answer() {
        format!("cannot reach STS ({call})")
    } else {
        refused
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StsError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(
        "{key} = {value} in profile {profile} ({location}) is {}",
        crate::options::expected(key)
    )]
    Setting {
        profile: String,
        key: &'static str,
        value: String,
        location: String,
    },
    #[error("profile {profile} names no region")]
    NoRegion {
        profile: String,
        section: String,
        file: String,
    },
    #[error("cannot get an MFA code for profile {profile}")]
    Mfa {
        profile: String,
        #[source]
        source: MfaError,
    },
    #[error("{}", refused_or_unreachable(
        source,
        format!("STS refused to let profile {profile} assume {role_arn}: {source}"),
        format!("AssumeRole of {role_arn}"),
    ))]
    AssumeRole {
        profile: String,
        role_arn: String,
        /// The profile whose credentials signed the call.
        signed_by: String,
        #[source]
        source: AwsError,
    },
    #[error("{}", refused_or_unreachable(
        source,
        format!("STS refused an MFA session for profile {profile}: {source}"),
        "GetSessionToken".into(),
    ))]
    SessionToken {
        profile: String,
        #[source]
        source: AwsError,
    },
    #[error("STS rejected the MFA code for profile {profile} {attempts} times: {message}")]
    MfaRejected {
        profile: String,
        attempts: u32,
        message: String,
    },
    #[error("STS answered {what} without usable credentials")]
    EmptyResponse { what: String },
    #[error("cannot get the base credentials of profile {profile}")]
    BaseCredentials {
        profile: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("no AWS credentials were found")]
    NoCredentials,
    #[error(
        "getting the credentials of profile {profile} for {project} runs amplify-rs for the same profile and project again: a loop"
    )]
    CredentialLoop { profile: String, project: String },
    #[error("{}", refused_or_unreachable(
        source,
        format!("GetCallerIdentity failed: {source}"),
        "GetCallerIdentity".into(),
    ))]
    CallerIdentity {
        #[source]
        source: AwsError,
    },
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl StsError {
    /// Whether the cause is the user's to fix locally (a profile, a code, a setting, the cache folder),
    /// rather than AWS refusing or not answering.
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            StsError::Resolve(_)
                | StsError::Settings(_)
                | StsError::NoRegion { .. }
                | StsError::Setting { .. }
                | StsError::Mfa { .. }
                | StsError::BaseCredentials { .. }
                | StsError::NoCredentials
                | StsError::CredentialLoop { .. }
                | StsError::Cache(_)
        )
    }

    /// The user gave up at an MFA prompt.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            StsError::Mfa {
                source: MfaError::Cancelled,
                ..
            }
        )
    }

    pub fn hint(&self) -> Option<String> {
        Some(match self {
            StsError::Resolve(error) => error.hint(),
            StsError::Settings(error) => error.hint(),
            StsError::Setting { key, .. } => crate::options::hint(key),
            StsError::NoRegion { section, file, .. } => format!(
                "add `region = us-east-1` (or your region) to {section} in {file}, or set AWS_REGION"
            ),
            StsError::Mfa { source: MfaError::Unavailable { hint, .. }, .. } => hint.clone(),
            StsError::Mfa { .. } => return None,
            StsError::AssumeRole { source, signed_by, role_arn, .. } => {
                if source.is_invalid_keys() {
                    format!(
                        "the access keys of profile {signed_by} are not valid: check aws_access_key_id and aws_secret_access_key in the credentials file"
                    )
                } else if source.is_expired_token() {
                    format!("the session of profile {signed_by} has expired: renew it, then run the command again")
                } else if source.is_access_denied() {
                    format!(
                        "check that {role_arn} trusts the identity of profile {signed_by}, and that external_id and mfa_serial match what the role requires"
                    )
                } else {
                    return source.hint(Service::Sts);
                }
            }
            StsError::SessionToken { source, .. } if source.is_no_answer() => return source.hint(Service::Sts),
            StsError::SessionToken { .. } => {
                "MFA sessions need an IAM user's long-lived keys as the source: set amplify_rs_mfa_session = false for this profile".into()
            }
            StsError::MfaRejected { .. } => {
                "check that mfa_serial names your own MFA device and that your device's clock is right".into()
            }
            StsError::Cache(error) => error.hint(),
            StsError::BaseCredentials { profile, .. } => format!(
                "check where profile {profile} gets its credentials: its credential_process must print them as JSON and exit 0, credential_source = Environment needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and SSO needs `aws sso login`"
            ),
            StsError::CredentialLoop { profile, .. } => format!(
                "profile {profile} (or a profile it uses as its source) has a credential_process that runs amplify-rs aws credentials for this project, whose environment uses profile {profile}: point the project at the role profile itself (amplify-rs configure project), or the credential_process at another project"
            ),
            StsError::NoCredentials => {
                "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile with `amplify-rs configure project`".into()
            }
            StsError::CallerIdentity { source } if source.is_invalid_keys() => {
                "the access keys are not valid: check them in the IAM console".into()
            }
            StsError::CallerIdentity { source } => return source.hint(Service::Sts),
            StsError::EmptyResponse { .. } => return None,
        })
    }
}
