//! The calls to AWS: SDK configuration that honours `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_STS` and a profile's
//! `endpoint_url`; a chain's base credentials; GetSessionToken for MFA sessions; the AssumeRole hops.

use std::time::Duration;

use amplify_creds::{Credentials, REUSE_MARGIN, Secret};
use amplify_profile::{BaseCredentials, CredentialSource, ProfileChain, RoleHop};
use aws_config::identity::IdentityCache;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use time::OffsetDateTime;

use crate::error::StsError;
use crate::mfa::{MfaCodeSource, MfaReason, MfaRequest};

/// The original Amplify CLI's session name when a profile sets none. Kept so that trust policies written
/// against `sts:RoleSessionName` for the original keep matching.
pub const DEFAULT_SESSION_NAME: &str = "amplify";

/// How many codes a user may type before a rejected MFA code ends the command.
pub const MAX_MFA_ATTEMPTS: u32 = 3;

/// How long one attempt of an AWS call may take unless `AMPLIFY_RS_AWS_TIMEOUT` says otherwise.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long an SDK client waits for renewed credentials (an MFA prompt, another process's lock).
pub const RENEWAL_LIMIT: Duration = Duration::from_secs(15 * 60);

/// Region used to sign STS calls when the profile names none (STS is global there).
pub(crate) const STS_FALLBACK_REGION: &str = "us-east-1";

/// The SDK configuration shared by every client: endpoints from the environment and the profile, time-outs,
/// retries. Credentials and region are set per client.
#[derive(Clone, Debug)]
pub struct AwsContext {
    base: SdkConfig,
}

impl AwsContext {
    /// Loads endpoints and settings as the SDK does for `profile` (not its credentials). Each attempt of a
    /// call gives up after `attempt_timeout` (connecting after at most 5 seconds), and the SDK's standard retry
    /// makes three attempts, so a peer that accepts and never answers costs three times that, not forever.
    pub async fn load(profile: Option<&str>, attempt_timeout: Duration) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .no_credentials()
            .region(Region::new(STS_FALLBACK_REGION))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(attempt_timeout.min(Duration::from_secs(5)))
                    .operation_attempt_timeout(attempt_timeout)
                    .build(),
            );
        if let Some(profile) = profile {
            loader = loader.profile_name(profile);
        }
        Self {
            base: loader.load().await,
        }
    }

    /// Settings built elsewhere (tests point them at a local STS).
    pub fn from_sdk_config(base: SdkConfig) -> Self {
        Self { base }
    }

    /// SDK configuration for calls signed with fixed `credentials` in `region`.
    pub fn config_for(&self, credentials: &Credentials, region: &str) -> SdkConfig {
        self.config_with(SharedCredentialsProvider::new(to_sdk(credentials)), region)
    }

    /// SDK configuration whose credentials come from `provider`, asked again [`REUSE_MARGIN`] before the
    /// ones it gave expire, so a long wait never runs into an expired token. Renewing may mean an MFA prompt
    /// and waiting for another process's lock: the SDK's default 5-second limit on getting credentials would
    /// cut a person off mid-code, so it is raised to [`RENEWAL_LIMIT`].
    pub fn config_with(&self, provider: SharedCredentialsProvider, region: &str) -> SdkConfig {
        let margin = Duration::from_secs(REUSE_MARGIN.whole_seconds().unsigned_abs());
        let cache = IdentityCache::lazy()
            .buffer_time(margin)
            .load_timeout(RENEWAL_LIMIT)
            .build();
        self.base
            .to_builder()
            .region(Region::new(region.to_string()))
            .credentials_provider(provider)
            .identity_cache(cache)
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
        credentials.expiration.map(std::time::SystemTime::from),
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

fn from_sts(
    credentials: &aws_sdk_sts::types::Credentials,
    what: &str,
) -> Result<Credentials, StsError> {
    let expiration = OffsetDateTime::from_unix_timestamp_nanos(credentials.expiration().as_nanos())
        .map_err(|_| StsError::EmptyResponse {
            what: what.to_string(),
        })?;
    Ok(Credentials {
        access_key_id: credentials.access_key_id().to_string(),
        secret_access_key: Secret::new(credentials.secret_access_key()),
        session_token: Some(Secret::new(credentials.session_token())),
        expiration: Some(expiration),
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// STS answers a wrong or reused code with AccessDenied and "MultiFactorAuthentication failed ...".
fn is_mfa_rejection(code: &str, message: &str) -> bool {
    code == "AccessDenied" && message.contains("MultiFactorAuthentication failed")
}

/// What one STS call with an MFA code came to.
enum Attempt<T> {
    Done(T),
    CodeRejected(String),
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

    fn client(&self, credentials: &Credentials, region: &str) -> aws_sdk_sts::Client {
        sts_client(&self.context.config_for(credentials, region))
    }

    /// The chain's final credentials: its base, then every hop in order.
    pub async fn run_chain(
        &self,
        chain: &ProfileChain,
        mfa: &dyn MfaCodeSource,
        reason: MfaReason,
    ) -> Result<Credentials, StsError> {
        let base = self.base_credentials(&chain.base).await?;
        self.run_hops(chain, base, None, mfa, reason).await
    }

    /// The hops of `chain`, the first signed with `source`. A hop whose `mfa_serial` is `satisfied_mfa` is
    /// sent without a code: `source` is an MFA session of that device.
    pub(crate) async fn run_hops(
        &self,
        chain: &ProfileChain,
        source: Credentials,
        satisfied_mfa: Option<&str>,
        mfa: &dyn MfaCodeSource,
        reason: MfaReason,
    ) -> Result<Credentials, StsError> {
        let region = chain.region.as_deref().unwrap_or(STS_FALLBACK_REGION);
        let mut credentials = source;
        let mut signer = chain.base.profile().to_string();
        for (index, hop) in chain.hops.iter().enumerate() {
            let needs_code = hop.mfa_serial.is_some()
                && !(index == 0 && hop.mfa_serial.as_deref() == satisfied_mfa);
            credentials = self
                .assume_role(hop, &credentials, &signer, region, needs_code, mfa, reason)
                .await?;
            signer = hop.profile.clone();
        }
        Ok(credentials)
    }

    pub async fn base_credentials(&self, base: &BaseCredentials) -> Result<Credentials, StsError> {
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
            BaseCredentials::Sso { profile, .. } | BaseCredentials::WebIdentity { profile, .. } => {
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

    /// Asks `mfa` for a code, calls `call` with it, and asks again (up to [`MAX_MFA_ATTEMPTS`]) while STS
    /// rejects the code.
    async fn with_mfa_code<T, F, Fut>(
        &self,
        request: MfaRequest<'_>,
        mfa: &dyn MfaCodeSource,
        mut call: F,
    ) -> Result<T, StsError>
    where
        F: FnMut(Secret) -> Fut,
        Fut: std::future::Future<Output = Result<Attempt<T>, StsError>>,
    {
        let mut rejected: Option<String> = None;
        for attempt in 1..=MAX_MFA_ATTEMPTS {
            let ask = MfaRequest {
                attempt,
                rejected_because: rejected.as_deref(),
                ..request.clone()
            };
            let code = mfa.code(&ask).map_err(|source| StsError::Mfa {
                profile: request.profile.to_string(),
                source,
            })?;
            match call(code).await? {
                Attempt::Done(value) => return Ok(value),
                Attempt::CodeRejected(message) if attempt == MAX_MFA_ATTEMPTS => {
                    return Err(StsError::MfaRejected {
                        profile: request.profile.to_string(),
                        attempts: attempt,
                        message,
                    });
                }
                Attempt::CodeRejected(message) => rejected = Some(message),
            }
        }
        unreachable!("the loop returns on its last attempt")
    }

    #[allow(clippy::too_many_arguments)]
    async fn assume_role(
        &self,
        hop: &RoleHop,
        source: &Credentials,
        signer: &str,
        region: &str,
        needs_code: bool,
        mfa: &dyn MfaCodeSource,
        reason: MfaReason,
    ) -> Result<Credentials, StsError> {
        let client = self.client(source, region);
        let call = |code: Option<Secret>| {
            let client = client.clone();
            async move {
                tracing::debug!(profile = %hop.profile, role_arn = %hop.role_arn, signed_by = %signer, with_mfa = code.is_some(), "sts:AssumeRole");
                let result = client
                    .assume_role()
                    .role_arn(&hop.role_arn)
                    .role_session_name(
                        hop.role_session_name
                            .as_deref()
                            .unwrap_or(DEFAULT_SESSION_NAME),
                    )
                    .set_external_id(hop.external_id.clone())
                    .set_serial_number(code.as_ref().and(hop.mfa_serial.clone()))
                    .set_token_code(code.as_ref().map(|c| c.expose().to_string()))
                    .set_duration_seconds(hop.duration_seconds.map(|d| d as i32))
                    .send()
                    .await;
                match result {
                    Ok(output) => {
                        let c = output
                            .credentials()
                            .ok_or_else(|| StsError::EmptyResponse {
                                what: hop.role_arn.clone(),
                            })?;
                        Ok(Attempt::Done(from_sts(c, &hop.role_arn)?))
                    }
                    Err(error) => classify(error, code.is_some(), || StsError::AssumeRole {
                        profile: hop.profile.clone(),
                        role_arn: hop.role_arn.clone(),
                        code: String::new(),
                        message: String::new(),
                        signed_by: signer.to_string(),
                    }),
                }
            }
        };
        match (&hop.mfa_serial, needs_code) {
            (Some(serial), true) => {
                let request = MfaRequest {
                    profile: &hop.profile,
                    role_arn: Some(&hop.role_arn),
                    mfa_serial: serial,
                    attempt: 1,
                    rejected_because: None,
                    reason,
                };
                self.with_mfa_code(request, mfa, |code| call(Some(code)))
                    .await
            }
            _ => match call(None).await? {
                Attempt::Done(credentials) => Ok(credentials),
                // `classify` reports a rejected code only when one was sent.
                Attempt::CodeRejected(_) => unreachable!("no MFA code was sent"),
            },
        }
    }

    /// An MFA session of the long-lived `source` keys (STS GetSessionToken): temporary credentials that
    /// count as MFA-authenticated, from which roles requiring MFA can be assumed without another code.
    pub async fn mfa_session(
        &self,
        profile: &str,
        source: &Credentials,
        mfa_serial: &str,
        duration_seconds: u32,
        mfa: &dyn MfaCodeSource,
        reason: MfaReason,
    ) -> Result<Credentials, StsError> {
        let client = self.client(source, STS_FALLBACK_REGION);
        let request = MfaRequest {
            profile,
            role_arn: None,
            mfa_serial,
            attempt: 1,
            rejected_because: None,
            reason,
        };
        self.with_mfa_code(request, mfa, |code| {
            let client = client.clone();
            async move {
                tracing::debug!(profile, mfa_serial, "sts:GetSessionToken");
                let result = client
                    .get_session_token()
                    .serial_number(mfa_serial)
                    .token_code(code.expose())
                    .duration_seconds(duration_seconds as i32)
                    .send()
                    .await;
                match result {
                    Ok(output) => {
                        let what = format!("GetSessionToken for {mfa_serial}");
                        let c = output
                            .credentials()
                            .ok_or_else(|| StsError::EmptyResponse { what: what.clone() })?;
                        Ok(Attempt::Done(from_sts(c, &what)?))
                    }
                    Err(error) => classify(error, true, || StsError::SessionToken {
                        profile: profile.to_string(),
                        code: String::new(),
                        message: String::new(),
                    }),
                }
            }
        })
        .await
    }

    /// Who `credentials` belong to.
    pub async fn caller_identity(&self, config: &SdkConfig) -> Result<CallerIdentity, StsError> {
        let client = sts_client(config);
        let output = client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(service) => StsError::CallerIdentity {
                    code: service.err().code().unwrap_or("Unknown").to_string(),
                    message: service.err().message().unwrap_or_default().to_string(),
                },
                other => StsError::Unreachable {
                    what: "GetCallerIdentity".into(),
                    source: Box::new(other),
                },
            })?;
        Ok(CallerIdentity {
            account: output.account().unwrap_or_default().to_string(),
            arn: output.arn().unwrap_or_default().to_string(),
            user_id: output.user_id().unwrap_or_default().to_string(),
        })
    }

    /// GetCallerIdentity with fixed credentials (checking access keys a user typed).
    pub async fn check_keys(
        &self,
        credentials: &Credentials,
        region: &str,
    ) -> Result<CallerIdentity, StsError> {
        self.caller_identity(&self.context.config_for(credentials, region))
            .await
    }
}

/// The AWS error code and message of a refusal. An answer that is not a readable AWS error (some
/// emulators', a proxy's) is named by its HTTP status, so the message never ends at a bare "Unknown".
pub fn code_and_message(error: &impl ProvideErrorMetadata, raw: &HttpResponse) -> (String, String) {
    match error.code() {
        Some(code) => (
            code.to_string(),
            error.message().unwrap_or_default().trim().to_string(),
        ),
        None => (
            format!("HTTP {}", raw.status().as_u16()),
            "the answer was not an AWS error amplify-rs could read".to_string(),
        ),
    }
}

/// An STS client that logs its calls for `--verbose`.
pub fn sts_client(config: &SdkConfig) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(crate::LogCalls)
            .build(),
    )
}

/// Sorts an SDK error: a rejected MFA code (to ask again), a refusal (`refused` with the code and message
/// filled in), or no answer at all.
fn classify<T, E>(
    error: SdkError<E, HttpResponse>,
    with_code: bool,
    refused: impl FnOnce() -> StsError,
) -> Result<Attempt<T>, StsError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match error {
        SdkError::ServiceError(service) => {
            let (code, message) = code_and_message(service.err(), service.raw());
            if with_code && is_mfa_rejection(&code, &message) {
                return Ok(Attempt::CodeRejected(message));
            }
            Err(match refused() {
                StsError::AssumeRole {
                    profile,
                    role_arn,
                    signed_by,
                    ..
                } => StsError::AssumeRole {
                    profile,
                    role_arn,
                    code,
                    message,
                    signed_by,
                },
                StsError::SessionToken { profile, .. } => StsError::SessionToken {
                    profile,
                    code,
                    message,
                },
                other => other,
            })
        }
        other => {
            let what = match refused() {
                StsError::AssumeRole { role_arn, .. } => format!("AssumeRole of {role_arn}"),
                _ => "GetSessionToken".to_string(),
            };
            Err(StsError::Unreachable {
                what,
                source: Box::new(other),
            })
        }
    }
}
