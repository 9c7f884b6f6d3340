//! Errors of the provider: each names the environment, file or bucket involved and what to do.

use amplify_profile::ResolveError;
use amplify_project::ProjectError;
use amplify_sts::StsError;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Sts(#[from] StsError),
    #[error("this environment's AWS setting is not supported by amplify-rs: {setting}")]
    UnsupportedAuth { setting: String },
    #[error("cannot resolve the folder {}", path.display())]
    Folder {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ProviderError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ProviderError::Resolve(e) => Some(e.hint()),
            ProviderError::Project(e) => Some(e.hint()),
            ProviderError::Sts(e) => e.hint(),
            ProviderError::UnsupportedAuth { .. } => {
                Some("choose a profile with `amplify-rs configure project`".into())
            }
            ProviderError::Folder { path, .. } => Some(format!(
                "check that {} exists and that you can read it",
                path.display()
            )),
        }
    }
}
