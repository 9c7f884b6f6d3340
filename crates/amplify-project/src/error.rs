//! Errors about project files: each names the file and says what to do.

use std::path::PathBuf;

use amplify_fs::FsError;

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("cannot read {}: it does not exist", path.display())]
    Missing { path: PathBuf },
    #[error("{} is not valid JSON: {message}", path.display())]
    Json { path: PathBuf, message: String },
    #[error("{} is not a valid project file: {problem}", path.display())]
    Invalid { path: PathBuf, problem: String },
    #[error("{} already exists but is not an Amplify project", path.display())]
    AmplifyDirInTheWay { path: PathBuf },
}

impl ProjectError {
    pub fn hint(&self) -> String {
        match self {
            ProjectError::Fs(error) => error.hint(),
            ProjectError::Missing { path } => {
                format!(
                    "restore {} from version control, or run amplify-rs init again",
                    path.display()
                )
            }
            ProjectError::Json { path, .. } | ProjectError::Invalid { path, .. } => {
                format!(
                    "fix {} by hand, or restore it from version control",
                    path.display()
                )
            }
            ProjectError::AmplifyDirInTheWay { path } => {
                format!(
                    "move {} out of the way, then run the command again",
                    path.display()
                )
            }
        }
    }
}
