//! The awscloudformation provider, in the original's words: how an environment gets AWS credentials
//! ([`EnvAuth`], from `--providers`, a question, or `amplify/.config/local-aws-info.json`, turned into an
//! `amplify_sts::Session`), and the environment's state in its deployment bucket.

mod auth;
mod error;
pub mod state;

pub use auth::EnvAuth;
pub use error::ProviderError;
pub use state::{DeploymentBucket, Pulled};
