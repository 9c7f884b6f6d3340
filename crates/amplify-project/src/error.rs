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
    /// `--appId` names another app than the one the project records (the original's protection).
    #[error("Amplify appId mismatch.")]
    AppIdMismatch { recorded: String },
    /// A headless `init` in an existing project, without the environment's name.
    #[error("{}", match current {
        Some(current) => format!("Amplify project {project} is already initialized for environment {current}"),
        None => format!("Amplify project {project} has no environment chosen in this folder"),
    })]
    EnvNameNeeded {
        project: String,
        current: Option<String>,
        existing: Vec<String>,
    },
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
            ProjectError::AppIdMismatch { recorded } => format!(
                "You are currently working in the amplify project with Id {recorded}. If this is intentional, you may bypass this protection by setting the environment variable AMPLIFY_SKIP_APP_ID_MISMATCH_CHECK to true."
            ),
            ProjectError::EnvNameNeeded {
                current: Some(_), ..
            } => "To create a new environment run `amplify-rs init --amplify '{\"envName\":\"NAME\"}'` with the environment's name".to_string(),
            ProjectError::EnvNameNeeded { existing, .. } => format!(
                "choose one of {} with `amplify-rs init --amplify '{{\"envName\":\"NAME\"}}'`",
                if existing.is_empty() {
                    "a new name".to_string()
                } else {
                    existing.join(", ")
                }
            ),
        }
    }
}
