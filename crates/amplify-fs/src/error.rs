//! Errors of file access: each names the file, and [`FsError::hint`] says what the user can do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the folder {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is larger than {} MiB, more than such a file can hold", path.display(), limit >> 20)]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{} is not a regular file", path.display())]
    NotAFile { path: PathBuf },
    #[error("{} is a symbolic link, and amplify-rs keeps secrets there only in a folder of its own", path.display())]
    Symlink { path: PathBuf },
    #[error("{} belongs to another user (uid {owner})", path.display())]
    NotOwned { path: PathBuf, owner: u32 },
}

impl FsError {
    pub fn path(&self) -> &std::path::Path {
        match self {
            FsError::Read { path, .. }
            | FsError::Write { path, .. }
            | FsError::CreateDir { path, .. }
            | FsError::TooLarge { path, .. }
            | FsError::NotAFile { path }
            | FsError::Symlink { path }
            | FsError::NotOwned { path, .. } => path,
        }
    }

    pub fn hint(&self) -> String {
        let path = self.path().display();
        match self {
            FsError::Read { .. } | FsError::Write { .. } | FsError::CreateDir { .. } => {
                format!("check that {path} exists and that you can read and write it")
            }
            FsError::TooLarge { .. } => {
                format!("check what {path} holds: no file amplify-rs reads is this large")
            }
            FsError::NotAFile { .. } => {
                format!("{path} should be a file: move what is there out of the way")
            }
            FsError::Symlink { .. } => format!(
                "replace the link {path} by a folder of your own (mkdir -m 700), or remove it and let amplify-rs create it"
            ),
            FsError::NotOwned { .. } => format!(
                "someone else could read or replace what amplify-rs keeps in {path}: remove it (as its owner or root) and run the command again"
            ),
        }
    }
}
