//! Which session a command that is not `init` wants: the environment of the project holding a folder (its
//! current one, or another by name), or a profile asked for by name, inside or outside a project.

use std::path::{Path, PathBuf};

use amplify_profile::ProfileSet;
use amplify_project::{Project, find_root};

use crate::auth::EnvAuth;
use crate::error::ProviderError;

/// What was asked for: `--project`, `--env`, `--profile`.
#[derive(Clone, Debug, Default)]
pub struct TargetFlags {
    pub project: Option<PathBuf>,
    pub env: Option<String>,
    pub profile: Option<String>,
}

/// What a session is for.
#[derive(Debug)]
pub struct Target {
    /// The project's root; the home folder for a profile outside a project (its cache entries go there).
    pub root: PathBuf,
    pub in_project: bool,
    pub env: Option<String>,
    /// The profile, when the session comes from one.
    pub profile: Option<String>,
    /// The profile was asked for by name (not the environment's setting).
    pub by_profile_flag: bool,
    pub auth: EnvAuth,
}

impl Target {
    /// The target of `flags`, run in `cwd`.
    pub fn resolve(
        flags: &TargetFlags,
        cwd: &Path,
        home: &Path,
        profiles: &ProfileSet,
    ) -> Result<Target, ProviderError> {
        let start = flags
            .project
            .as_ref()
            .map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
        let root = find_root(&start);
        if let Some(profile) = &flags.profile {
            return Ok(Target {
                in_project: root.is_some(),
                root: root.unwrap_or_else(|| home.to_path_buf()),
                env: flags.env.clone(),
                profile: Some(profile.clone()),
                by_profile_flag: true,
                auth: EnvAuth::Profile(profiles.resolve(profile)?),
            });
        }
        let root = root.ok_or(ProviderError::NotInProject)?;
        let project = Project::load(&root)?;
        let env = match &flags.env {
            Some(env) => env.clone(),
            None => project.env_name()?.to_string(),
        };
        let stored = project
            .auth(&env)?
            .ok_or_else(|| ProviderError::NoSetting { env: env.clone() })?;
        Ok(Target {
            profile: stored.profile_name().map(str::to_string),
            auth: EnvAuth::from_stored(profiles, &stored)?,
            root,
            in_project: true,
            env: Some(env),
            by_profile_flag: false,
        })
    }
}

/// "environment dev", "profile bizcorprole": whose session it is, in a sentence.
impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.env, &self.profile) {
            (Some(env), _) => write!(f, "environment {env}"),
            (None, Some(profile)) => write!(f, "profile {profile}"),
            (None, None) => f.write_str("the project"),
        }
    }
}
