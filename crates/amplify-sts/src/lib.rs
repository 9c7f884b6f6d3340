//! Sessions: a resolved [`ProfileChain`](amplify_profile::ProfileChain) turned into credentials that renew
//! themselves, with the per-project cache in front of STS.
//!
//! The AWS SDK's own profile provider cannot do this job: it drops `mfa_serial` and `duration_seconds`, so
//! an AssumeRole it makes for a role that requires MFA fails. Here the base credentials come from the
//! profile (static keys) or from the SDK's providers (process, SSO, web identity, the environment, instance
//! metadata, the ECS agent), and each hop is an explicit AssumeRole with RoleArn, RoleSessionName,
//! ExternalId, SerialNumber + TokenCode and DurationSeconds, signed with the previous hop's credentials
//! ([`StsService`]).
//!
//! [`Sessions`] builds every [`Session`] of a process. A session reuses cached credentials per project while
//! they have more than [`amplify_creds::REUSE_MARGIN`] left, and a per-project lock makes parallel runs
//! prompt once. MFA codes come from [`MfaSources`] (a code given once, the profile's `mfa_process`, then
//! the front end's [`MfaPrompt`]): this crate never reads a terminal.

mod error;
mod mfa;
pub mod options;
pub mod session;
mod sessions;
mod sts;

pub use error::StsError;
pub use mfa::{MfaCodeSource, MfaError, MfaPrompt, MfaReason, MfaRequest, MfaSources, NoPrompt};
pub use options::{MfaProcess, MfaSettings};
pub use session::{Obtained, Origin, SessionEvents};
pub use sessions::{EXPORT_MIN_LEFT, Purpose, Session, Sessions};
pub use sts::{CallerIdentity, DEFAULT_SESSION_NAME, MAX_MFA_ATTEMPTS, StsService};
