//! Large files read whole into memory of their own, for a reader that keeps borrowed slices of them (the two
//! AWS files: [`read_whole_capped`]).
//!
//! Memory the process has not touched yet costs a page fault per 4 KiB page on first write: the kernel
//! allocates, zeroes and accounts each page. Reading the bench's 1.5 MB of profiles into fresh `Vec`s takes 360
//! of them, and on the virtual machines amplify-rs is measured on they cost more than the read itself
//! (docs/performance.md, "Reading the profile files"). Files that together have [`PAGES_FROM`] bytes or more
//! are therefore read one after the other into one anonymous mapping, advised to be backed by 2 MiB pages where
//! the system grants transparent huge pages on request (`madvise`, the default of most distributions): one fault
//! for up to 2 MiB, and one page's rounding for all the files. Where it does not, the mapping behaves as the
//! heap does. The mapping is private and anonymous, not a mapping of the files, so a program that truncates or
//! rewrites a file while it is read changes nothing here (a mapped file would raise `SIGBUS`, or change under
//! the slices). Where the kernel's huge-page defrag setting is `madvise` (as here), the first fault may compact
//! memory to find a 2 MiB page on a fragmented machine; `compact_stall` in `/proc/vmstat` stayed at 0 through
//! whole bench runs, with the AWS CLI's 300 MiB processes between ours.

use std::io::Read as _;
use std::ops::{Deref, Range};
use std::path::Path;
use std::sync::Arc;

use memmap2::MmapMut;

use crate::error::FsError;

/// Files that together have at least this many bytes share a mapping; smaller ones are read onto the heap,
/// where a huge page would be mostly empty.
pub(crate) const PAGES_FROM: u64 = 256 << 10;

/// A mapping is a whole number of these (the size of a huge page on x86-64 and arm64), so that the kernel
/// can place it at a huge page's boundary.
const HUGE_PAGE: usize = 2 << 20;

/// The bytes of a file read whole: a range of a buffer the files read together share.
#[derive(Clone)]
pub struct FileBytes {
    buffer: Arc<Buffer>,
    range: Range<usize>,
}

enum Buffer {
    Heap(Vec<u8>),
    Mapped(MmapMut),
}

impl Buffer {
    fn bytes(&self) -> &[u8] {
        match self {
            Buffer::Heap(bytes) => bytes,
            Buffer::Mapped(map) => map,
        }
    }
}

impl FileBytes {
    fn heap(bytes: Vec<u8>) -> Self {
        let range = 0..bytes.len();
        FileBytes {
            buffer: Arc::new(Buffer::Heap(bytes)),
            range,
        }
    }

    /// Whether the bytes are in a mapping of their own.
    #[cfg(test)]
    fn is_mapped(&self) -> bool {
        matches!(*self.buffer, Buffer::Mapped(_))
    }

    /// The bytes as text, or the line (counted from 1) of the first bytes that are not UTF-8.
    pub fn into_text(self) -> Result<FileText, usize> {
        Checked::try_new_or_recover(self, |b| std::str::from_utf8(b))
            .map(|checked| FileText(Arc::new(checked)))
            .map_err(|(bytes, e)| 1 + count(b'\n', &bytes[..e.valid_up_to()]))
    }
}

fn count(byte: u8, bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == byte).count()
}

impl Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.buffer.bytes()[self.range.clone()]
    }
}

impl std::fmt::Debug for FileBytes {
    /// The length only: the bytes may be a secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileBytes({} bytes)", self.len())
    }
}

type Str<'a> = &'a str;

self_cell::self_cell!(
    /// The bytes, and the same bytes checked once as UTF-8.
    struct Checked {
        owner: FileBytes,
        #[covariant]
        dependent: Str,
    }
);

/// A file's bytes known to be UTF-8 text; a `String` is one too. A clone shares the bytes.
#[derive(Clone)]
pub struct FileText(Arc<Checked>);

impl Deref for FileText {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.borrow_dependent()
    }
}

impl From<String> for FileText {
    fn from(text: String) -> Self {
        let bytes = FileBytes::heap(text.into_bytes());
        // A `String`'s bytes are UTF-8: the check cannot fail (and could only give "" if it did).
        let checked = Checked::new(bytes, |b| std::str::from_utf8(b).unwrap_or_default());
        FileText(Arc::new(checked))
    }
}

impl std::fmt::Debug for FileText {
    /// The length only: the text may hold a secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileText({} bytes)", self.len())
    }
}

/// What [`read_whole_capped`] gives for one file: its bytes, `None` if it does not exist, or its error.
pub type WholeFile = Result<Option<FileBytes>, FsError>;

/// [`crate::read_capped`] for files kept whole while slices of them are used, read together: for each file its
/// bytes (`None` if it does not exist) or its own error, so that the caller can report the first file's error
/// first, whatever the others hold. Files that together have [`PAGES_FROM`] bytes or more share one mapping
/// (see the module's documentation).
pub fn read_whole_capped<const N: usize>(paths: [&Path; N], limit: u64) -> [WholeFile; N] {
    let opened = paths.map(|path| crate::read::open_regular(path, limit));
    // Each file gets a byte more than its size: one that fills it grew since, and is read onto the heap.
    let room = |size: u64| {
        usize::try_from(size)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
    };
    let rooms: usize = (opened.iter())
        .filter_map(|file| file.as_ref().ok()?.as_ref())
        .map(|(_, size)| room(*size))
        .sum();
    let mapping = (rooms as u64 >= PAGES_FROM)
        .then(|| huge_mapping(rooms))
        .flatten();
    let files = paths.into_iter().zip(opened);
    let Some(mut map) = mapping else {
        let mut read = files.map(|(path, opened)| {
            let Some((file, size)) = opened? else {
                return Ok(None);
            };
            let bytes = Vec::with_capacity(room(size));
            let bytes = crate::read::read_rest(path, file.into_parts().0, bytes, limit)?;
            Ok(Some(FileBytes::heap(bytes)))
        });
        return std::array::from_fn(|_| read.next().unwrap_or(Ok(None)));
    };
    let mut at = 0;
    let read: Vec<Result<Option<Part>, FsError>> = files
        .map(|(path, opened)| {
            let Some((file, size)) = opened? else {
                return Ok(None);
            };
            let file = file.into_parts().0;
            let start = at;
            let slot = &mut map[start..start + room(size)];
            at += slot.len();
            let len = fill(path, &file, slot)?;
            if len < slot.len() {
                return Ok(Some(Ok(start..start + len)));
            }
            let bytes = crate::read::read_rest(path, file, slot.to_vec(), limit)?;
            Ok(Some(Err(bytes)))
        })
        .collect();
    let buffer = Arc::new(Buffer::Mapped(map));
    let mut read = read.into_iter().map(|file| {
        let part = |part| match part {
            Ok(range) => FileBytes {
                buffer: buffer.clone(),
                range,
            },
            Err(bytes) => FileBytes::heap(bytes),
        };
        file.map(|file| file.map(part))
    });
    std::array::from_fn(|_| read.next().unwrap_or(Ok(None)))
}

/// A file read while the mapping is being filled: its range there, or its bytes on the heap if it grew since
/// its size was taken.
type Part = Result<Range<usize>, Vec<u8>>;

/// Reads `file` into `slot` until the end of the file or of the slot; the number of bytes read.
fn fill(path: &Path, mut file: &std::fs::File, slot: &mut [u8]) -> Result<usize, FsError> {
    let mut len = 0;
    while len < slot.len() {
        match file.read(&mut slot[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(crate::read::read_error(path, e)),
        }
    }
    Ok(len)
}

/// An anonymous mapping of at least `size` bytes, a whole number of huge pages, advised to use them; `None` if
/// the system gives no mapping (the heap is used instead).
fn huge_mapping(size: usize) -> Option<MmapMut> {
    let len = size.div_ceil(HUGE_PAGE).checked_mul(HUGE_PAGE)?;
    let map = MmapMut::map_anon(len).ok()?;
    // Refused where transparent huge pages are off or unknown: the mapping then has ordinary pages.
    #[cfg(target_os = "linux")]
    let _ = map.advise(memmap2::Advice::HugePage);
    Some(map)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests may use std::fs
mod tests {
    use super::*;

    fn text_of(size: usize, seed: u8) -> String {
        (0..size)
            .map(|i| match i % 61 {
                60 => '\n',
                n => char::from(b'a' + (n as u8 + seed) % 26),
            })
            .collect()
    }

    /// Pairs of files at and around the sizes where the storage changes, each read back exactly, in its own
    /// range; a missing file is `None` beside the other.
    #[test]
    fn files_read_together_read_back_whole_whatever_their_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("config"), dir.path().join("credentials"));
        let threshold = usize::try_from(PAGES_FROM).unwrap();
        let sizes = [
            0,
            1,
            threshold / 2,
            threshold - 2,
            threshold,
            HUGE_PAGE,
            3 * HUGE_PAGE + 7,
        ];
        for first in sizes {
            for second in [0, 5, threshold / 2, HUGE_PAGE - 1] {
                let (text_a, text_b) = (text_of(first, 0), text_of(second, 7));
                std::fs::write(&a, &text_a).unwrap();
                std::fs::write(&b, &text_b).unwrap();
                let [read_a, read_b] = read_whole_capped([&*a, &*b], 64 << 20);
                let (read_a, read_b) = (read_a.unwrap().unwrap(), read_b.unwrap().unwrap());
                let shared = first + second + 2 >= threshold;
                assert_eq!(read_a.is_mapped(), shared, "{first} + {second}");
                assert_eq!(read_b.is_mapped(), shared, "{first} + {second}");
                assert_eq!(&*read_a.into_text().unwrap(), text_a.as_str());
                assert_eq!(&*read_b.into_text().unwrap(), text_b.as_str());
            }
        }
        std::fs::remove_file(&a).unwrap();
        let [none, some] = read_whole_capped([&*a, &*b], 64 << 20);
        assert!(none.unwrap().is_none());
        assert_eq!(some.unwrap().unwrap().len(), HUGE_PAGE - 1);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_found_on_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        let size = usize::try_from(PAGES_FROM).unwrap() + 10;
        let mut bytes = vec![b'a'; size];
        bytes[100] = b'\n';
        bytes[size - 5] = 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let [read] = read_whole_capped([&*path], 64 << 20);
        let read = read.unwrap().unwrap();
        assert!(read.is_mapped());
        assert_eq!(read.into_text().unwrap_err(), 2);
    }

    /// Each file gets its own outcome: a file too large, a device or a missing file beside one read whole.
    #[test]
    fn the_limits_hold_as_for_any_read_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let (large, small) = (dir.path().join("large"), dir.path().join("small"));
        std::fs::write(&large, vec![b'a'; 300 << 10]).unwrap();
        std::fs::write(&small, "[default]\n").unwrap();
        let [too_large, read] = read_whole_capped([&*large, &*small], 200 << 10);
        assert!(
            matches!(too_large, Err(FsError::TooLarge { .. })),
            "{too_large:?}"
        );
        assert_eq!(&*read.unwrap().unwrap(), b"[default]\n");
        let [read, device] = read_whole_capped([&*large, Path::new("/dev/zero")], 1 << 20);
        assert_eq!(read.unwrap().unwrap().len(), 300 << 10);
        assert!(
            matches!(device, Err(FsError::NotAFile { .. })),
            "{device:?}"
        );
        let [missing] = read_whole_capped([&*dir.path().join("nope")], 1 << 20);
        assert!(missing.unwrap().is_none());
    }

    #[test]
    fn debug_shows_the_length_not_the_bytes() {
        let text = FileText::from("aws_secret_access_key = s3cr3t".to_string());
        assert_eq!(format!("{text:?}"), "FileText(30 bytes)");
        assert_eq!(&*text.clone(), "aws_secret_access_key = s3cr3t");
    }
}
