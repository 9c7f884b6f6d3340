//! Folders that hold secrets, and lock files: made so that no other user can read, plant or swap what is in
//! them.

use std::fs::File;
use std::os::unix::fs::{
    DirBuilderExt as _, MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _,
};
use std::path::{Component, Path};

use crate::error::FsError;

/// Makes `base/relative` and every folder between them private to the user: a missing one is created with
/// mode 0700; an existing one must be a folder (not a symbolic link) owned by the user, and loses any
/// permission of the group and others. `base` itself (the home folder) is trusted and left as it is.
pub fn ensure_private_dirs(base: &Path, relative: &Path) -> Result<(), FsError> {
    let mut dir = base.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(name) => dir.push(name),
            Component::CurDir => continue,
            // Nothing amplify-rs keeps is outside the base.
            _ => {
                return Err(FsError::CreateDir {
                    path: base.join(relative),
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "not a folder below the home folder",
                    ),
                });
            }
        }
        make_private(&dir)?;
    }
    Ok(())
}

fn make_private(dir: &Path) -> Result<(), FsError> {
    let err = |source| FsError::CreateDir {
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(err(e)),
    }
    let meta = fs_err::symlink_metadata(dir).map_err(err)?;
    if meta.file_type().is_symlink() {
        return Err(FsError::Symlink {
            path: dir.to_path_buf(),
        });
    }
    if !meta.is_dir() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it exists and is not a folder",
        )));
    }
    if meta.uid() != rustix::process::getuid().as_raw() {
        return Err(FsError::NotOwned {
            path: dir.to_path_buf(),
            owner: meta.uid(),
        });
    }
    if meta.mode() & 0o077 != 0 {
        fs_err::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(err)?;
    }
    Ok(())
}

/// Opens (creating it 0600 if needed, never truncating) a lock file, refusing a symbolic link: a lock file
/// is written to (its holder's pid), and must not be a way to write into another file.
pub fn open_lock_file(path: &Path) -> Result<File, FsError> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
        .map_err(|source| {
            if source.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                FsError::Symlink {
                    path: path.to_path_buf(),
                }
            } else {
                FsError::Write {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests may use std::fs
mod tests {
    use super::*;

    #[test]
    fn missing_folders_are_made_0700_and_open_ones_are_closed() {
        let home = tempfile::tempdir().unwrap();
        fs_err::create_dir(home.path().join(".amplify")).unwrap();
        fs_err::set_permissions(
            home.path().join(".amplify"),
            std::fs::Permissions::from_mode(0o777),
        )
        .unwrap();
        ensure_private_dirs(home.path(), Path::new(".amplify/awscloudformation")).unwrap();
        for dir in [".amplify", ".amplify/awscloudformation"] {
            let mode = fs_err::metadata(home.path().join(dir)).unwrap().mode() & 0o777;
            assert_eq!(mode, 0o700, "{dir}");
        }
    }

    #[test]
    fn a_symlinked_folder_is_refused_and_left_alone() {
        let home = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        fs_err::set_permissions(elsewhere.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), home.path().join(".amplify")).unwrap();
        let error =
            ensure_private_dirs(home.path(), Path::new(".amplify/awscloudformation")).unwrap_err();
        assert!(matches!(error, FsError::Symlink { .. }), "{error}");
        let mode = fs_err::metadata(elsewhere.path()).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o755, "the link's target was not changed");
        assert!(!elsewhere.path().join("awscloudformation").exists());
    }

    #[test]
    fn a_symlinked_lock_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs_err::write(&target, "precious").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("x.lock")).unwrap();
        let error = open_lock_file(&dir.path().join("x.lock")).unwrap_err();
        assert!(matches!(error, FsError::Symlink { .. }), "{error}");
        assert_eq!(fs_err::read_to_string(&target).unwrap(), "precious");
    }
}
