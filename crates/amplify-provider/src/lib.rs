//! The awscloudformation provider, in the original's words: how an environment gets AWS credentials
//! ([`EnvAuth`], from `--providers`, a question, or `amplify/.config/local-aws-info.json`, turned into an
//! `amplify_sts::Session`), and the environment's state in its deployment bucket.

mod auth;
pub mod child;
mod error;
pub mod state;
mod target;

pub use auth::{EnvAuth, NamedProfile};
pub use child::{ChildEnv, SessionRequest};
pub use error::ProviderError;
pub use state::{DeploymentBucket, Pulled};
pub use target::{Target, TargetFlags};
