//! How an environment gets AWS credentials, from the moment it is chosen to the session that uses it. An
//! authentication choice stays pending until the project is written: access keys go to their file only
//! then, so a failed init leaves no keys behind.

use std::path::{Path, PathBuf};

use amplify_cache::ProjectKey;
use amplify_creds::Credentials;
use amplify_profile::ProfileChain;
use amplify_project::headless::AuthChoice;
use amplify_project::{AccessKeysFile, AwsAuth};
use amplify_sts::{Origin, Purpose, Session};
use anyhow::Context as _;

use crate::context::Ctx;
use crate::errors::UserError;

#[derive(Clone, Debug)]
pub enum PendingAuth {
    /// A profile, resolved: the picker's result travels as the chain.
    Profile(ProfileChain),
    AccessKeys(AccessKeysFile),
    /// An existing keys file of the project.
    Stored(PathBuf),
    General,
}

impl PendingAuth {
    /// `--providers`' choice; a profile is resolved now, before any question or AWS call.
    pub fn from_choice(ctx: &Ctx, choice: AuthChoice) -> anyhow::Result<PendingAuth> {
        Ok(match choice {
            AuthChoice::Profile(name) => PendingAuth::Profile(ctx.profiles()?.resolve(&name)?),
            AuthChoice::AccessKeys(keys) => PendingAuth::AccessKeys(keys),
            AuthChoice::General => PendingAuth::General,
        })
    }

    /// What `local-aws-info.json` records for an environment.
    pub fn from_stored(ctx: &Ctx, auth: &AwsAuth) -> anyhow::Result<PendingAuth> {
        Ok(match auth {
            AwsAuth::Profile { profile_name } => {
                PendingAuth::Profile(ctx.profiles()?.resolve(profile_name)?)
            }
            AwsAuth::AccessKeys { path } => PendingAuth::Stored(path.clone()),
            AwsAuth::General => PendingAuth::General,
            AwsAuth::Other(value) => {
                return Err(UserError::new(
                    format!(
                        "this environment's AWS setting is not supported by amplify-rs: {value}"
                    ),
                    "choose a profile with `amplify-rs configure project`",
                )
                .into());
            }
        })
    }

    /// Records the choice: writes the keys file, if any, mode 0600.
    pub fn commit(&self, home: &Path) -> anyhow::Result<AwsAuth> {
        Ok(match self {
            PendingAuth::Profile(chain) => AwsAuth::Profile {
                profile_name: chain.profile.clone(),
            },
            PendingAuth::AccessKeys(keys) => AwsAuth::AccessKeys {
                path: keys.create(home)?,
            },
            PendingAuth::Stored(path) => AwsAuth::AccessKeys { path: path.clone() },
            PendingAuth::General => AwsAuth::General,
        })
    }

    /// The session of this choice for the project rooted at `root` (which may not exist yet).
    pub fn session(&self, ctx: &Ctx, root: &Path, purpose: Purpose) -> anyhow::Result<Session> {
        let sessions = ctx.sessions()?;
        let project = || {
            ProjectKey::for_root(root)
                .with_context(|| format!("cannot resolve the folder {}", root.display()))
        };
        Ok(match self {
            PendingAuth::Profile(chain) => {
                sessions.for_chain(ctx.profiles()?, chain.clone(), project()?, purpose)?
            }
            PendingAuth::AccessKeys(keys) => {
                sessions.for_keys(keys.credentials.clone(), keys.region.clone())
            }
            PendingAuth::Stored(path) => {
                let keys = AccessKeysFile::read(path)?;
                sessions.for_keys(keys.credentials, keys.region)
            }
            PendingAuth::General => sessions.default_chain(ctx.profiles()?, project()?, purpose)?,
        })
    }

    /// The session, with credentials obtained now: any MFA prompt happens here, before a spinner starts.
    pub async fn obtain(
        &self,
        ctx: &Ctx,
        root: &Path,
        purpose: Purpose,
    ) -> anyhow::Result<(Session, Credentials)> {
        let session = self.session(ctx, root, purpose)?;
        let obtained = session.credentials().await?;
        let profile = session.profile().unwrap_or("(keys)");
        ctx.printer.debug(match obtained.origin {
            Origin::Cache => {
                format!("using the cached credentials of profile {profile} for this project")
            }
            Origin::Sts => {
                format!("obtained credentials for profile {profile} from STS and cached them")
            }
            Origin::Base => format!("using the credentials of profile {profile}"),
        });
        Ok((session, obtained.credentials))
    }
}
