//! Errors and warnings of the cache. A warning is something the user should know but that does not stop
//! the command: the cache is an optimisation, and credentials can always be obtained again.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error(transparent)]
    Fs(#[from] amplify_fs::FsError),
    #[error("cannot write the credential cache {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "another amplify-rs{} has been getting this project's credentials for {} s; gave up waiting",
        holder.map(|pid| format!(" (process {pid})")).unwrap_or_default(),
        waited.as_secs()
    )]
    LockTimeout {
        path: PathBuf,
        holder: Option<u32>,
        waited: std::time::Duration,
    },
    #[error(
        "another process{} has held the lock of the credential cache ({}) for {:.1} s; gave up waiting",
        holder.map(|pid| format!(" (process {pid})")).unwrap_or_default(),
        path.display(),
        waited.as_secs_f64()
    )]
    FileLockTimeout {
        path: PathBuf,
        holder: Option<u32>,
        waited: std::time::Duration,
    },
    #[error("cannot lock {}", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} is a symbolic link; amplify-rs reads and writes its credential cache only in files of its own",
        path.display()
    )]
    Symlink { path: PathBuf },
}

impl CacheError {
    pub fn hint(&self) -> String {
        if let CacheError::LockTimeout { holder, .. } = self {
            return match holder {
                Some(pid) => format!("answer the other process's MFA prompt, or stop it (kill {pid}), then run this again"),
                None => "answer the other amplify-rs process's MFA prompt, or stop it, then run this again".into(),
            };
        }
        let path = match self {
            CacheError::Fs(error) => return error.hint(),
            CacheError::FileLockTimeout {
                holder: Some(pid), ..
            } => {
                return format!(
                    "a write of the cache takes milliseconds: if process {pid} is stuck, stop it (kill {pid}), then run this again"
                );
            }
            CacheError::FileLockTimeout { path, .. } => {
                return format!(
                    "find the process that holds {} (fuser {}), stop it, then run this again",
                    path.display(),
                    path.display()
                );
            }
            CacheError::Symlink { path } => {
                return format!(
                    "remove the link (rm {}) and run this again: amplify-rs creates the file itself, and nothing was written through the link",
                    path.display()
                );
            }
            CacheError::Write { path, .. }
            | CacheError::Lock { path, .. }
            | CacheError::LockTimeout { path, .. } => path,
        };
        format!(
            "check the permissions of {} (it should belong to you, mode 0600 for files and 0700 for folders)",
            path.display()
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheWarning {
    /// The file is not a JSON object. Nothing is read from it; the next write moves it aside.
    Unreadable { path: PathBuf, reason: String },
    /// A write found the file unreadable and moved it aside before writing a new one.
    MovedAside {
        path: PathBuf,
        to: PathBuf,
        reason: String,
    },
    /// Our own section has an unexpected shape and was rebuilt; other programs' entries were kept.
    OwnSectionReset { path: PathBuf, reason: String },
}

impl fmt::Display for CacheWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheWarning::Unreadable { path, reason } => write!(
                f,
                "the credential cache {} is unreadable ({reason}); it is ignored and will be moved aside at the next write",
                path.display()
            ),
            CacheWarning::MovedAside { path, to, reason } => write!(
                f,
                "the credential cache {} was unreadable ({reason}); it was moved to {} and a new one was started",
                path.display(),
                to.display()
            ),
            CacheWarning::OwnSectionReset { path, reason } => {
                write!(
                    f,
                    "the \"amplify-rs\" entry of {} was reset ({reason}); other entries were kept",
                    path.display()
                )
            }
        }
    }
}
