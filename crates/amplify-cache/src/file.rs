//! Reading and writing `cache.json`: lock-free reads of an atomically replaced file, locked
//! read-modify-write for changes, and the per-project lock held while credentials are obtained.

use std::fs::File;
use std::io::Write as _;

use std::path::{Path, PathBuf};

use amplify_creds::{Credentials, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{CacheError, CacheWarning};
use crate::project::ProjectKey;

/// The top-level key this program owns in the shared file.
const OWN_KEY: &str = "amplify-rs";
const FORMAT_VERSION: u64 = 1;
/// Names of the temporary files a write renames over `cache.json`.
const TEMP_PREFIX: &str = ".cache.json.";

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

/// Our section of the file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct OwnSection {
    version: u64,
    /// Project key -> entry key -> entry.
    projects: Map<String, Value>,
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
}

/// Held while a project's credentials are being obtained; dropping it lets the next process in.
#[derive(Debug)]
pub struct ProjectLock {
    file: File,
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Forget our pid before the lock goes (closing the file releases it), so no waiter names us later.
        let _ = self.file.set_len(0);
    }
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
        }
    }

    /// A cache file elsewhere; its folder is kept private, its folder's parent is trusted.
    pub fn at(path: PathBuf) -> Self {
        let trusted = path
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        Self { path, trusted }
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

    /// The credentials cached for `identity` in `project`, if they are still reusable at `now`.
    pub fn lookup(
        &self,
        project: &ProjectKey,
        identity: &str,
        now: OffsetDateTime,
    ) -> Result<Lookup, CacheError> {
        let mut warnings = Vec::new();
        let Some(mut root) = self.read(&mut warnings)? else {
            return Ok(Lookup {
                entry: None,
                warnings,
            });
        };
        let own = own_section(&self.path, &mut root, &mut warnings);
        let entry = own
            .projects
            .get(project.as_str())
            .and_then(|entries| entries.get(identity))
            .and_then(|value| Entry::deserialize(value).ok())
            .and_then(Entry::into_cached)
            .filter(|cached| cached.credentials.is_reusable(now));
        Ok(Lookup { entry, warnings })
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
        let Some(value) =
            Entry::from_cached(entry).map(|e| serde_json::to_value(e).expect("entries serialize"))
        else {
            return Ok(Vec::new());
        };
        self.update(|own| {
            let entries = own
                .projects
                .entry(project.as_str())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entries.is_object() {
                *entries = Value::Object(Map::new());
            }
            entries
                .as_object_mut()
                .expect("just made an object")
                .insert(identity.into(), value);
            prune(own, now);
        })
        .map(|(_, warnings)| warnings)
    }

    /// Removes every entry of `project`, and nothing else.
    pub fn remove_project(&self, project: &ProjectKey) -> Result<Removal, CacheError> {
        if !self.path.exists() {
            return Ok(Removal::default());
        }
        let mut removed = 0;
        let (_, warnings) = self.update(|own| {
            if let Some(entries) = own.projects.shift_remove(project.as_str()) {
                removed = entries.as_object().map_or(0, Map::len);
            }
        })?;
        Ok(Removal { removed, warnings })
    }

    /// Takes the per-project lock, which a process holds while it obtains the project's credentials (MFA
    /// prompt and STS calls included). If another process holds it, `on_wait` is told that process's id and
    /// this one waits, up to `limit`. The kernel releases the lock of a process that dies, so a crashed
    /// holder never blocks anyone; only a live one (say, at an MFA prompt nobody answers) can, until `limit`.
    pub fn lock_project(
        &self,
        project: &ProjectKey,
        limit: std::time::Duration,
        on_wait: impl FnOnce(Option<u32>),
    ) -> Result<ProjectLock, CacheError> {
        let dir = self.dir().join("locks");
        self.ensure_private(&dir)?;
        let path = dir.join(format!("{}.lock", project.digest()));
        let mut file = open_lock_file(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = holder_pid(&path);
                on_wait(holder);
                let start = std::time::Instant::now();
                loop {
                    match file.try_lock() {
                        Ok(()) => break,
                        Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < limit => {
                            std::thread::sleep(std::time::Duration::from_millis(50));
                        }
                        Err(std::fs::TryLockError::WouldBlock) => {
                            return Err(CacheError::LockTimeout {
                                path,
                                holder,
                                waited: limit,
                            });
                        }
                        Err(std::fs::TryLockError::Error(source)) => {
                            return Err(CacheError::Lock { path, source });
                        }
                    }
                }
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(CacheError::Lock { path, source });
            }
        }
        // Who holds it, for the messages of those who wait. Best effort: the lock itself is what matters.
        let _ = file
            .set_len(0)
            .and_then(|()| write!(file, "{}", std::process::id()));
        Ok(ProjectLock { file })
    }

    /// Reads the whole file. `None` when it is missing or unreadable as JSON (with a warning).
    fn read(
        &self,
        warnings: &mut Vec<CacheWarning>,
    ) -> Result<Option<Map<String, Value>>, CacheError> {
        match parse_file(&self.path)? {
            Parsed::Missing => Ok(None),
            Parsed::Object(root) => Ok(Some(root)),
            Parsed::Corrupt(reason) => {
                warnings.push(CacheWarning::Unreadable {
                    path: self.path.clone(),
                    reason,
                });
                Ok(None)
            }
        }
    }

    /// Locked read-modify-write of our section; every other key of the file is written back as read.
    fn update<T>(
        &self,
        change: impl FnOnce(&mut OwnSection) -> T,
    ) -> Result<(T, Vec<CacheWarning>), CacheError> {
        let dir = self.dir().to_path_buf();
        self.ensure_private(&dir)?;
        let lock_path = self.path.with_extension("json.lock");
        let lock = open_lock_file(&lock_path)?;
        lock.lock().map_err(|source| CacheError::Lock {
            path: lock_path.clone(),
            source,
        })?;

        // Temporary files are only made under this lock, so any found now were left by a writer that died.
        self.remove_orphaned_temp_files();
        let mut warnings = Vec::new();
        let mut root = match parse_file(&self.path)? {
            Parsed::Missing => Map::new(),
            Parsed::Object(root) => root,
            Parsed::Corrupt(reason) => {
                let to = self.move_aside()?;
                warnings.push(CacheWarning::MovedAside {
                    path: self.path.clone(),
                    to,
                    reason,
                });
                Map::new()
            }
        };
        let mut own = own_section(&self.path, &mut root, &mut warnings);
        let result = change(&mut own);
        own.version = FORMAT_VERSION;
        root.insert(
            OWN_KEY.into(),
            serde_json::to_value(&own).expect("our section serializes"),
        );
        self.write_atomically(&Value::Object(root))?;
        drop(lock);
        Ok((result, warnings))
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
        while to.exists() {
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

    fn write_atomically(&self, root: &Value) -> Result<(), CacheError> {
        let mut text = serde_json::to_string_pretty(root).expect("JSON values serialize");
        text.push('\n');
        Ok(amplify_fs::write_atomic(
            &self.path,
            text.as_bytes(),
            amplify_fs::Mode::Private,
        )?)
    }
}

enum Parsed {
    Missing,
    Object(Map<String, Value>),
    Corrupt(String),
}

fn parse_file(path: &Path) -> Result<Parsed, CacheError> {
    let Some(bytes) = amplify_fs::read_capped(path, amplify_fs::limits::CACHE_FILE)? else {
        return Ok(Parsed::Missing);
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Parsed::Corrupt("the file is empty".into()));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(root)) => Ok(Parsed::Object(root)),
        Ok(_) => Ok(Parsed::Corrupt("it is JSON but not an object".into())),
        // serde_json's message names the line and column, never the content.
        Err(e) => Ok(Parsed::Corrupt(format!("not JSON: {e}"))),
    }
}

/// Takes our section out of the file's root (no copy: a cache of thousands of projects is read on every
/// command), leaving the other programs' keys in place.
fn own_section(
    path: &Path,
    root: &mut Map<String, Value>,
    warnings: &mut Vec<CacheWarning>,
) -> OwnSection {
    match root.shift_remove(OWN_KEY) {
        None => OwnSection::default(),
        Some(value) => match serde_json::from_value::<OwnSection>(value) {
            Ok(own) if own.version == FORMAT_VERSION => own,
            Ok(own) => {
                warnings.push(CacheWarning::OwnSectionReset {
                    path: path.to_path_buf(),
                    reason: format!("format version {} is not {FORMAT_VERSION}", own.version),
                });
                OwnSection::default()
            }
            Err(e) => {
                warnings.push(CacheWarning::OwnSectionReset {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                });
                OwnSection::default()
            }
        },
    }
}

/// Drops this program's entries that can no longer be reused, and projects left empty.
fn prune(own: &mut OwnSection, now: OffsetDateTime) {
    for entries in own.projects.values_mut() {
        if let Some(map) = entries.as_object_mut() {
            map.retain(|_, value| {
                Entry::deserialize(&*value)
                    .ok()
                    .and_then(Entry::into_cached)
                    .is_some_and(|cached| {
                        cached
                            .credentials
                            .remaining(now)
                            .is_some_and(|left| left.is_positive())
                    })
            });
        }
    }
    own.projects
        .retain(|_, entries| entries.as_object().is_some_and(|m| !m.is_empty()));
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

/// The pid written in a lock file, if that process is alive (pids are reused: a dead one says nothing).
fn holder_pid(path: &Path) -> Option<u32> {
    let pid: u32 = fs_err::read_to_string(path).ok()?.trim().parse().ok()?;
    Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
}

fn open_lock_file(path: &Path) -> Result<File, CacheError> {
    Ok(amplify_fs::open_lock_file(path)?)
}
