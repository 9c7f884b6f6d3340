//! The one place amplify-rs meets the AWS SDK. Every client (STS, CloudFormation, S3) is built here, from
//! settings given explicitly, never from a second reading of `~/.aws`: the credentials provider (the
//! project's session), the region, and the endpoints of [`AwsSettings`] (the `AWS_ENDPOINT_URL*` variables
//! and the profile's `endpoint_url`, read from the one parse of the profile files). Each attempt of a call
//! is bounded in time and retried by the SDK's standard strategy, the whole call within
//! [`AwsSettings::call_limit`], each retry reported to the caller's [`RetryObserver`] if it gave one; each
//! call is logged by name for `--verbose` ([`LogCalls`]); and each failure becomes an [`AwsError`]: AWS's
//! code and message, or what kept the call from being answered, with a hint.

mod convert;
mod error;
mod log;
pub mod providers;
mod retries;
mod settings;

pub use convert::{fixed_provider, from_sdk, to_sdk};
pub use error::{AwsError, Failure};
pub use log::LogCalls;
pub use retries::{Retry, RetryCause, RetryObserver};
pub use settings::{
    AwsSettings, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, INITIAL_BACKOFF, RENEWAL_LIMIT,
    Service, SettingsError,
};

/// The service SDKs, for their operation and type names: the other crates depend on them only through here.
pub use aws_sdk_cloudformation as cloudformation;
pub use aws_sdk_s3 as s3;
pub use aws_sdk_sts as sts;

/// SDK types the other crates name in their signatures, so they need no SDK crate of their own for them.
pub use aws_config::SdkConfig;
pub use aws_credential_types::provider::error::CredentialsError;
pub use aws_credential_types::provider::future::ProvideCredentials as ProvideCredentialsFuture;
pub use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
pub use aws_smithy_async::time::TimeSource;
