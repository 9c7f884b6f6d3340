//! Reading a file no larger than a limit, and only if it is a regular file.

use std::io::Read as _;
use std::path::Path;

use crate::error::FsError;

/// The bytes of `path`, `None` if it does not exist. A file over `limit` bytes, or something that is not a
/// regular file (a device, a pipe, a folder), is an error naming it: such a read could go on forever.
pub fn read_capped(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, FsError> {
    let Some((file, size)) = open_regular(path, limit)? else {
        return Ok(None);
    };
    let bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    read_rest(path, file.into_parts().0, bytes, limit).map(Some)
}

/// `path` opened, with its size, if it is a regular file no larger than `limit`; `None` if it does not exist.
pub(crate) fn open_regular(
    path: &Path,
    limit: u64,
) -> Result<Option<(fs_err::File, u64)>, FsError> {
    let file = match fs_err::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_error(path, e)),
    };
    let meta = file.metadata().map_err(|e| read_error(path, e))?;
    if !meta.is_file() {
        return Err(FsError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > limit {
        return Err(too_large(path, limit));
    }
    Ok(Some((file, meta.len())))
}

/// The rest of `file` appended to `bytes`, up to `limit` bytes in all. The `std` file, not `fs_err`'s wrapper,
/// so that the read goes straight into the vector's spare room instead of zeroing it first.
pub(crate) fn read_rest(
    path: &Path,
    file: std::fs::File,
    mut bytes: Vec<u8>,
    limit: u64,
) -> Result<Vec<u8>, FsError> {
    // The file may grow between the size check and the read.
    let left = (limit + 1).saturating_sub(bytes.len() as u64);
    file.take(left)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit));
    }
    Ok(bytes)
}

pub(crate) fn read_error(path: &Path, source: std::io::Error) -> FsError {
    FsError::Read {
        path: path.to_path_buf(),
        source,
    }
}

fn too_large(path: &Path, limit: u64) -> FsError {
    FsError::TooLarge {
        path: path.to_path_buf(),
        limit,
    }
}

/// [`read_capped`] for text files; bytes that are not UTF-8 are an error naming the file.
pub fn read_to_string_capped(path: &Path, limit: u64) -> Result<Option<String>, FsError> {
    read_capped(path, limit)?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| FsError::Read {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "it is not UTF-8 text",
                ),
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_none_and_large_or_special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_capped(&dir.path().join("nope"), 10).unwrap().is_none());
        let path = dir.path().join("f");
        fs_err::write(&path, "0123456789").unwrap();
        assert_eq!(read_capped(&path, 10).unwrap().unwrap().len(), 10);
        let too_large = read_capped(&path, 9).unwrap_err();
        assert!(
            matches!(too_large, FsError::TooLarge { limit: 9, .. }),
            "{too_large}"
        );
        let device = read_capped(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(matches!(device, FsError::NotAFile { .. }), "{device}");
        assert!(matches!(
            read_capped(dir.path(), 10).unwrap_err(),
            FsError::NotAFile { .. }
        ));
    }
}
