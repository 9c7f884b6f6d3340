//! Replacing a file all at once: a temporary file in the same folder, flushed to disk, renamed over the
//! old one. A reader sees the old file or the new one, never half of either.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use crate::error::ProjectError;

/// Writes `bytes` to `path` atomically, creating its folder. New files get mode 0666 less the umask, as
/// any editor would create them; an existing file keeps its mode.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ProjectError> {
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .ok();
    write_with_mode(path, bytes, mode.unwrap_or(0o666))
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<(), ProjectError> {
    let err = |source| ProjectError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir).map_err(err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(err)?;
    temp.write_all(bytes).map_err(err)?;
    temp.as_file().sync_all().map_err(err)?;
    temp.persist(path).map_err(|e| err(e.error))?;
    tracing::debug!("wrote {}", path.display());
    Ok(())
}

/// JSON as the original writes it: two-space indent, no newline at the end.
pub(crate) fn to_json_text(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("JSON values serialize")
}

pub fn write_json_atomic(path: &Path, value: &Value) -> Result<(), ProjectError> {
    write_atomic(path, to_json_text(value).as_bytes())
}

/// Bytes readable only by their owner (mode 0600 whatever the umask or the file's old mode): for files
/// that hold keys, such as `~/.aws/credentials`.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ProjectError> {
    write_with_mode(path, bytes, 0o600)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
        ProjectError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// JSON readable only by its owner (mode 0600 whatever the umask): for files that hold keys.
pub fn write_private_json(path: &Path, value: &Value) -> Result<(), ProjectError> {
    write_with_mode(path, to_json_text(value).as_bytes(), 0o600)?;
    // The umask can only remove bits, but a file that existed before keeps its mode through rename: make sure.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
        ProjectError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}
