//! The key that files a project's cached credentials: the canonical absolute path of the project's root
//! folder (symbolic links resolved), so the same project reached by two paths shares its entries and two
//! projects never do. A moved project gets a new key; its old entries expire and are pruned.

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProjectKey(String);

impl ProjectKey {
    /// The key of the project rooted at `root`, which must exist.
    pub fn for_root(root: &Path) -> std::io::Result<Self> {
        let canonical = fs_err::canonicalize(root)?;
        Ok(Self::from_canonical(&canonical))
    }

    /// The key of an already canonical path (for tests and for roots recorded in project files).
    pub fn from_canonical(path: &Path) -> Self {
        Self(path.to_string_lossy().into_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn path(&self) -> PathBuf {
        PathBuf::from(&self.0)
    }

    /// A short file-name-safe digest, for the per-project lock file.
    pub(crate) fn digest(&self) -> String {
        hex16(&self.0)
    }
}

impl fmt::Display for ProjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The first 16 hex digits of the SHA-256 of `text`.
pub(crate) fn hex16(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests may use std::fs
mod tests {
    use super::*;

    #[test]
    fn symlinked_paths_share_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("myapp");
        std::fs::create_dir(&real).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(
            ProjectKey::for_root(&real).unwrap(),
            ProjectKey::for_root(&link).unwrap()
        );
        assert_ne!(
            ProjectKey::for_root(&real).unwrap(),
            ProjectKey::for_root(dir.path()).unwrap()
        );
    }
}
