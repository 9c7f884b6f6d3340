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
    #[error("Failed to resolve AWS credentials with --yes flag.")]
    NoDefaultAuth {
        /// The profile a setting names, if one does.
        named: Option<crate::NamedProfile>,
        config: std::path::PathBuf,
        credentials: std::path::PathBuf,
    },
    #[error("Current environment cannot be determined.")]
    NotInProject,
    #[error("the environment {env} has no AWS setting in amplify/.config/local-aws-info.json")]
    NoSetting { env: String },
    #[error("this environment's AWS setting is not supported by amplify-rs: {setting}")]
    UnsupportedAuth { setting: String },
    #[error("{}", s3_failure(action, bucket, key, source))]
    S3 {
        bucket: String,
        key: String,
        action: &'static str,
        #[source]
        source: amplify_aws::AwsError,
    },
    #[error("cannot download s3://{bucket}/{key}")]
    Download {
        bucket: String,
        key: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("s3://{bucket}/{key} cannot be used: {problem}")]
    BadState {
        bucket: String,
        key: String,
        problem: String,
    },
    #[error(transparent)]
    Files(#[from] amplify_profile::LoadError),
    #[error(transparent)]
    Edit(#[from] amplify_profile::EditError),
    #[error("cannot resolve the folder {}", path.display())]
    Folder {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn s3_failure(action: &str, bucket: &str, key: &str, source: &amplify_aws::AwsError) -> String {
    if source.is_no_answer() {
        format!("cannot reach S3 to {action} s3://{bucket}/{key}")
    } else {
        format!("S3 refused to {action} s3://{bucket}/{key}: {source}")
    }
}

impl ProviderError {
    /// AWS refused or could not be reached (rather than a local file, profile or setting being wrong).
    pub fn is_aws(&self) -> bool {
        match self {
            ProviderError::S3 { .. } | ProviderError::Download { .. } => true,
            ProviderError::Sts(e) => !e.is_local(),
            _ => false,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ProviderError::Resolve(e) => Some(e.hint()),
            ProviderError::Project(e) => Some(e.hint()),
            ProviderError::Sts(e) => e.hint(),
            ProviderError::Files(e) => Some(e.hint()),
            ProviderError::Edit(e) => Some(e.hint()),
            ProviderError::NoDefaultAuth { named: Some(named), config, credentials } => Some(format!(
                "{} names the profile {}, which is not in {} or {}: fix the name, or pass --providers",
                named.named_by,
                named.name,
                config.display(),
                credentials.display()
            )),
            ProviderError::NoDefaultAuth { named: None, .. } => Some(
                "pass --providers '{\"awscloudformation\":{\"configLevel\":\"project\",\"useProfile\":true,\"profileName\":\"NAME\"}}', set AWS_PROFILE or init.default_profile (amplify-rs config set init.default_profile NAME), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
            ),
            ProviderError::NotInProject => Some(
                "Use 'amplify-rs init' in the root of your app directory to create a new environment. Or pass --project DIR, or --profile NAME.".into(),
            ),
            ProviderError::NoSetting { .. } => Some(
                "choose one with `amplify-rs configure project`, or `amplify-rs init` the environment here".into(),
            ),
            ProviderError::UnsupportedAuth { .. } => {
                Some("choose a profile with `amplify-rs configure project`".into())
            }
            ProviderError::S3 { source, bucket, .. } => Some(match source.code() {
                Some("NoSuchBucket") => format!(
                    "the deployment bucket {bucket} does not exist: the environment may have been deleted, or team-provider-info.json names another account's bucket"
                ),
                Some("NoSuchKey") => format!(
                    "the environment's state is missing from {bucket}: push the environment once with the original CLI (amplify push), or choose another environment"
                ),
                _ if source.is_access_denied() => format!(
                    "the role needs s3:GetObject, s3:PutObject, s3:ListBucketVersions and s3:DeleteObject on {bucket}; ask the account's owner to grant them"
                ),
                _ => return source.hint(amplify_aws::Service::S3),
            }),
            ProviderError::Download { .. } => {
                Some("check your network connection, then run the command again".into())
            }
            ProviderError::BadState { bucket, .. } => Some(format!(
                "the environment's state in {bucket} is damaged: push the environment again with the original CLI (amplify push), or restore the object from the bucket's versions"
            )),
            ProviderError::Folder { path, .. } => Some(format!(
                "check that {} exists and that you can read it",
                path.display()
            )),
        }
    }
}
