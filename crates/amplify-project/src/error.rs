//! Errors about project files: each names the file and says what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not valid JSON: {message}", path.display())]
    Json { path: PathBuf, message: String },
    #[error("{} is not a valid project file: {problem}", path.display())]
    Invalid { path: PathBuf, problem: String },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} already exists but is not an Amplify project", path.display())]
    AmplifyDirInTheWay { path: PathBuf },
}

impl ProjectError {
    pub fn hint(&self) -> String {
        match self {
            ProjectError::Read { path, .. } | ProjectError::Write { path, .. } => {
                format!(
                    "check that {} exists and that you can read and write it",
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
