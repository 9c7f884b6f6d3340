//! Every file amplify-rs writes or reads on the user's behalf goes through here, so each safety rule is
//! written once:
//!
//! - [`write_atomic`] replaces a file all at once (a temporary file in the same folder, flushed to disk and
//!   renamed over the old one): a reader sees the old file or the new one, never half of either, and a crash
//!   leaves no half-written file. [`Mode::Private`] files (keys, tokens) are 0600 whatever the umask.
//! - [`read_capped`] reads a file only if it is a regular file no larger than a limit: a project file that
//!   points at `/dev/zero`, or a cache grown to gigabytes, is an error naming the file and the limit, not an
//!   endless read. [`read_whole_capped`] does the same for files a reader keeps whole while it uses slices of
//!   them (the AWS files), reading large ones into one mapping of their own that huge pages can back.
//! - [`ensure_private_dirs`] makes the folders that hold secrets (`~/.amplify/awscloudformation`): each
//!   missing folder is created 0700, and one that exists must be a real folder (not a symbolic link) of the
//!   user's own; a folder others can change is refused with what to do.
//! - [`open_lock_file`] opens a lock file without following a symbolic link.

mod error;
mod private;
mod read;
mod whole;
mod write;

pub use error::FsError;
pub use private::{ensure_private_dirs, open_lock_file};
pub use read::{read_capped, read_to_string_capped};
pub use whole::{FileBytes, FileText, WholeFile, read_whole_capped};
pub use write::{Mode, write_atomic};

/// Size limits of the files amplify-rs reads: far above any real file, far below what would hurt.
pub mod limits {
    /// `~/.aws/config` and `~/.aws/credentials` (100,000 profiles are about 15 MB).
    pub const AWS_FILE: u64 = 256 << 20;
    /// `cache.json`.
    pub const CACHE_FILE: u64 = 256 << 20;
    /// A project's JSON files, `package.json`, `.gitignore`, `aws-exports.js`, a keys file.
    pub const PROJECT_FILE: u64 = 16 << 20;
}
