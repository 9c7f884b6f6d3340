//! How an environment gets AWS credentials, from the moment it is chosen to the session that uses it. A
//! choice stays pending until the project is written: access keys go to their file only then, so a failed
//! init leaves no keys behind.

use std::path::{Path, PathBuf};

use amplify_cache::ProjectKey;
use amplify_creds::env::Env;
use amplify_profile::{ProfileChain, ProfileSet};
use amplify_project::headless::AuthChoice;
use amplify_project::{AccessKeysFile, AwsAuth};
use amplify_sts::{Purpose, Session, Sessions};

use crate::error::ProviderError;

/// An environment's authentication method.
#[derive(Clone, Debug)]
pub enum EnvAuth {
    /// A profile, resolved: a picker's answer travels as the chain, never as a name to resolve again.
    Profile(ProfileChain),
    /// Keys typed or given, not yet in a keys file.
    AccessKeys(AccessKeysFile),
    /// An existing keys file of the project.
    Stored(PathBuf),
    /// The AWS SDK's default chain.
    General,
}

/// A profile chosen by a setting rather than by a person, and what chose it, for the message if it is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedProfile {
    pub name: String,
    /// `AWS_PROFILE`, or `init.default_profile (FILE:LINE)`.
    pub named_by: String,
}

impl EnvAuth {
    /// `--providers`' choice; a profile is resolved now, before any AWS call.
    pub fn from_choice(
        profiles: &ProfileSet,
        choice: AuthChoice,
    ) -> Result<EnvAuth, ProviderError> {
        Ok(match choice {
            AuthChoice::Profile(name) => EnvAuth::Profile(profiles.resolve(&name)?),
            AuthChoice::AccessKeys(keys) => EnvAuth::AccessKeys(keys),
            AuthChoice::General => EnvAuth::General,
        })
    }

    /// What `local-aws-info.json` records for an environment.
    pub fn from_stored(profiles: &ProfileSet, auth: &AwsAuth) -> Result<EnvAuth, ProviderError> {
        Ok(match auth {
            AwsAuth::Profile { profile_name } => EnvAuth::Profile(profiles.resolve(profile_name)?),
            AwsAuth::AccessKeys { path } => EnvAuth::Stored(path.clone()),
            AwsAuth::General => EnvAuth::General,
            AwsAuth::Other(value) => {
                return Err(ProviderError::UnsupportedAuth {
                    setting: value.to_string(),
                });
            }
        })
    }

    /// What `init --yes` uses without `--providers`: the profile `named` names (the caller's setting:
    /// `AWS_PROFILE`, a settings file), else `default`, when it exists; else the environment's keys through
    /// the default chain, never copying them to disk.
    pub fn default_for(
        profiles: &ProfileSet,
        env: &Env,
        named: Option<NamedProfile>,
    ) -> Result<EnvAuth, ProviderError> {
        use amplify_creds::env::aws;
        let wanted = named.as_ref().map_or("default", |n| n.name.as_str());
        if profiles.get(wanted).is_some() {
            return Ok(EnvAuth::Profile(profiles.resolve(wanted)?));
        }
        if env.get(aws::ACCESS_KEY_ID).is_some() && env.get(aws::SECRET_ACCESS_KEY).is_some() {
            return Ok(EnvAuth::General);
        }
        Err(ProviderError::NoDefaultAuth {
            named,
            config: profiles.files().config.clone(),
            credentials: profiles.files().credentials.clone(),
        })
    }

    /// Records the choice: writes the keys file, if any, mode 0600 in `~/.amplify/awscloudformation`.
    pub fn commit(&self, home: &Path) -> Result<AwsAuth, ProviderError> {
        Ok(match self {
            EnvAuth::Profile(chain) => AwsAuth::Profile {
                profile_name: chain.profile.clone(),
            },
            EnvAuth::AccessKeys(keys) => AwsAuth::AccessKeys {
                path: keys.create(home)?,
            },
            EnvAuth::Stored(path) => AwsAuth::AccessKeys { path: path.clone() },
            EnvAuth::General => AwsAuth::General,
        })
    }

    /// The session of this method for the project rooted at `root` (which may not exist yet).
    pub fn session(
        &self,
        sessions: &Sessions,
        profiles: &ProfileSet,
        root: &Path,
        purpose: Purpose,
    ) -> Result<Session, ProviderError> {
        let project = || {
            ProjectKey::for_root(root).map_err(|source| ProviderError::Folder {
                path: root.to_path_buf(),
                source,
            })
        };
        Ok(match self {
            EnvAuth::Profile(chain) => {
                sessions.for_chain(profiles, chain.clone(), project()?, purpose)?
            }
            EnvAuth::AccessKeys(keys) => {
                sessions.for_keys(keys.credentials.clone(), keys.region.clone())
            }
            EnvAuth::Stored(path) => {
                let keys = AccessKeysFile::read(path)?;
                sessions.for_keys(keys.credentials, keys.region)
            }
            EnvAuth::General => sessions.default_chain(profiles, project()?, purpose)?,
        })
    }
}
