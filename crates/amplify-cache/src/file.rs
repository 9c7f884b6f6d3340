//! Reading and writing `cache.json`: lock-free streamed lookups of an atomically replaced file, locked
//! read-modify-write for changes (splicing the file's own text, see `edit`), and the per-project lock held
//! while credentials are obtained. The file, its lock files and their folder are never reached through a
//! symbolic link.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use amplify_creds::{Credentials, Secret};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::edit::{self, Change};
use crate::error::{CacheError, CacheWarning};
use crate::lock::{self, Held, NotTaken};
use crate::lookup::{OwnFound, ProjectFinder};
use crate::project::ProjectKey;
use crate::scan::{self, ScanError};

/// Names of the temporary files a write renames over `cache.json`.
const TEMP_PREFIX: &str = ".cache.json.";
/// How much of the file a lookup holds at a time.
const READ_CHUNK: usize = 256 << 10;
/// How long a write waits for another process's write (which takes milliseconds) by default.
pub const FILE_LOCK_WAIT: Duration = Duration::from_secs(30);

/// Temporary credentials of one chain, as cached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedCredentials {
    /// The profile they were obtained for.
    pub profile: String,
    /// The role of the last hop; `None` for an MFA session.
    pub role_arn: Option<String>,
    /// The MFA device of an MFA session.
    pub mfa_serial: Option<String>,
    pub credentials: Credentials,
}

/// The result of a read: what was found, and what the user should be told.
#[derive(Debug, Default)]
pub struct Lookup {
    pub entry: Option<CachedCredentials>,
    pub warnings: Vec<CacheWarning>,
}

#[derive(Debug, Default)]
pub struct Removal {
    /// How many cached credentials of the project were removed.
    pub removed: usize,
    pub warnings: Vec<CacheWarning>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    profile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mfa_serial: Option<String>,
    access_key_id: String,
    #[serde(serialize_with = "expose")]
    secret_access_key: Secret,
    #[serde(serialize_with = "expose")]
    session_token: Secret,
    expiration: String,
}

/// The cache file and its locks.
#[derive(Clone, Debug)]
pub struct CredentialCache {
    path: PathBuf,
    /// The folder trusted as it is (the home folder): the folders from it down to the file's are kept
    /// private (see [`amplify_fs::ensure_private_dirs`]).
    trusted: PathBuf,
    /// How long a write waits for `cache.json.lock`.
    file_lock_wait: Duration,
}

/// Held while a project's credentials are being obtained; dropping it lets the next process in.
#[derive(Debug)]
pub struct ProjectLock {
    _held: Held,
}

impl CredentialCache {
    /// `HOME/.amplify/awscloudformation/cache.json`.
    pub fn in_home(home: &Path) -> Self {
        Self {
            path: home
                .join(".amplify")
                .join("awscloudformation")
                .join("cache.json"),
            trusted: home.to_path_buf(),
            file_lock_wait: FILE_LOCK_WAIT,
        }
    }

    /// A cache file elsewhere; its folder is kept private, its folder's parent is trusted.
    pub fn at(path: PathBuf) -> Self {
        let trusted = path
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        Self {
            path,
            trusted,
            file_lock_wait: FILE_LOCK_WAIT,
        }
    }

    /// How long a write waits for another process's write before it stops with
    /// [`CacheError::FileLockTimeout`] ([`FILE_LOCK_WAIT`] unless set).
    pub fn file_lock_wait(mut self, wait: Duration) -> Self {
        self.file_lock_wait = wait;
        self
    }

    /// Makes the folders from the trusted one down to `dir` private.
    fn ensure_private(&self, dir: &Path) -> Result<(), CacheError> {
        let relative = dir.strip_prefix(&self.trusted).unwrap_or(dir);
        Ok(amplify_fs::ensure_private_dirs(&self.trusted, relative)?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The credentials cached for `identity` in `project`, if they are still reusable at `now`. The file
    /// is streamed: only the project's own entries are kept and parsed.
    pub fn lookup(
        &self,
        project: &ProjectKey,
        identity: &str,
        now: OffsetDateTime,
    ) -> Result<Lookup, CacheError> {
        let mut warnings = Vec::new();
        let Some(file) = open_cache_file(&self.path)? else {
            return Ok(Lookup::default());
        };
        let mut finder = ProjectFinder::new(project.as_str());
        let capped = Capped {
            inner: file,
            left: amplify_fs::limits::CACHE_FILE,
        };
        let found = match scan::scan_reader(capped, READ_CHUNK, &mut finder) {
            Err(ScanError::Io(source)) => return Err(self.read_error(source)),
            Err(ScanError::Syntax(error)) => Err(edit::NotAnObject::Syntax(error)),
            Ok(()) if finder.root != Some(scan::Kind::Object) => Err(edit::NotAnObject::OtherValue),
            Ok(()) => Ok(finder.own),
        };
        let own = match found {
            Ok(own) => own,
            Err(reason) => {
                warnings.push(CacheWarning::Unreadable {
                    path: self.path.clone(),
                    reason: reason.to_string(),
                });
                None
            }
        };
        let entry = own
            .and_then(|own| self.usable(own, &mut warnings))
            .and_then(|entries| entry_in(&entries, identity))
            .filter(|cached| cached.credentials.is_reusable(now));
        Ok(Lookup { entry, warnings })
    }

    /// The project's entries as found, if our section has the expected shape (else a warning).
    fn usable(&self, own: OwnFound, warnings: &mut Vec<CacheWarning>) -> Option<Vec<u8>> {
        match edit::own_problem(own.kind, own.version.as_deref(), own.projects) {
            None => own.project,
            Some(reason) => {
                warnings.push(CacheWarning::OwnSectionReset {
                    path: self.path.clone(),
                    reason,
                });
                None
            }
        }
    }

    fn read_error(&self, source: std::io::Error) -> CacheError {
        if source.kind() == std::io::ErrorKind::FileTooLarge {
            return CacheError::Fs(amplify_fs::FsError::TooLarge {
                path: self.path.clone(),
                limit: amplify_fs::limits::CACHE_FILE,
            });
        }
        CacheError::Fs(amplify_fs::FsError::Read {
            path: self.path.clone(),
            source,
        })
    }

    /// Files temporary credentials under `project` and `identity`, and prunes this program's expired
    /// entries. Long-lived credentials (no session token or expiration) are never cached: there is nothing
    /// to gain, and the keys already live in the credentials file.
    pub fn store(
        &self,
        project: &ProjectKey,
        identity: &str,
        entry: &CachedCredentials,
        now: OffsetDateTime,
    ) -> Result<Vec<CacheWarning>, CacheError> {
        let Some(entry) = Entry::from_cached(entry) else {
            return Ok(Vec::new());
        };
        let entry = serde_json::to_string_pretty(&entry).expect("entries serialize");
        let change = Change::Store {
            project: project.as_str(),
            identity,
            entry: &entry,
            now,
        };
        self.update(&change).map(|(_, warnings)| warnings)
    }

    /// Removes every entry of `project`, and nothing else. When the project has none, the file is left
    /// as it is (not even rewritten).
    pub fn remove_project(&self, project: &ProjectKey) -> Result<Removal, CacheError> {
        if fs_err::symlink_metadata(&self.path).is_err() {
            return Ok(Removal::default());
        }
        let change = Change::Remove {
            project: project.as_str(),
        };
        let (removed, warnings) = self.update(&change)?;
        Ok(Removal { removed, warnings })
    }

    /// Takes the per-project lock, which a process holds while it obtains the project's credentials (MFA
    /// prompt and STS calls included). If another process holds it, `on_wait` is told that process's id and
    /// this one waits, up to `limit`. The kernel releases the lock of a process that dies, so a crashed
    /// holder never blocks anyone; only a live one (say, at an MFA prompt nobody answers) can, until `limit`.
    pub fn lock_project(
        &self,
        project: &ProjectKey,
        limit: Duration,
        on_wait: impl FnOnce(Option<u32>),
    ) -> Result<ProjectLock, CacheError> {
        let dir = self.dir().join("locks");
        self.ensure_private(&dir)?;
        let path = dir.join(format!("{}.lock", project.digest()));
        match lock::acquire(&path, limit, on_wait) {
            Ok(held) => Ok(ProjectLock { _held: held }),
            Err(NotTaken::TimedOut { holder }) => Err(CacheError::LockTimeout {
                path,
                holder,
                waited: limit,
            }),
            Err(NotTaken::Failed(error)) => Err(error),
        }
    }

    /// Takes `cache.json.lock`, within [`Self::file_lock_wait`].
    fn lock_file(&self) -> Result<Held, CacheError> {
        let path = self.path.with_extension("json.lock");
        match lock::acquire(&path, self.file_lock_wait, |_| {}) {
            Ok(held) => Ok(held),
            Err(NotTaken::TimedOut { holder }) => Err(CacheError::FileLockTimeout {
                path,
                holder,
                waited: self.file_lock_wait,
            }),
            Err(NotTaken::Failed(error)) => Err(error),
        }
    }

    /// Locked read-modify-write of our section: the file's text is spliced, so every other key keeps
    /// its exact text. Returns what the change removed.
    fn update(&self, change: &Change<'_>) -> Result<(usize, Vec<CacheWarning>), CacheError> {
        let dir = self.dir().to_path_buf();
        self.ensure_private(&dir)?;
        let lock = self.lock_file()?;
        // Temporary files are only made under this lock, so any found now were left by a writer that died.
        self.remove_orphaned_temp_files();
        let mut warnings = Vec::new();
        let mut text = self.read_whole()?.unwrap_or_default();
        let mut outline = None;
        if !text.is_empty() || self.path_exists() {
            match edit::outline(&text) {
                Ok(found) => outline = Some(found),
                Err(reason) => {
                    let to = self.move_aside()?;
                    warnings.push(CacheWarning::MovedAside {
                        path: self.path.clone(),
                        to,
                        reason: reason.to_string(),
                    });
                    text.clear();
                }
            }
        }
        let rewrite = edit::rewrite(&text, outline.as_ref(), change);
        if let Some(reason) = rewrite.reset {
            warnings.push(CacheWarning::OwnSectionReset {
                path: self.path.clone(),
                reason,
            });
        }
        if let Some(new_text) = rewrite.text {
            amplify_fs::write_atomic(&self.path, &new_text, amplify_fs::Mode::Private)?;
        }
        drop(lock);
        Ok((rewrite.removed, warnings))
    }

    fn path_exists(&self) -> bool {
        fs_err::symlink_metadata(&self.path).is_ok()
    }

    /// The whole file, for a write. `None` when it does not exist.
    fn read_whole(&self) -> Result<Option<Vec<u8>>, CacheError> {
        let Some(file) = open_cache_file(&self.path)? else {
            return Ok(None);
        };
        let len = file.metadata().map_or(0, |m| m.len());
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        let mut capped = Capped {
            inner: file,
            left: amplify_fs::limits::CACHE_FILE,
        };
        capped
            .read_to_end(&mut bytes)
            .map_err(|source| self.read_error(source))?;
        Ok(Some(bytes))
    }

    fn remove_orphaned_temp_files(&self) {
        let Ok(entries) = fs_err::read_dir(self.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs_err::remove_file(entry.path());
            }
        }
    }

    fn move_aside(&self) -> Result<PathBuf, CacheError> {
        let stamp = OffsetDateTime::now_utc().unix_timestamp();
        let mut to = self.path.with_extension(format!("json.corrupt-{stamp}"));
        let mut n = 1;
        while fs_err::symlink_metadata(&to).is_ok() {
            to = self
                .path
                .with_extension(format!("json.corrupt-{stamp}-{n}"));
            n += 1;
        }
        fs_err::rename(&self.path, &to).map_err(|source| CacheError::Write {
            path: self.path.clone(),
            source,
        })?;
        Ok(to)
    }
}

/// Opens `cache.json` for reading: `None` if it does not exist; a symbolic link, something other than a
/// regular file, or a file over the size limit is an error naming it. `O_NONBLOCK` keeps a FIFO planted
/// there from blocking the open.
fn open_cache_file(path: &Path) -> Result<Option<File>, CacheError> {
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            return Err(CacheError::Symlink {
                path: path.to_path_buf(),
            });
        }
        Err(source) => {
            return Err(CacheError::Fs(amplify_fs::FsError::Read {
                path: path.to_path_buf(),
                source,
            }));
        }
    };
    let meta = file
        .metadata()
        .map_err(|source| amplify_fs::FsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if !meta.is_file() {
        return Err(CacheError::Fs(amplify_fs::FsError::NotAFile {
            path: path.to_path_buf(),
        }));
    }
    if meta.len() > amplify_fs::limits::CACHE_FILE {
        return Err(CacheError::Fs(amplify_fs::FsError::TooLarge {
            path: path.to_path_buf(),
            limit: amplify_fs::limits::CACHE_FILE,
        }));
    }
    Ok(Some(file))
}

/// A reader that fails with `FileTooLarge` past `left` bytes: the file may grow after its size was checked.
struct Capped {
    inner: File,
    left: u64,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.left = self
            .left
            .checked_sub(read as u64)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::FileTooLarge))?;
        Ok(read)
    }
}

/// The entry filed under `identity` in a project's entries (the text of an object; the last duplicate
/// wins), if it has the shape of one.
fn entry_in(entries: &[u8], identity: &str) -> Option<CachedCredentials> {
    let entries: std::collections::HashMap<String, &RawValue> =
        serde_json::from_slice(entries).ok()?;
    let raw = entries.get(identity)?;
    serde_json::from_str::<Entry>(raw.get()).ok()?.into_cached()
}

impl Entry {
    fn from_cached(cached: &CachedCredentials) -> Option<Self> {
        let c = &cached.credentials;
        Some(Self {
            profile: cached.profile.clone(),
            role_arn: cached.role_arn.clone(),
            mfa_serial: cached.mfa_serial.clone(),
            access_key_id: c.access_key_id.clone(),
            secret_access_key: c.secret_access_key.clone(),
            session_token: c.session_token.clone()?,
            expiration: c.expiration?.format(&Rfc3339).ok()?,
        })
    }

    fn into_cached(self) -> Option<CachedCredentials> {
        let expiration = OffsetDateTime::parse(&self.expiration, &Rfc3339).ok()?;
        Some(CachedCredentials {
            profile: self.profile,
            role_arn: self.role_arn,
            mfa_serial: self.mfa_serial,
            credentials: Credentials {
                access_key_id: self.access_key_id,
                secret_access_key: self.secret_access_key,
                session_token: Some(self.session_token),
                expiration: Some(expiration),
            },
        })
    }
}

/// Writes a secret into the cache file: the one place the cache lets a secret leave [`Secret`].
fn expose<S: serde::Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}
