//! Sessions are built here, and only here. [`Sessions`] holds what every session of a process shares (the
//! AWS settings, the cache file, the MFA code given for the process, the front end's prompt and event
//! sink, the clock); [`Sessions::for_chain`] turns a resolved [`ProfileChain`] (the picker's result, never
//! a name to resolve again) into a [`Session`]: credentials that renew themselves through the cache and STS,
//! the region they are for, and SDK clients signed with them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amplify_aws::{AwsSettings, SdkConfig, SharedCredentialsProvider};
use amplify_cache::{CredentialCache, ProjectKey};
use amplify_creds::env::Env;
use amplify_creds::env::amplify::CREDENTIAL_CHAIN;
use amplify_creds::{Credentials, Secret};
use amplify_profile::{ProfileChain, ProfileSet};
use time::OffsetDateTime;

use crate::error::StsError;
use crate::mfa::{Given, MfaPrompt, MfaSources, NoPrompt};
use crate::options::{self, MfaSettings};
use crate::session::{
    Clock, Obtained, Origin, ProjectSession, Quiet, SessionEvents, SessionOptions,
};
use crate::sts::{CallerIdentity, StsService};

/// Who the credentials are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// amplify-rs's own calls: reused while more than five minutes (or the settings' longer reuse margin)
    /// remain, renewed as they go.
    Own,
    /// Another program (`aws credentials`, `exec`): it cannot renew them through us, so they must last
    /// longer before they go out: more than [`EXPORT_MIN_LEFT`].
    Export,
}

/// How long credentials handed to another program must still be valid: 11 minutes.
///
/// botocore (the AWS CLI, boto3) runs a `credential_process` again when less than 15 minutes remain
/// (its advisory refresh, whose failure it tolerates) and blocks on it below 10 minutes (its mandatory
/// refresh, whose failure is an error). Credentials with more than 10 minutes left keep it out of the
/// mandatory window; the extra minute covers the time between our decision and its own. Asking for 15
/// minutes, as botocore's advisory window would suggest, would make a 900-second session (the shortest STS
/// grants) useless: it starts with 15 minutes, so every call would be a new AssumeRole and a new MFA code.
/// With 11 minutes, such a session is handed out for its first 4 minutes, and an hour-long one for 49.
/// Other SDKs refresh a process's credentials later (the AWS SDK for JavaScript 5 minutes before expiry,
/// Go's and Java's at expiry or seconds before), so what suits botocore suits them.
pub const EXPORT_MIN_LEFT: Duration = Duration::from_secs(11 * 60);

impl Purpose {
    /// Validity wanted beyond [`amplify_creds::REUSE_MARGIN`], which every lookup already asks for.
    fn extra_margin(self) -> Duration {
        match self {
            Purpose::Own => Duration::ZERO,
            Purpose::Export => EXPORT_MIN_LEFT.saturating_sub(reuse_margin()),
        }
    }
}

fn reuse_margin() -> Duration {
    Duration::from_secs(amplify_creds::REUSE_MARGIN.whole_seconds().unsigned_abs())
}

/// What every session of the process shares.
pub struct Sessions {
    settings: AwsSettings,
    cache: CredentialCache,
    env: Env,
    given: Arc<Mutex<Given>>,
    prompt: Arc<dyn MfaPrompt>,
    events: Arc<dyn SessionEvents>,
    mfa_session_default: bool,
    mfa_settings: MfaSettings,
    lock_wait: Duration,
    clock: Clock,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Sessions {
    /// Sessions with no MFA code given, nobody to prompt and nothing to tell: add what the caller has.
    pub fn new(settings: AwsSettings, cache: CredentialCache, env: Env) -> Sessions {
        Sessions {
            settings,
            cache,
            env,
            given: Given::new(None),
            prompt: Arc::new(NoPrompt),
            events: Arc::new(Quiet),
            mfa_session_default: false,
            mfa_settings: MfaSettings::default(),
            lock_wait: SessionOptions::default().lock_wait,
            clock: Arc::new(OffsetDateTime::now_utc),
        }
    }

    /// A code for the first MFA need of the process (`--mfa-code`, `AMPLIFY_RS_MFA_CODE`).
    pub fn mfa_code(mut self, code: Option<Secret>) -> Sessions {
        self.given = Given::new(code);
        self
    }

    pub fn prompt(mut self, prompt: Arc<dyn MfaPrompt>) -> Sessions {
        self.prompt = prompt;
        self
    }

    pub fn events(mut self, events: Arc<dyn SessionEvents>) -> Sessions {
        self.events = events;
        self
    }

    /// MFA sessions for profiles that do not say, when the settings do not say either.
    pub fn mfa_session_by_default(mut self, on: bool) -> Sessions {
        self.mfa_session_default = on;
        self
    }

    /// amplify-rs's MFA settings (flags, variables, settings files): each one given wins over the
    /// profiles' keys (`amplify_rs_mfa_session`, `amplify_rs_mfa_session_duration`, `mfa_process`).
    pub fn mfa_settings(mut self, settings: MfaSettings) -> Sessions {
        self.mfa_settings = settings;
        self
    }

    /// How long to wait for another process that is getting the same project's credentials.
    pub fn lock_wait(mut self, wait: Duration) -> Sessions {
        self.lock_wait = wait;
        self
    }

    /// Uses `clock` instead of the system's for every expiry decision (tests).
    pub fn clock(mut self, clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Sessions {
        self.clock = Arc::new(clock);
        self
    }

    pub fn settings(&self) -> &AwsSettings {
        &self.settings
    }

    pub fn cache(&self) -> &CredentialCache {
        &self.cache
    }

    pub fn sts(&self) -> StsService {
        StsService::new(self.settings.clone())
    }

    /// The session of `chain` for `project`: its region (the profile's, else `AWS_REGION`), the endpoints
    /// of its profile, its `mfa_process` and MFA-session settings, and the reuse margin of the AWS settings
    /// (cached credentials are handed out while they have more than that left).
    pub fn for_chain(
        &self,
        set: &ProfileSet,
        chain: ProfileChain,
        project: ProjectKey,
        purpose: Purpose,
    ) -> Result<Session, StsError> {
        let region = self.region_of(set, &chain)?;
        let process_env = self.loop_guard(&chain.profile, &project)?;
        let profile = set.get(&chain.profile);
        let margin = self.reuse_margin_for(&chain);
        let settings = self
            .settings
            .clone()
            .with_profile_endpoint(&chain.profile, profile.and_then(|p| p.get("endpoint_url")))?
            .with_reuse_margin(margin);
        let options = SessionOptions {
            mfa_session: options::mfa_session(
                set,
                &chain,
                &self.mfa_settings,
                self.mfa_session_default,
            )?,
            lock_wait: self.lock_wait,
            extra_margin: purpose.extra_margin() + margin.saturating_sub(reuse_floor()),
        };
        let mfa = MfaSources {
            given: self.given.clone(),
            processes: options::mfa_processes(set, &chain, &self.mfa_settings),
            prompt: self.prompt.clone(),
        };
        let name = chain.profile.clone();
        let session = ProjectSession::new(
            StsService::new(settings.clone()).with_process_env(process_env),
            self.cache.clone(),
            project,
            chain,
            Arc::new(mfa),
            self.events.clone(),
            options,
            self.clock.clone(),
        );
        Ok(Session {
            region,
            settings,
            profile: Some(name),
            source: Source::Project(Arc::new(session)),
        })
    }

    /// Fixed keys (the access-keys method), used as they are.
    pub fn for_keys(&self, credentials: Credentials, region: String) -> Session {
        Session {
            region,
            settings: self.settings.clone(),
            profile: None,
            source: Source::Fixed(credentials),
        }
    }

    /// The original's "general" level, the AWS CLI's order: the environment's keys, else the profile the
    /// environment selects (`AWS_PROFILE`, else `default`).
    pub fn default_chain(
        &self,
        set: &ProfileSet,
        project: ProjectKey,
        purpose: Purpose,
    ) -> Result<Session, StsError> {
        use amplify_creds::env::aws;
        if let (Some(id), Some(secret)) = (
            self.env.get(aws::ACCESS_KEY_ID),
            self.env.get(aws::SECRET_ACCESS_KEY),
        ) {
            let region = self
                .env
                .region()
                .or_else(|| {
                    set.get(self.env.profile().unwrap_or("default"))?
                        .get("region")
                })
                .ok_or_else(|| StsError::NoRegion {
                    profile: "default".into(),
                    section: "[default]".into(),
                    file: set.files().config.display().to_string(),
                })?;
            let credentials = Credentials {
                access_key_id: id.to_string(),
                secret_access_key: Secret::new(secret),
                session_token: self.env.get(aws::SESSION_TOKEN).map(Secret::new),
                expiration: None,
            };
            return Ok(self.for_keys(credentials, region.to_string()));
        }
        let name = self.env.profile().unwrap_or("default");
        if set.get(name).is_none() {
            return Err(StsError::NoCredentials);
        }
        self.for_chain(set, set.resolve(name)?, project, purpose)
    }

    /// The settings' reuse margin for `chain`, at most half its role session (`duration_seconds`, else
    /// STS's hour): a margin as long as the session would find the credentials STS just gave already too
    /// old, and ask again at once, for ever. Never less than [`amplify_creds::REUSE_MARGIN`].
    fn reuse_margin_for(&self, chain: &ProfileChain) -> Duration {
        let session = chain
            .hops
            .last()
            .and_then(|hop| hop.duration_seconds)
            .unwrap_or(3600);
        let cap = Duration::from_secs(u64::from(session) / 2).max(reuse_floor());
        self.settings.reuse_margin().min(cap)
    }

    /// Refuses a session that an amplify-rs up the process tree is already getting (its
    /// `credential_process` came back here), and returns the variables that let the next one see it.
    fn loop_guard(
        &self,
        profile: &str,
        project: &ProjectKey,
    ) -> Result<Vec<(String, String)>, StsError> {
        let key = format!("{profile}@{}", project.as_str());
        let chain = self.env.get(CREDENTIAL_CHAIN).unwrap_or_default();
        if chain.lines().any(|line| line == key) {
            return Err(StsError::CredentialLoop {
                profile: profile.to_string(),
                project: project.as_str().to_string(),
            });
        }
        let value = if chain.is_empty() {
            key
        } else {
            format!("{chain}\n{key}")
        };
        Ok(vec![(CREDENTIAL_CHAIN.to_string(), value)])
    }

    fn region_of(&self, set: &ProfileSet, chain: &ProfileChain) -> Result<String, StsError> {
        chain
            .region
            .clone()
            .or_else(|| self.env.region().map(str::to_string))
            .ok_or_else(|| StsError::NoRegion {
                profile: chain.profile.clone(),
                section: if chain.profile == "default" {
                    "[default]".to_string()
                } else {
                    format!("[profile {}]", chain.profile)
                },
                file: set.files().config.display().to_string(),
            })
    }
}

/// [`amplify_creds::REUSE_MARGIN`], which the cache applies itself.
fn reuse_floor() -> Duration {
    Duration::from_secs(amplify_creds::REUSE_MARGIN.whole_seconds().unsigned_abs())
}

enum Source {
    /// A profile's: cached per project, renewed through STS.
    Project(Arc<ProjectSession>),
    /// Keys used as they are.
    Fixed(Credentials),
}

/// Credentials for one environment, the region they are for, and clients signed with them.
pub struct Session {
    region: String,
    settings: AwsSettings,
    profile: Option<String>,
    source: Source,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("region", &self.region)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The profile, for a profile's session.
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    pub fn chain(&self) -> Option<&ProfileChain> {
        match &self.source {
            Source::Project(session) => Some(session.chain()),
            Source::Fixed(_) => None,
        }
    }

    /// The credentials: cached ones while they last, else from STS (with an MFA code if it must).
    pub async fn credentials(&self) -> Result<Obtained, StsError> {
        match &self.source {
            Source::Project(session) => session.credentials().await,
            Source::Fixed(credentials) => Ok(Obtained {
                credentials: credentials.clone(),
                origin: Origin::Base,
                warnings: Vec::new(),
            }),
        }
    }

    /// Renews the credentials if they are about to expire (prompting for MFA if nothing cached can renew
    /// them). Called between AWS calls, where a prompt has all the time it needs.
    pub async fn keep_fresh(&self) -> Result<(), StsError> {
        self.credentials().await.map(|_| ())
    }

    /// AWS refused the credentials as expired (`ExpiredToken`) although they should have had time left:
    /// new ones from STS (an MFA prompt if the chain needs a code, as for any renewal), used by the clients
    /// built from now on. `false` when nothing can renew them: keys used as they are.
    pub async fn renew_expired(&self) -> Result<bool, StsError> {
        match &self.source {
            Source::Project(session) => session.renew_expired().await.map(|_| true),
            Source::Fixed(_) => Ok(false),
        }
    }

    /// A provider for SDK clients, renewing through this session.
    pub fn provider(&self) -> SharedCredentialsProvider {
        match &self.source {
            Source::Project(session) => session.provider(),
            Source::Fixed(credentials) => amplify_aws::fixed_provider(credentials),
        }
    }

    pub fn settings(&self) -> &AwsSettings {
        &self.settings
    }

    pub fn sdk_config(&self) -> SdkConfig {
        self.settings.sdk_config(self.provider(), &self.region)
    }

    pub fn cloudformation(&self) -> amplify_aws::cloudformation::Client {
        self.settings.cloudformation(&self.sdk_config())
    }

    pub fn s3(&self) -> amplify_aws::s3::Client {
        self.settings.s3(&self.sdk_config())
    }

    /// Whose credentials these are (STS GetCallerIdentity).
    pub async fn caller_identity(&self) -> Result<CallerIdentity, StsError> {
        StsService::new(self.settings.clone())
            .caller_identity(self.provider(), &self.region)
            .await
    }
}
