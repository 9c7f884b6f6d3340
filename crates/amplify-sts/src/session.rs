//! A project's credentials, with the cache in front of STS.
//!
//! For a chain with role hops: a cached entry of this project and chain is used while it has more than
//! [`amplify_creds::REUSE_MARGIN`] left. Otherwise the project's lock is taken (telling the caller if it
//! has to wait for another process), the cache is read again in case that process just filled it, and only
//! then is the chain run, with MFA prompts, and the result stored. A chain without hops (static keys,
//! SSO, a process) is run every time: its provider has its own cache, and keys need none.

use amplify_cache::{CacheWarning, CachedCredentials, CredentialCache, ProjectKey};
use amplify_creds::Credentials;
use amplify_profile::ProfileChain;
use time::OffsetDateTime;

use crate::aws::StsService;
use crate::error::StsError;
use crate::mfa::MfaCodeSource;

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
pub trait SessionEvents {
    /// Another process holds this project's lock (it is probably prompting for MFA).
    fn waiting_for_other_process(&self) {}
}

/// No events.
#[derive(Debug)]
pub struct Quiet;
impl SessionEvents for Quiet {}

/// The project's credentials for `chain`, from the cache when they can be reused.
pub async fn project_credentials(
    sts: &StsService,
    cache: &CredentialCache,
    project: &ProjectKey,
    chain: &ProfileChain,
    mfa: &dyn MfaCodeSource,
    events: &dyn SessionEvents,
    now: impl Fn() -> OffsetDateTime,
) -> Result<Obtained, StsError> {
    if chain.hops.is_empty() {
        let credentials = sts.run_chain(chain, mfa).await?;
        return Ok(Obtained {
            credentials,
            origin: Origin::Base,
            warnings: Vec::new(),
        });
    }
    let identity = chain.identity();
    let mut warnings = Vec::new();
    let lookup = cache.lookup(project, &identity, now())?;
    warnings.extend(lookup.warnings);
    if let Some(hit) = lookup.entry {
        return Ok(Obtained {
            credentials: hit.credentials,
            origin: Origin::Cache,
            warnings,
        });
    }

    let _lock = cache.lock_project(project, || events.waiting_for_other_process())?;
    let lookup = cache.lookup(project, &identity, now())?;
    if let Some(hit) = lookup.entry {
        return Ok(Obtained {
            credentials: hit.credentials,
            origin: Origin::Cache,
            warnings,
        });
    }
    let credentials = sts.run_chain(chain, mfa).await?;
    let last = chain.hops.last().expect("a chain with hops");
    let entry = CachedCredentials {
        profile: chain.profile.clone(),
        role_arn: last.role_arn.clone(),
        credentials,
    };
    warnings.extend(cache.store(project, &identity, &entry, now())?);
    Ok(Obtained {
        credentials: entry.credentials,
        origin: Origin::Sts,
        warnings,
    })
}
