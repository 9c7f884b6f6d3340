//! The STS assume-role service: runs a [`ProfileChain`](amplify_profile::ProfileChain) to get credentials.
//!
//! The AWS SDK's own profile provider cannot do this job: it drops `mfa_serial` and `duration_seconds`, so
//! an AssumeRole it makes for a role that requires MFA fails. Here the base credentials come from the
//! profile (static keys) or from the SDK's providers (process, SSO, web identity, the environment, instance
//! metadata, the ECS agent), and each hop is an explicit AssumeRole with RoleArn, RoleSessionName,
//! ExternalId, SerialNumber + TokenCode and DurationSeconds, signed with the previous hop's credentials.
//!
//! [`session`] puts the credential cache in front of it: credentials are reused per project while they have
//! more than [`amplify_creds::REUSE_MARGIN`] left, and a per-project lock makes parallel runs prompt once.
//! MFA codes come from a [`MfaCodeSource`] that the caller provides (a prompt, a flag, a variable): this
//! crate never reads a terminal.

mod aws;
mod error;
mod log;
mod mfa;
pub mod session;

pub use aws::{
    AwsContext, CallerIdentity, DEFAULT_ATTEMPT_TIMEOUT, StsService, code_and_message, to_sdk,
};
pub use error::StsError;
pub use log::LogCalls;
pub use mfa::{MfaCodeSource, MfaError, MfaReason, MfaRequest, validate_code};
