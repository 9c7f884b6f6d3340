//! The calls to AWS: building SDK configuration that honours `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_STS` and a
//! profile's `endpoint_url`, getting a chain's base credentials, and the AssumeRole hops.

use std::time::Duration;

use amplify_creds::{Credentials, Secret};
use amplify_profile::{BaseCredentials, CredentialSource, ProfileChain, RoleHop};
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use time::OffsetDateTime;

use crate::error::StsError;
use crate::mfa::{MfaCodeSource, MfaRequest};

/// The original Amplify CLI's session name when a profile sets none. Kept so that trust policies written
/// against `sts:RoleSessionName` for the original keep matching.
pub const DEFAULT_SESSION_NAME: &str = "amplify";

/// How many codes a user may type before a rejected MFA code ends the command.
pub const MAX_MFA_ATTEMPTS: u32 = 3;

/// Region used to sign STS calls when the profile names none (STS is global there).
const STS_FALLBACK_REGION: &str = "us-east-1";

/// The SDK configuration shared by every client: endpoints from the environment and the profile, time-outs,
/// retries. Credentials and region are set per client.
#[derive(Clone, Debug)]
pub struct AwsContext {
    base: SdkConfig,
}

impl AwsContext {
    /// Loads endpoints and settings as the SDK does for `profile` (not its credentials).
    pub async fn load(profile: Option<&str>) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .no_credentials()
            .region(Region::new(STS_FALLBACK_REGION))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(60))
                    .build(),
            );
        if let Some(profile) = profile {
            loader = loader.profile_name(profile);
        }
        Self {
            base: loader.load().await,
        }
    }

    /// SDK configuration for calls signed with `credentials` in `region`.
    pub fn config_for(&self, credentials: &Credentials, region: &str) -> SdkConfig {
        self.base
            .to_builder()
            .region(Region::new(region.to_string()))
            .credentials_provider(SharedCredentialsProvider::new(to_sdk(credentials)))
            .build()
    }

    pub fn sdk_config(&self) -> &SdkConfig {
        &self.base
    }
}

/// Converts to the SDK's credential type: one of the few places a secret leaves [`Secret`].
pub fn to_sdk(credentials: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.expose().to_string(),
        credentials
            .session_token
            .as_ref()
            .map(|t| t.expose().to_string()),
        credentials
            .expiration
            .map(|e| std::time::SystemTime::from(e)),
        "amplify-rs",
    )
}

fn from_sdk(credentials: &aws_credential_types::Credentials) -> Credentials {
    Credentials {
        access_key_id: credentials.access_key_id().to_string(),
        secret_access_key: Secret::new(credentials.secret_access_key()),
        session_token: credentials.session_token().map(Secret::new),
        expiration: credentials.expiry().map(OffsetDateTime::from),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Runs chains against STS.
#[derive(Clone, Debug)]
pub struct StsService {
    context: AwsContext,
}

impl StsService {
    pub fn new(context: AwsContext) -> Self {
        Self { context }
    }

    pub fn context(&self) -> &AwsContext {
        &self.context
    }

    /// The chain's final credentials: its base, then every hop in order.
    pub async fn run_chain(
        &self,
        chain: &ProfileChain,
        mfa: &dyn MfaCodeSource,
    ) -> Result<Credentials, StsError> {
        let mut credentials = self.base_credentials(&chain.base).await?;
        let mut signer = chain.base.profile().to_string();
        let region = chain.region.as_deref().unwrap_or(STS_FALLBACK_REGION);
        for hop in &chain.hops {
            credentials = self
                .assume_role(hop, &credentials, &signer, region, mfa)
                .await?;
            signer = hop.profile.clone();
        }
        Ok(credentials)
    }

    async fn base_credentials(&self, base: &BaseCredentials) -> Result<Credentials, StsError> {
        let provider: SharedCredentialsProvider = match base {
            BaseCredentials::Static {
                access_key_id,
                secret_access_key,
                session_token,
                ..
            } => {
                return Ok(Credentials {
                    access_key_id: access_key_id.clone(),
                    secret_access_key: secret_access_key.clone(),
                    session_token: session_token.clone(),
                    expiration: None,
                });
            }
            BaseCredentials::Process { command, .. } => SharedCredentialsProvider::new(
                aws_config::credential_process::CredentialProcessProvider::new(command.clone()),
            ),
            BaseCredentials::Sso { profile } | BaseCredentials::WebIdentity { profile } => {
                SharedCredentialsProvider::new(
                    aws_config::profile::ProfileFileCredentialsProvider::builder()
                        .profile_name(profile)
                        .build(),
                )
            }
            BaseCredentials::CredentialSource { source, .. } => match source {
                CredentialSource::Environment => SharedCredentialsProvider::new(
                    aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
                ),
                CredentialSource::Ec2InstanceMetadata => SharedCredentialsProvider::new(
                    aws_config::imds::credentials::ImdsCredentialsProvider::builder().build(),
                ),
                CredentialSource::EcsContainer => SharedCredentialsProvider::new(
                    aws_config::ecs::EcsCredentialsProvider::builder().build(),
                ),
            },
        };
        let credentials =
            provider
                .provide_credentials()
                .await
                .map_err(|e| StsError::BaseCredentials {
                    profile: base.profile().to_string(),
                    source: Box::new(e),
                })?;
        Ok(from_sdk(&credentials))
    }

    async fn assume_role(
        &self,
        hop: &RoleHop,
        source: &Credentials,
        signer: &str,
        region: &str,
        mfa: &dyn MfaCodeSource,
    ) -> Result<Credentials, StsError> {
        let client = aws_sdk_sts::Client::new(&self.context.config_for(source, region));
        let mut rejected: Option<String> = None;
        for attempt in 1..=MAX_MFA_ATTEMPTS {
            let token_code = match &hop.mfa_serial {
                None => None,
                Some(serial) => {
                    let request = MfaRequest {
                        profile: &hop.profile,
                        role_arn: &hop.role_arn,
                        mfa_serial: serial,
                        attempt,
                        rejected_because: rejected.as_deref(),
                    };
                    Some(mfa.code(&request).map_err(|source| StsError::Mfa {
                        profile: hop.profile.clone(),
                        source,
                    })?)
                }
            };
            tracing::debug!(profile = %hop.profile, role_arn = %hop.role_arn, signed_by = %signer, "sts:AssumeRole");
            let result = client
                .assume_role()
                .role_arn(&hop.role_arn)
                .role_session_name(
                    hop.role_session_name
                        .as_deref()
                        .unwrap_or(DEFAULT_SESSION_NAME),
                )
                .set_external_id(hop.external_id.clone())
                .set_serial_number(hop.mfa_serial.clone())
                .set_token_code(token_code.as_ref().map(|c| c.expose().to_string()))
                .set_duration_seconds(hop.duration_seconds.map(|d| d as i32))
                .send()
                .await;
            match result {
                Ok(output) => {
                    let c = output
                        .credentials()
                        .ok_or_else(|| StsError::EmptyResponse {
                            role_arn: hop.role_arn.clone(),
                        })?;
                    let expiration =
                        OffsetDateTime::from_unix_timestamp_nanos(c.expiration().as_nanos())
                            .map_err(|_| StsError::EmptyResponse {
                                role_arn: hop.role_arn.clone(),
                            })?;
                    return Ok(Credentials {
                        access_key_id: c.access_key_id().to_string(),
                        secret_access_key: Secret::new(c.secret_access_key()),
                        session_token: Some(Secret::new(c.session_token())),
                        expiration: Some(expiration),
                    });
                }
                Err(SdkError::ServiceError(error)) => {
                    let code = error.err().code().unwrap_or("Unknown").to_string();
                    let message = error.err().message().unwrap_or_default().to_string();
                    if hop.mfa_serial.is_some() && is_mfa_rejection(&code, &message) {
                        if attempt == MAX_MFA_ATTEMPTS {
                            return Err(StsError::MfaRejected {
                                profile: hop.profile.clone(),
                                attempts: attempt,
                                message,
                            });
                        }
                        rejected = Some(message);
                        continue;
                    }
                    return Err(StsError::AssumeRole {
                        profile: hop.profile.clone(),
                        role_arn: hop.role_arn.clone(),
                        code,
                        message,
                        signed_by: signer.to_string(),
                    });
                }
                Err(other) => {
                    return Err(StsError::Unreachable {
                        profile: hop.profile.clone(),
                        role_arn: hop.role_arn.clone(),
                        source: Box::new(other),
                    });
                }
            }
        }
        unreachable!("the loop returns on its last attempt")
    }

    /// Who `credentials` belong to.
    pub async fn caller_identity(
        &self,
        credentials: &Credentials,
        region: &str,
    ) -> Result<CallerIdentity, StsError> {
        let client = aws_sdk_sts::Client::new(&self.context.config_for(credentials, region));
        let output =
            client
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| StsError::CallerIdentity {
                    code: e.code().unwrap_or("Unreachable").to_string(),
                    message: e
                        .message()
                        .map(str::to_string)
                        .unwrap_or_else(|| e.to_string()),
                })?;
        Ok(CallerIdentity {
            account: output.account().unwrap_or_default().to_string(),
            arn: output.arn().unwrap_or_default().to_string(),
            user_id: output.user_id().unwrap_or_default().to_string(),
        })
    }
}

/// STS answers a wrong or reused code with AccessDenied and "MultiFactorAuthentication failed ...".
fn is_mfa_rejection(code: &str, message: &str) -> bool {
    code == "AccessDenied" && message.contains("MultiFactorAuthentication failed")
}
