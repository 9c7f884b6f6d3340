//! The files of an Amplify project, as the original Amplify CLI writes and reads them, so that projects move
//! freely between it and `amplify-rs`: `amplify/.config/{project-config,local-env-info,local-aws-info}.json`,
//! `amplify/team-provider-info.json`, both `amplify-meta.json`, `backend-config.json`, `tags.json`,
//! `cli.json`, the javascript frontend's `aws-exports.js` and `amplifyconfiguration.json`, the
//! `.gitignore` block, and Visual Studio Code's `files.exclude`.
//!
//! Keys this crate does not know (such as the original's `whyContinueWithGen1`) are kept as they are. Every
//! file is replaced atomically, and a new project appears all at once: its `amplify/` folder is built
//! under a temporary name and renamed into place last, so an interrupted `init` leaves no half-project.
//! Nothing here talks to AWS or to a terminal.

mod atomic;
mod auth;
pub mod cloud_backend;
mod editor;
mod error;
mod frontend;
mod gitignore;
pub mod headless;
mod names;
mod project;
pub mod vscode;

pub use auth::{AccessKeysFile, AwsAuth};
pub use cloud_backend::CloudBackend;
pub use editor::{EDITORS, Editor};
pub use error::ProjectError;
pub use frontend::{Framework, Frontend, JsConfig, displayable, guess_framework, suggested_type};
pub use gitignore::{GITIGNORE_ENTRIES, update_gitignore};
pub use names::{
    ENV_NAME_RULE, PROJECT_NAME_RULE, default_project_name, is_valid_env_name,
    is_valid_project_name, make_id,
};
/// The regions the original offers when keys are typed at its prompt, in its order.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "ca-central-1",
    "me-south-1",
    "sa-east-1",
];

pub use project::{
    DEFAULT_CLI_JSON, NewEnvironment, NewProject, Project, StackOutputs, default_tags,
    default_tags_text, find_root,
};
