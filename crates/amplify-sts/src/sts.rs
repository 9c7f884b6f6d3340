//! The STS calls: a chain's base credentials, one AssumeRole per hop (RoleArn, RoleSessionName, ExternalId,
//! SerialNumber + TokenCode, DurationSeconds, signed with the previous hop's credentials), GetSessionToken for
//! MFA sessions, GetCallerIdentity. A code STS rejects is asked for again, up to [`MAX_MFA_ATTEMPTS`] times.

use amplify_aws::{AwsError, AwsSettings, ProvideCredentials as _, SharedCredentialsProvider};
use amplify_creds::{Credentials, Secret};
use amplify_profile::{BaseCredentials, CredentialSource, ProfileChain, RoleHop};
use time::OffsetDateTime;

use crate::error::StsError;
use crate::mfa::{MfaCodeSource, MfaReason, MfaRequest};

/// The original Amplify CLI's session name when a profile sets none. Kept so that trust policies written
/// against `sts:RoleSessionName` for the original keep matching.
pub const DEFAULT_SESSION_NAME: &str = "amplify";

/// How many codes a user may type before a rejected MFA code ends the command.
pub const MAX_MFA_ATTEMPTS: u32 = 3;

/// Region used to sign STS calls when the profile names none (STS is global there).
pub(crate) const STS_FALLBACK_REGION: &str = "us-east-1";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// STS answers a wrong or reused code with AccessDenied and "MultiFactorAuthentication failed ...".
fn is_mfa_rejection(error: &AwsError) -> bool {
    error.code() == Some("AccessDenied")
        && error
            .message()
            .is_some_and(|m| m.contains("MultiFactorAuthentication failed"))
}

fn from_sts(
    credentials: Option<&amplify_aws::sts::types::Credentials>,
    what: &str,
) -> Result<Credentials, StsError> {
    let empty = || StsError::EmptyResponse {
        what: what.to_string(),
    };
    let c = credentials.ok_or_else(empty)?;
    let expiration = OffsetDateTime::from_unix_timestamp_nanos(c.expiration().as_nanos())
        .map_err(|_| empty())?;
    Ok(Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: Some(Secret::new(c.session_token())),
        expiration: Some(expiration),
    })
}

/// Runs chains against STS.
#[derive(Clone, Debug)]
pub struct StsService {
    settings: AwsSettings,
    /// Variables for a `credential_process` this service runs.
    process_env: Vec<(String, String)>,
}

impl StsService {
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            settings,
            process_env: Vec::new(),
        }
    }

    /// Gives a `credential_process` these variables (amplify-rs's loop guard).
    pub fn with_process_env(mut self, env: Vec<(String, String)>) -> Self {
        self.process_env = env;
        self
    }

    pub fn settings(&self) -> &AwsSettings {
        &self.settings
    }

    fn client(&self, credentials: &Credentials, region: &str) -> amplify_aws::sts::Client {
        self.settings.sts(
            &self
                .settings
                .sdk_config(amplify_aws::fixed_provider(credentials), region),
        )
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

    /// The hops of `chain`, the first signed with `source`. A first hop whose `mfa_serial` is
    /// `satisfied_mfa` is sent without a code: `source` is an MFA session of that device.
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
            let call = HopCall {
                hop,
                signer: &signer,
                client: self.client(&credentials, region),
            };
            credentials = match (&hop.mfa_serial, needs_code) {
                (Some(serial), true) => {
                    let request = MfaRequest {
                        profile: &hop.profile,
                        role_arn: Some(&hop.role_arn),
                        mfa_serial: serial,
                        attempt: 1,
                        rejected_because: None,
                        reason,
                    };
                    with_mfa_code(request, mfa, |code| call.send(Some(code))).await?
                }
                _ => match call.send(None).await? {
                    Attempt::Done(credentials) => credentials,
                    Attempt::CodeRejected(_) => unreachable!("no MFA code was sent"),
                },
            };
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
            BaseCredentials::Process { command, .. } => {
                amplify_aws::providers::process(command, self.process_env.clone())
            }
            BaseCredentials::Sso {
                start_url,
                sso_region,
                account_id,
                role_name,
                sso_session,
                ..
            } => amplify_aws::providers::sso(
                start_url,
                sso_region,
                account_id,
                role_name,
                sso_session.as_deref(),
            ),
            BaseCredentials::WebIdentity {
                role_arn,
                web_identity_token_file,
                role_session_name,
                ..
            } => {
                // botocore's name when the profile sets none.
                let default_name = format!(
                    "botocore-session-{}",
                    OffsetDateTime::now_utc().unix_timestamp()
                );
                amplify_aws::providers::web_identity(
                    role_arn,
                    web_identity_token_file,
                    role_session_name.as_deref().unwrap_or(&default_name),
                    STS_FALLBACK_REGION,
                )
            }
            BaseCredentials::CredentialSource { source, .. } => match source {
                CredentialSource::Environment => amplify_aws::providers::environment(),
                CredentialSource::Ec2InstanceMetadata => {
                    amplify_aws::providers::instance_metadata()
                }
                CredentialSource::EcsContainer => amplify_aws::providers::ecs_container(),
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
        Ok(amplify_aws::from_sdk(&credentials))
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
        with_mfa_code(request, mfa, |code| {
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
                match result.map_err(AwsError::from_sdk) {
                    Ok(output) => Ok(Attempt::Done(from_sts(
                        output.credentials(),
                        &format!("GetSessionToken for {mfa_serial}"),
                    )?)),
                    Err(error) if is_mfa_rejection(&error) => Ok(Attempt::CodeRejected(
                        error.message().unwrap_or_default().into(),
                    )),
                    Err(source) => Err(StsError::SessionToken {
                        profile: profile.to_string(),
                        source,
                    }),
                }
            }
        })
        .await
    }

    /// Whose credentials these are.
    pub async fn caller_identity(
        &self,
        provider: SharedCredentialsProvider,
        region: &str,
    ) -> Result<CallerIdentity, StsError> {
        let client = self
            .settings
            .sts(&self.settings.sdk_config(provider, region));
        let output =
            client
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| StsError::CallerIdentity {
                    source: AwsError::from_sdk(e),
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
        self.caller_identity(amplify_aws::fixed_provider(credentials), region)
            .await
    }
}

/// What one STS call with an MFA code came to.
enum Attempt<T> {
    Done(T),
    CodeRejected(String),
}

/// One hop's AssumeRole, ready to send with or without a code.
struct HopCall<'a> {
    hop: &'a RoleHop,
    signer: &'a str,
    client: amplify_aws::sts::Client,
}

impl HopCall<'_> {
    async fn send(&self, code: Option<Secret>) -> Result<Attempt<Credentials>, StsError> {
        let hop = self.hop;
        tracing::debug!(profile = %hop.profile, role_arn = %hop.role_arn, signed_by = %self.signer, with_mfa = code.is_some(), "sts:AssumeRole");
        let result = self
            .client
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
        match result.map_err(AwsError::from_sdk) {
            Ok(output) => Ok(Attempt::Done(from_sts(
                output.credentials(),
                &hop.role_arn,
            )?)),
            Err(error) if code.is_some() && is_mfa_rejection(&error) => Ok(Attempt::CodeRejected(
                error.message().unwrap_or_default().to_string(),
            )),
            Err(source) => Err(StsError::AssumeRole {
                profile: hop.profile.clone(),
                role_arn: hop.role_arn.clone(),
                signed_by: self.signer.to_string(),
                source,
            }),
        }
    }
}

/// Asks `mfa` for a code, calls `call` with it, and asks again (up to [`MAX_MFA_ATTEMPTS`]) while STS
/// rejects the code.
async fn with_mfa_code<T, F, Fut>(
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
