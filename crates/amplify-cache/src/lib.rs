//! The temporary-credential cache at `~/.amplify/awscloudformation/cache.json`.
//!
//! The file is shared: the original Amplify CLI keeps its entries there as
//! `{"<role_arn>": {"<session name>": {...}}}`, and other tools may add theirs. This crate owns one
//! top-level key, `"amplify-rs"`, and never changes another: a write splices the file's own text, replacing
//! only our key's value, so every other key keeps its exact bytes (numbers no parser could hold included).
//! Inside our key, entries are filed per project (the canonical path of the project's root folder, see
//! `docs/cache.md`) and then per chain identity, so two projects using the same profile never share or
//! delete each other's credentials.
//!
//! A lookup streams the file through a strict JSON scanner (`scan`) and keeps only the one project it
//! needs, so it costs about what reading the file costs, even with 100,000 projects. Writes take an
//! exclusive lock on `cache.json.lock` (with a time limit; its holder's pid is written in it), write a
//! temporary file (mode 0600) in the same 0700 folder, fsync it and rename it over `cache.json`, so a reader
//! (which takes no lock) always sees a whole file and a crash never leaves half of one. A file that is not
//! JSON is a warning: it is moved aside to `cache.json.corrupt-<unix seconds>` at the next write, never
//! silently dropped. Neither the file nor its lock files are ever used through a symbolic link.
//!
//! [`CredentialCache::lock_project`] is a second, per-project lock that a caller holds while it prompts
//! for an MFA code and calls STS, so parallel runs of one project prompt once.

mod edit;
mod error;
mod file;
mod lock;
mod lookup;
mod project;
mod scan;

pub use error::{CacheError, CacheWarning};
pub use file::{CachedCredentials, CredentialCache, FILE_LOCK_WAIT, Lookup, ProjectLock, Removal};
pub use project::ProjectKey;
pub use scan::{SyntaxError, validate_json};
