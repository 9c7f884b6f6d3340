//! Replacing a file all at once.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::error::FsError;

/// Who may read a file written by [`write_atomic`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A file anyone may read (project files): a new file gets 0666 less the umask, as an editor would
    /// create it; an existing file keeps its mode.
    Shared,
    /// Its owner only (keys, tokens, `~/.aws/credentials`): 0600, whatever the umask or the old mode.
    Private,
}

/// Writes `bytes` to `path` atomically: a temporary file next to it (`.<name>.<random>`), written, flushed
/// to disk and renamed over `path`; the folder is flushed too, so the rename survives a crash. The parent
/// folder must exist for [`Mode::Private`] (its permissions matter, see [`crate::ensure_private_dirs`]); for
/// [`Mode::Shared`] it is created.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), FsError> {
    let err = |source| FsError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bits = match mode {
        Mode::Private => 0o600,
        Mode::Shared => {
            fs_err::create_dir_all(dir).map_err(|source| FsError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
            fs_err::metadata(path)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o666)
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .permissions(std::fs::Permissions::from_mode(bits))
        .tempfile_in(dir)
        .map_err(err)?;
    if mode == Mode::Private {
        // The umask can only take bits away, but be exact: nothing for the group or others.
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(err)?;
    }
    temp.write_all(bytes).map_err(err)?;
    temp.as_file().sync_all().map_err(err)?;
    temp.persist(path).map_err(|e| err(e.error))?;
    // A folder that cannot be opened for syncing (some network file systems) still has the new file.
    if let Ok(dir) = fs_err::File::open(dir) {
        let _ = dir.sync_all();
    }
    tracing::debug!("wrote {}", path.display());
    Ok(())
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests may use std::fs
mod tests {
    use super::*;

    fn mode_of(path: &Path) -> u32 {
        fs_err::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_are_0600_even_when_they_were_open_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        fs_err::write(&path, "old").unwrap();
        fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&path, b"new", Mode::Private).unwrap();
        assert_eq!(fs_err::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode_of(&path), 0o600);
    }

    #[test]
    fn shared_files_keep_their_mode_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/project-config.json");
        write_atomic(&path, b"{}", Mode::Shared).unwrap();
        fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"{\"x\":1}", Mode::Shared).unwrap();
        assert_eq!(mode_of(&path), 0o640);
        let names: Vec<_> = fs_err::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["project-config.json"]);
    }
}
