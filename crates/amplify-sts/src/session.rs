//! A project's credentials, with the cache in front of STS, as a value that SDK clients can ask again.
//!
//! [`ProjectSession::credentials`]: for a chain with role hops, a cached entry of this project and chain is
//! used while it has more than [`amplify_creds::REUSE_MARGIN`] left. Otherwise the project's lock is taken
//! (telling the caller if it has to wait for another process), the cache is read again in case that process
//! just filled it, and only then is STS called and the result stored. With an MFA session (opt-in), the
//! source keys are first exchanged for an MFA session (GetSessionToken, cached per project too), and the
//! roles are assumed from it without a code, so switching between roles that share the MFA device asks for
//! a code once per session. A chain without hops (static keys, SSO, a process) is run every time: its
//! provider has its own cache, and keys need none.
//!
//! [`ProjectSession::provider`] hands the same logic to SDK clients: they ask it again before the
//! credentials expire, so a wait that outlives a session keeps working, prompting for MFA only when nothing
//! cached can renew the session (and saying why).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amplify_aws::{
    CredentialsError, ProvideCredentials, ProvideCredentialsFuture, SharedCredentialsProvider,
};
use amplify_cache::{CacheWarning, CachedCredentials, CredentialCache, ProjectKey};
use amplify_creds::Credentials;
use amplify_profile::{BaseCredentials, ProfileChain};
use time::OffsetDateTime;

use crate::error::StsError;
use crate::mfa::{MfaCodeSource, MfaReason};
use crate::sts::StsService;

/// Where credentials came from, for messages and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Reused from the cache file.
    Cache,
    /// Obtained from STS just now and cached.
    Sts,
    /// Long-lived or externally managed credentials, not cached.
    Base,
}

#[derive(Debug)]
pub struct Obtained {
    pub credentials: Credentials,
    pub origin: Origin,
    pub warnings: Vec<CacheWarning>,
}

/// What the caller wants to hear about while credentials are obtained.
pub trait SessionEvents: Send + Sync {
    /// Another process holds this project's lock (it is probably prompting for MFA); `holder` is its id.
    fn waiting_for_other_process(&self, _holder: Option<u32>) {}
    /// The cache had something to say (an unreadable file moved aside, ...).
    fn cache_warning(&self, _warning: &CacheWarning) {}
}

/// No events.
#[derive(Debug)]
pub struct Quiet;
impl SessionEvents for Quiet {}

#[derive(Clone, Debug)]
pub struct SessionOptions {
    /// Exchange the source keys for an MFA session of this many seconds, and assume roles from it.
    pub mfa_session: Option<u32>,
    /// How long to wait for another process that holds the project's lock.
    pub lock_wait: Duration,
    /// Validity wanted beyond [`amplify_creds::REUSE_MARGIN`] before cached credentials of the role are
    /// handed out. Credentials given to another program (`aws credentials`) need more: see
    /// [`crate::EXPORT_MIN_LEFT`].
    pub extra_margin: Duration,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            mfa_session: None,
            lock_wait: Duration::from_secs(300),
            extra_margin: Duration::ZERO,
        }
    }
}

/// The time every expiry decision is made by (tests move it).
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// A project's credentials for one profile chain.
pub struct ProjectSession {
    sts: StsService,
    cache: CredentialCache,
    project: ProjectKey,
    chain: ProfileChain,
    mfa: Arc<dyn MfaCodeSource>,
    events: Arc<dyn SessionEvents>,
    options: SessionOptions,
    clock: Clock,
    /// The credentials handed out last: a later call knows it is renewing them, and a renewal after AWS
    /// rejected them never hands them out again.
    handed_out: Mutex<Option<HandedOut>>,
}

#[derive(Clone, Debug)]
struct HandedOut {
    expiring: Option<OffsetDateTime>,
    access_key_id: String,
}

impl std::fmt::Debug for ProjectSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectSession")
            .field("project", &self.project)
            .field("profile", &self.chain.profile)
            .finish()
    }
}

impl ProjectSession {
    /// Built by [`crate::Sessions`], which gathers what every session of the process shares.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        sts: StsService,
        cache: CredentialCache,
        project: ProjectKey,
        chain: ProfileChain,
        mfa: Arc<dyn MfaCodeSource>,
        events: Arc<dyn SessionEvents>,
        options: SessionOptions,
        clock: Clock,
    ) -> Self {
        Self {
            sts,
            cache,
            project,
            chain,
            mfa,
            events,
            options,
            clock,
            handed_out: Mutex::new(None),
        }
    }

    pub fn chain(&self) -> &ProfileChain {
        &self.chain
    }

    /// An MFA session applies when the first hop needs MFA and is signed by an IAM user's long-lived keys.
    fn mfa_session_serial(&self) -> Option<&str> {
        self.options.mfa_session?;
        let first = self.chain.hops.first()?;
        match &self.chain.base {
            BaseCredentials::Static {
                session_token: None,
                ..
            } => first.mfa_serial.as_deref(),
            _ => None,
        }
    }

    fn mfa_session_identity(&self, serial: &str) -> String {
        format!("mfa-session:{}:{serial}", self.chain.base.identity())
    }

    /// The time at which cached role credentials must still be reusable.
    fn lookup_time(&self) -> OffsetDateTime {
        (self.clock)() + self.options.extra_margin
    }

    /// The project's credentials for this chain: cached if reusable, else from STS (and then cached).
    pub async fn credentials(&self) -> Result<Obtained, StsError> {
        let obtained = self.obtain().await?;
        Ok(self.hand_out(obtained))
    }

    /// AWS refused the credentials handed out last as expired (`ExpiredToken`) although the clock gave them
    /// time left (a clock that is off, a session ended early): new ones, never those again. Under the
    /// project's lock, so credentials another process renewed meanwhile are used instead of a second
    /// AssumeRole; otherwise STS, with an MFA code if the chain needs one.
    pub async fn renew_expired(&self) -> Result<Obtained, StsError> {
        if self.chain.hops.is_empty() {
            return self.credentials().await;
        }
        let rejected = self
            .handed_out
            .lock()
            .expect("session lock")
            .as_ref()
            .map(|h| h.access_key_id.clone());
        let identity = self.chain.identity();
        let _lock = self
            .cache
            .lock_project(&self.project, self.options.lock_wait, |holder| {
                self.events.waiting_for_other_process(holder)
            })?;
        let lookup = self
            .cache
            .lookup(&self.project, &identity, self.lookup_time())?;
        let mut warnings = lookup.warnings;
        let renewed_elsewhere = lookup
            .entry
            .filter(|hit| Some(&hit.credentials.access_key_id) != rejected.as_ref());
        let obtained = match renewed_elsewhere {
            Some(hit) => Obtained {
                credentials: hit.credentials,
                origin: Origin::Cache,
                warnings,
            },
            None => {
                let credentials = self.run_sts(self.reason(), &mut warnings).await?;
                self.store(credentials, warnings)?
            }
        };
        Ok(self.hand_out(obtained))
    }

    fn hand_out(&self, obtained: Obtained) -> Obtained {
        for warning in &obtained.warnings {
            self.events.cache_warning(warning);
        }
        *self.handed_out.lock().expect("session lock") = Some(HandedOut {
            expiring: obtained.credentials.expiration,
            access_key_id: obtained.credentials.access_key_id.clone(),
        });
        obtained
    }

    /// Renewing if credentials with an expiry were handed out already, else obtaining.
    fn reason(&self) -> MfaReason {
        match self
            .handed_out
            .lock()
            .expect("session lock")
            .as_ref()
            .and_then(|h| h.expiring)
        {
            Some(expiring) => MfaReason::Renew { expiring },
            None => MfaReason::Obtain,
        }
    }

    /// Role credentials just obtained from STS, stored in the cache.
    fn store(
        &self,
        credentials: Credentials,
        mut warnings: Vec<CacheWarning>,
    ) -> Result<Obtained, StsError> {
        let last = self.chain.hops.last().expect("a chain with hops");
        let entry = CachedCredentials {
            profile: self.chain.profile.clone(),
            role_arn: Some(last.role_arn.clone()),
            mfa_serial: None,
            credentials,
        };
        warnings.extend(self.cache.store(
            &self.project,
            &self.chain.identity(),
            &entry,
            (self.clock)(),
        )?);
        Ok(Obtained {
            credentials: entry.credentials,
            origin: Origin::Sts,
            warnings,
        })
    }

    async fn obtain(&self) -> Result<Obtained, StsError> {
        let reason = self.reason();
        if self.chain.hops.is_empty() {
            let credentials = self
                .sts
                .run_chain(&self.chain, self.mfa.as_ref(), reason)
                .await?;
            return Ok(Obtained {
                credentials,
                origin: Origin::Base,
                warnings: Vec::new(),
            });
        }
        let identity = self.chain.identity();
        let mut warnings = Vec::new();
        let lookup = self
            .cache
            .lookup(&self.project, &identity, self.lookup_time())?;
        warnings.extend(lookup.warnings);
        if let Some(hit) = lookup.entry {
            return Ok(Obtained {
                credentials: hit.credentials,
                origin: Origin::Cache,
                warnings,
            });
        }

        let _lock = self
            .cache
            .lock_project(&self.project, self.options.lock_wait, |holder| {
                self.events.waiting_for_other_process(holder)
            })?;
        if let Some(hit) = self
            .cache
            .lookup(&self.project, &identity, self.lookup_time())?
            .entry
        {
            return Ok(Obtained {
                credentials: hit.credentials,
                origin: Origin::Cache,
                warnings,
            });
        }

        let credentials = self.run_sts(reason, &mut warnings).await?;
        self.store(credentials, warnings)
    }

    /// The chain run against STS: from an MFA session of the source keys when it applies, else whole.
    async fn run_sts(
        &self,
        reason: MfaReason,
        warnings: &mut Vec<CacheWarning>,
    ) -> Result<Credentials, StsError> {
        let mfa = self.mfa.as_ref();
        match self.mfa_session_serial() {
            Some(serial) => {
                let session = self.mfa_session(serial, reason, warnings).await?;
                self.sts
                    .run_hops(&self.chain, session, Some(serial), mfa, reason)
                    .await
            }
            None => self.sts.run_chain(&self.chain, mfa, reason).await,
        }
    }

    /// The cached MFA session of the source keys, or a new one (one MFA code).
    async fn mfa_session(
        &self,
        serial: &str,
        reason: MfaReason,
        warnings: &mut Vec<CacheWarning>,
    ) -> Result<Credentials, StsError> {
        let identity = self.mfa_session_identity(serial);
        let lookup = self
            .cache
            .lookup(&self.project, &identity, (self.clock)())?;
        warnings.extend(lookup.warnings);
        if let Some(hit) = lookup.entry {
            return Ok(hit.credentials);
        }
        let source = self.sts.base_credentials(&self.chain.base).await?;
        let duration = self
            .options
            .mfa_session
            .unwrap_or(crate::options::DEFAULT_MFA_SESSION_SECONDS);
        let credentials = self
            .sts
            .mfa_session(
                self.chain.base.profile(),
                &source,
                serial,
                duration,
                self.mfa.as_ref(),
                reason,
            )
            .await?;
        let entry = CachedCredentials {
            profile: self.chain.base.profile().to_string(),
            role_arn: None,
            mfa_serial: Some(serial.to_string()),
            credentials,
        };
        warnings.extend(
            self.cache
                .store(&self.project, &identity, &entry, (self.clock)())?,
        );
        Ok(entry.credentials)
    }

    /// A credentials provider for SDK clients that renews through this session.
    pub fn provider(self: &Arc<Self>) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(SessionProvider(self.clone()))
    }
}

#[derive(Debug)]
struct SessionProvider(Arc<ProjectSession>);

impl ProvideCredentials for SessionProvider {
    fn provide_credentials<'a>(&'a self) -> ProvideCredentialsFuture<'a>
    where
        Self: 'a,
    {
        ProvideCredentialsFuture::new(async move {
            match self.0.credentials().await {
                Ok(obtained) => Ok(amplify_aws::to_sdk(&obtained.credentials)),
                Err(error) => Err(CredentialsError::provider_error(error)),
            }
        })
    }
}
