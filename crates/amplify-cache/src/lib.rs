//! The temporary-credential cache at `~/.amplify/awscloudformation/cache.json`.
//!
//! The file is shared: the original Amplify CLI keeps its entries there as
//! `{"<role_arn>": {"<session name>": {...}}}`, and other tools may add theirs. This crate owns one
//! top-level key, `"amplify-rs"`, and never changes another: the whole file is read as JSON with its key
//! order kept, only our key is replaced, and the result is written back. Inside our key, entries are filed
//! per project (the canonical path of the project's root folder, see `docs/cache.md`) and then per chain
//! identity, so two projects using the same profile never share or delete each other's credentials.
//!
//! Writes take an exclusive lock on `cache.json.lock`, write a temporary file (mode 0600) in the same
//! 0700 folder, fsync it and rename it over `cache.json`, so a reader (which takes no lock) always sees a
//! whole file and a crash never leaves half of one. A file that is not JSON is a warning: it is moved aside
//! to `cache.json.corrupt-<unix seconds>` at the next write, never silently dropped.
//!
//! [`CredentialCache::lock_project`] is a second, per-project lock that a caller holds while it prompts
//! for an MFA code and calls STS, so parallel runs of one project prompt once.

mod error;
mod file;
mod project;

pub use error::{CacheError, CacheWarning};
pub use file::{CachedCredentials, CredentialCache, Lookup, ProjectLock, Removal};
pub use project::ProjectKey;
