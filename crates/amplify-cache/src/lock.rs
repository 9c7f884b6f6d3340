//! The cache's two locks, both flock(2) on a file of their own opened without following a symbolic link
//! (`amplify_fs::open_lock_file`): `cache.json.lock`, held for the milliseconds of a write, and
//! `locks/<hash>.lock` per project, held while its credentials are obtained (an MFA prompt included).
//!
//! Each is taken with a time limit, and its holder writes its process id into it, so a process that waits
//! can say whom it waits for and, past the limit, stop with an error naming that process instead of hanging.
//! The kernel releases the lock of a process that dies; the id is cleared before a live one lets go.

use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::CacheError;

/// How often a waiting process tries the lock again.
const POLL: Duration = Duration::from_millis(25);

/// A lock this process holds; dropping it releases it.
#[derive(Debug)]
pub(crate) struct Held {
    file: File,
}

impl Drop for Held {
    fn drop(&mut self) {
        // Forget our pid before the lock goes (closing the file releases it), so no waiter names us later.
        let _ = self.file.set_len(0);
    }
}

/// Why a lock was not taken.
#[derive(Debug)]
pub(crate) enum NotTaken {
    /// Another process held it for the whole limit.
    TimedOut {
        holder: Option<u32>,
    },
    Failed(CacheError),
}

impl From<CacheError> for NotTaken {
    fn from(error: CacheError) -> Self {
        NotTaken::Failed(error)
    }
}

/// Takes the lock on `path`, waiting up to `limit` for another holder; `on_wait` is told that holder's
/// process id (when it wrote one and is alive) before the wait starts.
pub(crate) fn acquire(
    path: &Path,
    limit: Duration,
    on_wait: impl FnOnce(Option<u32>),
) -> Result<Held, NotTaken> {
    let file = open(path)?;
    let failed = |source| {
        NotTaken::Failed(CacheError::Lock {
            path: path.to_path_buf(),
            source,
        })
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::Error(source)) => return Err(failed(source)),
        Err(std::fs::TryLockError::WouldBlock) => {
            on_wait(holder(&file));
            let start = Instant::now();
            loop {
                std::thread::sleep(POLL.min(limit.saturating_sub(start.elapsed())));
                match file.try_lock() {
                    Ok(()) => break,
                    Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < limit => {}
                    Err(std::fs::TryLockError::WouldBlock) => {
                        return Err(NotTaken::TimedOut {
                            holder: holder(&file),
                        });
                    }
                    Err(std::fs::TryLockError::Error(source)) => return Err(failed(source)),
                }
            }
        }
    }
    // Who holds it, for the messages of those who wait. Best effort: the lock itself is what matters.
    let pid = std::process::id().to_string();
    let _ = file
        .set_len(0)
        .and_then(|()| file.write_all_at(pid.as_bytes(), 0));
    Ok(Held { file })
}

/// Opens a lock file, refusing a symbolic link with a message about a file, not a folder.
fn open(path: &Path) -> Result<File, CacheError> {
    amplify_fs::open_lock_file(path).map_err(|error| match error {
        amplify_fs::FsError::Symlink { path } => CacheError::Symlink { path },
        other => CacheError::Fs(other),
    })
}

/// The pid written in an open lock file, if that process is alive (pids are reused: a dead one says
/// nothing).
fn holder(file: &File) -> Option<u32> {
    let mut buf = [0; 16];
    let len = file.read_at(&mut buf, 0).ok()?;
    let pid: u32 = std::str::from_utf8(&buf[..len]).ok()?.trim().parse().ok()?;
    Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
}
