//! The one pass over a shared file: every line read once, with the rules of [`crate::parse`], into an index of
//! its sections (header, line, and the byte range of its keys) that borrows nothing and copies no value. A file
//! of 100,000 profiles is checked whole (botocore refuses the file for one duplicate key anywhere), but only
//! the sections a caller asks for are read again into keys and values ([`FileIndex::own_properties`]), so
//! resolving one profile costs the pass and that profile, not a tree of every profile.
//!
//! The same reader, told to keep every key, is [`crate::parse::parse`]: there is one implementation of the
//! rules. The values STS will refuse are noted during the pass ([`Candidate`]); [`crate::ProfileSet`] decides
//! which of them a profile really uses.
//!
//! A large file can be read in two parts at once, cut at a header written at the start of a line
//! ([`split_point`]): such a line ends whatever the reader was doing, so the second part, read by a fresh
//! reader on another thread ([`Tail`]), gives what the one reader would have. The test
//! `a_file_read_in_two_parts_reads_as_one` holds the two readings equal at every cut `split_point` offers in
//! 300 varied files.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher as _;
use std::path::Path;
use std::sync::Arc;

use foldhash::fast::RandomState as FastHash;
use hashbrown::HashTable;

use amplify_fs::FileText;

use crate::error::{ParseError, ParseErrorKind};
use crate::location::Location;
use crate::parse::{
    DEFAULT_SECTION, RawProperty, Value, is_py_space, nested, nested_lines, py_strip, py_strip_end,
    section_header,
};

/// Lines as Python's universal newlines split them (`\r\n`, `\n` and a lone `\r` each end one), each with
/// its number, and the byte offsets where it and the next line start.
struct Lines<'t> {
    text: &'t str,
    at: usize,
    number: usize,
    /// Whether a `\r` is left to find: most files have none, and one byte is found faster than either of two.
    carriage: bool,
}

impl<'t> Lines<'t> {
    /// The lines of `text` from byte `at`, the first numbered `number + 1`.
    fn new(text: &'t str, at: usize, number: usize) -> Self {
        let carriage = memchr::memchr(b'\r', &text.as_bytes()[at.min(text.len())..]).is_some();
        Lines {
            text,
            at,
            number,
            carriage,
        }
    }
}

/// The first `\n` of `bytes`: in the first 64 bytes, eight at a time in a word (most lines are that short,
/// and a vector search costs more to start than this takes), then with `memchr`.
#[inline]
fn newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let mut at = 0;
    for word in bytes.chunks_exact(8).take(8) {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let x = word ^ NEWLINES;
        // A high bit for each byte that was `\n` (the lowest one is always exact: a borrow only runs up).
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    memchr::memchr(b'\n', &bytes[at..]).map(|i| at + i)
}

/// One line of [`Lines`].
struct Line<'t> {
    number: usize,
    text: &'t str,
    start: usize,
    next: usize,
}

impl<'t> Iterator for Lines<'t> {
    type Item = Line<'t>;

    fn next(&mut self) -> Option<Line<'t>> {
        let rest = self
            .text
            .as_bytes()
            .get(self.at..)
            .filter(|r| !r.is_empty())?;
        let end = if self.carriage {
            memchr::memchr2(b'\n', b'\r', rest)
        } else {
            newline(rest)
        };
        let end = end.unwrap_or(rest.len());
        let skip = if rest[end..].starts_with(b"\r\n") {
            2
        } else {
            usize::from(end < rest.len())
        };
        let start = self.at;
        self.at = start + end + skip;
        self.number += 1;
        Some(Line {
            number: self.number,
            text: &self.text[start..start + end],
            start,
            next: self.at,
        })
    }
}

/// A section of the index: offsets into the file's text, small enough that a million of them fit in 24 MB.
#[derive(Clone, Copy, Debug)]
struct SectionSpan {
    header_start: u32,
    header_end: u32,
    line: u32,
    /// The header line's indentation, where a reading of its keys starts.
    indent: u32,
    body_start: u32,
    body_end: u32,
}

/// A value botocore sends as written and STS will refuse, found during the pass; a warning if the profile it
/// belongs to uses it. `section` is `None` for `[DEFAULT]`.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub section: Option<usize>,
    pub key: String,
    pub line: usize,
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Defaults,
    Section(usize),
}

/// A value being read: the text on the key's line, then the lines that continue it (blank ones as `""`,
/// in [`Reader::extra`]).
struct Pending<'t> {
    target: Target,
    key: Cow<'t, str>,
    line: usize,
    first: &'t str,
}

/// An error found on a line: its number and kind.
type LineError = (usize, ParseErrorKind);

/// The bytes a section is expected to take (a header and a few keys: the bench's profiles take about 100), to
/// reserve the index's room at once; a file of smaller sections grows the index as it goes.
const SECTION_BYTES: usize = 64;

/// A section holding more keys than this checks duplicates with a map instead of a scan.
const SCAN_KEYS: usize = 16;

/// The state of the pass between two lines.
struct Reader<'t> {
    text: &'t str,
    /// Check duplicates, record sections and note candidates (the first pass); off when a section already
    /// checked is read again.
    validate: bool,
    /// Keep every key and value, with its section.
    collect: bool,
    /// Check that no header repeats; [`crate::ProfileSet`] does it with its own index instead (one table
    /// of a million entries fewer), through [`FileIndex::read`]'s `unchecked` sections.
    check_sections: bool,
    current: Option<Target>,
    pending: Option<Pending<'t>>,
    extra: Vec<(&'t str, usize)>,
    indent_level: usize,
    sections: Vec<SectionSpan>,
    /// The section whose keys are still being read, for the end of its byte range.
    open: Option<usize>,
    collected: Vec<Kept<'t>>,
    /// The section of each of `collected`, when the whole file is kept (not for one section read again).
    collected_in: Vec<usize>,
    defaults: Vec<(RawProperty, Option<ParseErrorKind>)>,
    candidates: Vec<Candidate>,
    section_keys: Vec<(Cow<'t, str>, usize)>,
    section_key_map: HashMap<Cow<'t, str>, usize, FastHash>,
    /// The sections so far by header (their positions in `sections`), for the duplicate check.
    seen_sections: HashTable<u32>,
    hasher: FastHash,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str, validate: bool, collect: bool) -> Self {
        Reader {
            text,
            validate,
            collect,
            check_sections: validate && collect,
            current: None,
            pending: None,
            extra: Vec::new(),
            indent_level: 0,
            sections: Vec::new(),
            open: None,
            collected: Vec::new(),
            collected_in: Vec::new(),
            defaults: Vec::new(),
            candidates: Vec::new(),
            section_keys: Vec::new(),
            section_key_map: HashMap::default(),
            seen_sections: HashTable::new(),
            hasher: FastHash::default(),
        }
    }

    fn run(&mut self, lines: Lines<'t>) -> Result<(), LineError> {
        // The end of the lines read: the file's, or where the next part of it starts.
        let end = lines.text.len();
        for line in lines {
            self.line(&line)?;
        }
        self.finish()?;
        if let Some(open) = self.open.take() {
            self.sections[open].body_end = offset(end);
        }
        Ok(())
    }

    fn line(&mut self, line: &Line<'t>) -> Result<(), LineError> {
        let raw = line.text;
        let stripped = py_strip(raw);
        let is_comment = matches!(stripped.as_bytes().first(), Some(b'#' | b';'));
        if stripped.is_empty() || is_comment {
            // An empty line inside a value is kept (configparser's `empty_lines_in_values`); a comment is not.
            if !is_comment && self.pending.is_some() {
                self.extra.push(("", line.number));
            }
            return Ok(());
        }
        let indent = indentation(raw);
        if self.pending.is_some() && indent > self.indent_level {
            self.extra.push((stripped, line.number));
            return Ok(());
        }
        self.indent_level = indent;
        match section_header(stripped) {
            Some(header) => {
                self.finish()?;
                self.header(line, header, indent)
            }
            None => self.key_line(line.number, stripped),
        }
    }

    fn header(&mut self, line: &Line<'t>, header: &'t str, indent: usize) -> Result<(), LineError> {
        if let Some(open) = self.open.take() {
            self.sections[open].body_end = offset(line.start);
        }
        self.section_keys.clear();
        self.section_key_map.clear();
        if header == DEFAULT_SECTION {
            self.current = Some(Target::Defaults);
            return Ok(());
        }
        // Only a whole parse checks repeated headers here; the first pass of a `ProfileSet` leaves that to
        // the profiles' own index, so it hashes nothing a section.
        let hash = self.check_sections.then(|| self.hasher.hash_one(header));
        let same = |&i: &u32| self.header_of(i as usize) == header;
        if let Some(&first) = hash.and_then(|hash| self.seen_sections.find(hash, same)) {
            let first_line = self.sections[first as usize].line as usize;
            return Err((line.number, duplicate(header, first_line)));
        }
        let header_start = header.as_ptr() as usize - self.text.as_ptr() as usize;
        self.sections.push(SectionSpan {
            header_start: offset(header_start),
            header_end: offset(header_start + header.len()),
            line: offset(line.number),
            indent: offset(indent),
            body_start: offset(line.next),
            body_end: offset(line.next),
        });
        let at = self.sections.len() - 1;
        if let Some(hash) = hash {
            let (sections, text, hasher) = (&self.sections, self.text, &self.hasher);
            let rehash = |&i: &u32| {
                let span = sections[i as usize];
                hasher.hash_one(&text[span.header_start as usize..span.header_end as usize])
            };
            self.seen_sections.insert_unique(hash, offset(at), rehash);
        }
        self.open = Some(at);
        self.current = Some(Target::Section(self.sections.len() - 1));
        Ok(())
    }

    fn key_line(&mut self, number: usize, stripped: &'t str) -> Result<(), LineError> {
        // A line that opens a header and never closes it, where the AWS CLI refuses it (outside a section, or
        // without a delimiter: `[a=b` in a section is the key `[a`): say that, rather than call it a key.
        let delimiter = memchr::memchr2(b'=', b':', stripped.as_bytes());
        if stripped.starts_with('[')
            && !stripped.contains(']')
            && (self.current.is_none() || delimiter.is_none())
        {
            return Err((number, ParseErrorKind::UnclosedHeader));
        }
        let Some(target) = self.current else {
            return Err((number, ParseErrorKind::NoSectionHeader));
        };
        let Some(split) = delimiter else {
            return Err((number, ParseErrorKind::NotKeyValue));
        };
        let key = py_strip_end(&stripped[..split]);
        if key.is_empty() {
            return Err((number, ParseErrorKind::EmptyKey));
        }
        let key = lower(key);
        if self.validate {
            self.check_duplicate(target, &key, number)?;
        }
        self.finish()?;
        self.pending = Some(Pending {
            target,
            key,
            line: number,
            first: py_strip(&stripped[split + 1..]),
        });
        Ok(())
    }

    /// A key seen before in the same section (all `[DEFAULT]` sections count as one) is an error.
    #[allow(clippy::ptr_arg)] // the key is kept as the Cow it is: borrowed from the file, most often
    fn check_duplicate(
        &mut self,
        target: Target,
        key: &Cow<'t, str>,
        number: usize,
    ) -> Result<(), LineError> {
        let first_line = match target {
            Target::Defaults => self
                .defaults
                .iter()
                .find(|(p, _)| p.key == **key)
                .map(|(p, _)| p.line)
                .or_else(|| {
                    (self.pending.as_ref())
                        .filter(|p| p.target == target && p.key == *key)
                        .map(|p| p.line)
                }),
            Target::Section(_) if self.section_keys.len() < SCAN_KEYS => {
                let found = self.section_keys.iter().find(|(k, _)| k == key);
                found.map(|(_, line)| *line)
            }
            Target::Section(_) => self.section_key_map.get(key).copied(),
        };
        if let Some(first_line) = first_line {
            let section = match target {
                Target::Defaults => DEFAULT_SECTION.to_string(),
                Target::Section(i) => self.header_of(i).to_string(),
            };
            let key = key.to_string();
            let kind = ParseErrorKind::DuplicateKey {
                section,
                key,
                first_line,
            };
            return Err((number, kind));
        }
        if let Target::Section(_) = target {
            self.section_keys.push((key.clone(), number));
            if self.section_keys.len() == SCAN_KEYS {
                self.section_key_map
                    .extend(self.section_keys.iter().cloned());
            } else if self.section_keys.len() > SCAN_KEYS {
                self.section_key_map.insert(key.clone(), number);
            }
        }
        Ok(())
    }

    fn header_of(&self, section: usize) -> &'t str {
        let span = self.sections[section];
        &self.text[span.header_start as usize..span.header_end as usize]
    }

    /// Ends the pending value: its lines joined with `\n`, a value starting on the next line read as a
    /// nested map.
    fn finish(&mut self) -> Result<(), LineError> {
        let Some(pending) = self.pending.take() else {
            return Ok(());
        };
        let continued = self.extra.iter().any(|(line, _)| !line.is_empty());
        let (value, broken, sub_lines) = if continued {
            self.joined(&pending)
        } else {
            // Blank lines after the value are trimmed away: the value is the text on the key's line.
            (Cow::Borrowed(pending.first).into(), None, Vec::new())
        };
        self.extra.clear();
        match pending.target {
            // A broken nested map in [DEFAULT] is an error only once a section inherits it (botocore parses
            // nested maps section by section): decided at the end of the file.
            Target::Defaults => {
                let property = owned(pending.key, value, pending.line, sub_lines);
                self.defaults.push((property, broken));
            }
            Target::Section(i) => {
                if let Some(kind) = broken {
                    return Err((pending.line, kind));
                }
                if self.validate
                    && let ScanValue::Text(text) = &value
                    && let Some(message) = crate::checks::check(&pending.key, text)
                {
                    self.candidates.push(Candidate {
                        section: Some(i),
                        key: pending.key.to_string(),
                        line: pending.line,
                        message,
                    });
                }
                if self.collect {
                    let (key, line) = (pending.key, pending.line);
                    let property = Kept {
                        key,
                        value,
                        line,
                        sub_lines,
                    };
                    self.collected.push(property);
                    if self.validate {
                        self.collected_in.push(i);
                    }
                }
            }
        }
        Ok(())
    }

    /// A value with continuation lines: text, or a nested map (or, when a line of that has no `=`, the
    /// error it becomes).
    fn joined(&self, pending: &Pending<'t>) -> (ScanValue<'t>, Option<ParseErrorKind>, Vec<usize>) {
        let mut joined = String::from(pending.first);
        for (line, _) in &self.extra {
            joined.push('\n');
            joined.push_str(line);
        }
        let joined = py_strip_end(&joined);
        if !joined.starts_with('\n') {
            return (
                Cow::<str>::Owned(joined.to_string()).into(),
                None,
                Vec::new(),
            );
        }
        match nested(joined) {
            Some(map) => {
                let lines: Vec<(&str, usize)> = std::iter::once((pending.first, pending.line))
                    .chain(self.extra.iter().copied())
                    .collect();
                let sub_lines = nested_lines(&lines, &map);
                (ScanValue::Map(map), None, sub_lines)
            }
            None => {
                let key = pending.key.to_string();
                let broken = ParseErrorKind::NestedNotKeyValue { key };
                (
                    Cow::<str>::Owned(joined.to_string()).into(),
                    Some(broken),
                    Vec::new(),
                )
            }
        }
    }
}

/// A value as the pass holds it: text borrowed from the file when it is on one line.
pub(crate) enum ScanValue<'t> {
    Text(Cow<'t, str>),
    Map(Vec<(String, String)>),
}

impl<'t> From<Cow<'t, str>> for ScanValue<'t> {
    fn from(text: Cow<'t, str>) -> Self {
        ScanValue::Text(text)
    }
}

/// A key of a section as a second reading keeps it: borrowed from the file's text unless it had to be
/// lower-cased or joined from several lines, so reading a profile to resolve it copies nothing.
pub(crate) struct Kept<'t> {
    pub key: Cow<'t, str>,
    pub value: ScanValue<'t>,
    pub line: usize,
    sub_lines: Vec<usize>,
}

impl Kept<'_> {
    fn into_owned(self) -> RawProperty {
        owned(self.key, self.value, self.line, self.sub_lines)
    }
}

fn owned(
    key: Cow<'_, str>,
    value: ScanValue<'_>,
    line: usize,
    sub_lines: Vec<usize>,
) -> RawProperty {
    RawProperty {
        key: key.into_owned(),
        value: match value {
            ScanValue::Text(text) => Value::Text(text.into_owned()),
            ScanValue::Map(map) => Value::Map(map),
        },
        line,
        sub_lines,
    }
}

/// Keys are lower-cased as configparser does (`str.lower`); most already are, and are then borrowed.
fn lower(key: &str) -> Cow<'_, str> {
    if key.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(key.to_lowercase())
    }
}

/// The number of white-space characters (Python's) a line starts with.
fn indentation(raw: &str) -> usize {
    match raw.as_bytes().first() {
        Some(b) if b.is_ascii() && !b.is_ascii_whitespace() && !(0x0b..=0x1f).contains(b) => 0,
        _ => raw.chars().take_while(|c| is_py_space(*c)).count(),
    }
}

fn offset(at: usize) -> u32 {
    u32::try_from(at).expect("the AWS files are read up to 256 MiB")
}

/// The length of a UTF-8 byte order mark at the start of `text`, which is not part of the first header.
/// (botocore fails on it; see docs/profiles.md.)
fn bom(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

/// A file read once: its text, the index of its sections, its `[DEFAULT]` keys, and the values STS will
/// refuse.
#[derive(Clone)]
pub(crate) struct FileIndex {
    pub path: Arc<Path>,
    text: FileText,
    sections: Vec<SectionSpan>,
    /// The `[DEFAULT]` keys, which every section inherits.
    pub defaults: Vec<RawProperty>,
    /// The `[DEFAULT]` keys as read, before [`FileIndex::settle`].
    unsettled: Vec<(RawProperty, Option<ParseErrorKind>)>,
    pub candidates: Vec<Candidate>,
}

impl fmt::Debug for FileIndex {
    /// The path and the counts: the text may hold secret keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileIndex")
            .field("path", &self.path)
            .field("bytes", &self.text.len())
            .field("sections", &self.sections.len())
            .finish_non_exhaustive()
    }
}

impl FileIndex {
    /// Reads `text`, the contents of `path`, in one pass, with the first line the AWS CLI refuses (the
    /// sections are those before it). Two things are left to the caller, in this order: that no header
    /// repeats before that line ([`duplicate`]), then [`FileIndex::settle`].
    pub fn read(path: Arc<Path>, text: FileText) -> (FileIndex, Option<ParseError>) {
        let end = text.len();
        Self::read_head(path, text, end)
    }

    /// [`FileIndex::read`] of the file's first `end` bytes, `end` being a [`split_point`] or the file's
    /// length; the rest is read by [`Tail::read`] and added by [`FileIndex::append`].
    pub fn read_head(
        path: Arc<Path>,
        text: FileText,
        end: usize,
    ) -> (FileIndex, Option<ParseError>) {
        let (sections, defaults, candidates, error) = {
            let mut reader = Reader::new(&text, true, false);
            // Room for a section every 64 bytes of the whole file (the bench's profiles take about 100),
            // reserved and not touched: the table is not copied as it grows or as the rest of the file is
            // appended, and `shrink_to_fit` gives back what is left.
            reader.sections.reserve(text.len() / SECTION_BYTES);
            let error = read_lines(&mut reader, &path, head_lines(&text, end));
            let defaults = std::mem::take(&mut reader.defaults);
            if end == text.len() {
                reader.sections.shrink_to_fit();
            }
            (reader.sections, defaults, reader.candidates, error.err())
        };
        let index = FileIndex {
            path,
            text,
            sections,
            defaults: Vec::new(),
            unsettled: defaults,
            candidates,
        };
        (index, error)
    }

    /// Adds the sections of the rest of the file, read by another thread, when the first part had no error
    /// (it ends the file as the AWS CLI reads it); the rest's error, if any.
    pub fn append(&mut self, tail: Tail) -> Option<ParseError> {
        let before = self.sections.len();
        self.sections.extend(tail.sections);
        self.sections.shrink_to_fit();
        self.candidates
            .extend(tail.candidates.into_iter().map(|candidate| Candidate {
                section: candidate.section.map(|section| before + section),
                ..candidate
            }));
        tail.error
    }

    /// The error for section `section`, whose header repeats that of the section at `first_line`.
    pub fn duplicate(&self, section: usize, first_line: usize) -> ParseError {
        let kind = duplicate(self.header(section), first_line);
        error(&self.path, self.line(section), kind)
    }

    /// Keeps the `[DEFAULT]` keys; see [`FileIndex::settle_defaults`].
    pub fn settle(&mut self) -> Result<(), ParseError> {
        let defaults = std::mem::take(&mut self.unsettled);
        self.settle_defaults(defaults)
    }

    pub fn len(&self) -> usize {
        self.sections.len()
    }

    /// The length of the file's text.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    pub fn header(&self, section: usize) -> &str {
        let span = self.sections[section];
        &self.text[span.header_start as usize..span.header_end as usize]
    }

    pub fn line(&self, section: usize) -> usize {
        self.sections[section].line as usize
    }

    pub fn location(&self, section: usize) -> Location {
        Location {
            path: self.path.clone(),
            line: self.line(section),
        }
    }

    /// The keys written in the section itself, in file order, read again from its lines.
    pub fn own_properties(&self, section: usize) -> Vec<RawProperty> {
        let own = self.own_keys(section);
        own.into_iter().map(Kept::into_owned).collect()
    }

    /// [`FileIndex::own_properties`] borrowed from the text: what resolving a profile reads.
    pub fn own_keys(&self, section: usize) -> Vec<Kept<'_>> {
        let span = self.sections[section];
        let mut reader = Reader::new(&self.text, false, true);
        reader.collected.reserve(8);
        reader.current = Some(Target::Section(section));
        reader.indent_level = span.indent as usize;
        let lines = Lines::new(
            &self.text[..span.body_end as usize],
            span.body_start as usize,
            span.line as usize,
        );
        // The first pass accepted these lines, in this same state: a second reading cannot fail.
        let read = reader.run(lines);
        debug_assert!(read.is_ok(), "a section read twice reads the same");
        reader.collected
    }

    /// Whether the section itself writes `key` (not counting `[DEFAULT]`).
    pub fn sets(&self, section: usize, key: &str) -> bool {
        self.own_keys(section).iter().any(|p| p.key == key)
    }

    /// Keeps the `[DEFAULT]` keys some section inherits. One whose nested map is broken is an error if any
    /// section inherits it (as in botocore) and dropped if every section sets the key itself.
    fn settle_defaults(
        &mut self,
        defaults: Vec<(RawProperty, Option<ParseErrorKind>)>,
    ) -> Result<(), ParseError> {
        for (property, broken) in defaults {
            match broken {
                None => {
                    if let Value::Text(text) = &property.value
                        && let Some(message) = crate::checks::check(&property.key, text)
                    {
                        self.candidates.push(Candidate {
                            section: None,
                            key: property.key.clone(),
                            line: property.line,
                            message,
                        });
                    }
                    self.defaults.push(property);
                }
                Some(kind) => {
                    let inherited = (0..self.len()).any(|s| !self.sets(s, &property.key));
                    if inherited {
                        return Err(error(&self.path, property.line, kind));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Where a large file can be cut in two, for its parts to be read by two threads: the start of the first line
/// at or after byte `near` that is a section header written at its start. Such a line ends whatever the reader
/// was doing (a value's continuation lines are indented), so the second part reads the same from a fresh
/// reader. Never before a `[DEFAULT]` section (or any text "DEFAULT"): its keys are checked against those of
/// the earlier ones, which the second reader would not have.
pub(crate) fn split_point(text: &str, near: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // From the byte before: a line starting at `near` itself counts.
    let mut from = near.min(bytes.len()).saturating_sub(1);
    loop {
        let start = from + memchr::memmem::find(&bytes[from..], b"\n[")? + 1;
        let line = &text[start..];
        let line = &line[..newline_or_end(line.as_bytes())];
        if section_header(py_strip(line)).is_some() {
            // The rest is searched, not the whole file: past each "DEFAULT" it has, if any.
            match memchr::memmem::find(&bytes[start..], DEFAULT_SECTION.as_bytes()) {
                None => return Some(start),
                Some(at) => from = start + at + DEFAULT_SECTION.len() - 1,
            }
        } else {
            from = start;
        }
    }
}

/// The length of the first line of `bytes` (`\n` or `\r` ends it).
fn newline_or_end(bytes: &[u8]) -> usize {
    memchr::memchr2(b'\n', b'\r', bytes).unwrap_or(bytes.len())
}

/// The sections of a file from a [`split_point`] to its end, read on another thread while the first part is
/// read here; [`FileIndex::append`] adds them.
#[derive(Debug)]
pub(crate) struct Tail {
    sections: Vec<SectionSpan>,
    candidates: Vec<Candidate>,
    error: Option<ParseError>,
}

impl Tail {
    /// Reads `text` (the contents of `path`) from byte `start`, a [`split_point`].
    pub fn read(path: &Arc<Path>, text: &str, start: usize) -> Tail {
        let mut reader = Reader::new(text, true, false);
        reader
            .sections
            .reserve((text.len() - start) / SECTION_BYTES);
        let lines = Lines::new(text, start, lines_before(text, start));
        let error = read_lines(&mut reader, path, lines);
        debug_assert!(
            reader.defaults.is_empty(),
            "a split point has no [DEFAULT] after it"
        );
        reader.sections.shrink_to_fit();
        Tail {
            sections: reader.sections,
            candidates: reader.candidates,
            error: error.err(),
        }
    }
}

/// The number of lines before byte `at`, the start of a line: its `\n`s, unless a `\r` also ends lines.
fn lines_before(text: &str, at: usize) -> usize {
    let head = &text.as_bytes()[..at];
    if memchr::memchr(b'\r', head).is_none() {
        memchr::memchr_iter(b'\n', head).count()
    } else {
        Lines::new(&text[..at], 0, 0).count()
    }
}

/// Runs the reader over `lines`, its error located in the file at `path`.
fn read_lines<'t>(
    reader: &mut Reader<'t>,
    path: &Arc<Path>,
    lines: Lines<'t>,
) -> Result<(), ParseError> {
    (reader.run(lines)).map_err(|(line, kind)| error(path, line, kind))
}

/// The lines of `text` up to byte `end` (a [`split_point`] or its length), after its byte order mark.
fn head_lines(text: &str, end: usize) -> Lines<'_> {
    Lines::new(&text[..end], bom(text), 0)
}

fn duplicate(header: &str, first_line: usize) -> ParseErrorKind {
    let header = header.to_string();
    ParseErrorKind::DuplicateSection { header, first_line }
}

fn error(path: &Arc<Path>, line: usize, kind: ParseErrorKind) -> ParseError {
    ParseError {
        location: Location {
            path: path.clone(),
            line,
        },
        kind,
    }
}

/// The literal parse of [`crate::parse::parse`]: every section with its keys, and the `[DEFAULT]` keys.
pub(crate) fn parse_all(path: &Path, text: &str) -> Result<crate::parse::ParsedFile, ParseError> {
    let path: Arc<Path> = Arc::from(path);
    let mut reader = Reader::new(text, true, true);
    read_lines(&mut reader, &path, head_lines(text, text.len()))?;
    let mut sections: Vec<crate::parse::RawSection> = (0..reader.sections.len())
        .map(|i| crate::parse::RawSection {
            header: reader.header_of(i).to_string(),
            line: reader.sections[i].line as usize,
            properties: Vec::new(),
        })
        .collect();
    let collected = std::mem::take(&mut reader.collected);
    for (section, property) in reader.collected_in.iter().zip(collected) {
        sections[*section].properties.push(property.into_owned());
    }
    let mut file = crate::parse::ParsedFile {
        sections,
        defaults: Vec::new(),
    };
    for (property, broken) in std::mem::take(&mut reader.defaults) {
        match broken {
            None => file.defaults.push(property),
            Some(kind) => {
                let inherited = file
                    .sections
                    .iter()
                    .any(|s| !s.properties.iter().any(|p| p.key == property.key));
                if inherited {
                    return Err(error(&path, property.line, kind));
                }
            }
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of mostly good lines with every kind the reader tells apart: headers (some indented, some
    /// `[DEFAULT]`), keys (some values STS refuses), continuation and nested lines, blank lines, comments,
    /// `\r\n` ends now and then; and, rarely, each kind of error (an unclosed header, a line that is no key,
    /// a key repeated, a nested value with a line that is no key).
    fn file(seed: u64) -> String {
        let mut state = seed.max(1);
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut text = String::from(if seed.is_multiple_of(7) {
            "\u{feff}"
        } else {
            ""
        });
        text.push_str("[profile first]\n");
        for n in 0..(40 + next(80)) {
            let line = match next(1000) {
                0..=99 => format!("[profile a{n}]"),
                100..=199 => format!("[b{n}]"),
                200..=229 => "[default]".to_string(),
                230..=239 => format!("[sso-session s{n}]"),
                240..=259 => format!("  [profile indented{n}]"),
                260..=269 => "[DEFAULT]".to_string(),
                270 => format!("[unclosed{n}"),
                271..=599 => format!("k{n} = v{n}"),
                600..=649 => format!("role_arn = arn:aws:iam::111122223333:role/R{n}"),
                // Values STS refuses (a key repeated in a section is an error).
                650..=664 => "role_arn = not an arn, but long enough".to_string(),
                665..=684 => "mfa_serial = not a serial".to_string(),
                685..=699 => format!("mfa_serial{n} = arn:aws:iam::111122223333:mfa/u{n}"),
                700..=709 => "duration_seconds = many".to_string(),
                710..=739 => format!("s{n} =\n  max_concurrent_requests = {n}"),
                740 => "  no delimiter here".to_string(),
                741..=779 => format!("k{n} = v{n}\n  continued {n}"),
                780..=849 => String::new(),
                850..=889 => "# a comment".to_string(),
                890..=899 => "; another".to_string(),
                900 => "no delimiter".to_string(),
                901 => "region = us-east-1".to_string(),
                _ => format!("Key_{n} : value"),
            };
            text.push_str(&line);
            text.push_str(match next(40) {
                0 | 1 => "\r\n",
                2 if seed.is_multiple_of(5) => "\r",
                _ => "\n",
            });
        }
        text
    }

    /// What the reading of a file gives, as text to compare.
    fn outcome(index: &FileIndex, error: Option<&ParseError>) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}",
            index.sections, index.candidates, index.unsettled, error
        )
    }

    /// Read in two parts, cut at every point `split_point` offers, a file gives what it gives read whole:
    /// the same sections, values to warn about, `[DEFAULT]` keys and first error (its line counted over the
    /// whole file). 300 files (some with a byte order mark, some with lone `\r` line ends), each cut at every
    /// point `split_point` offers.
    #[test]
    fn a_file_read_in_two_parts_reads_as_one() {
        let path: Arc<Path> = Arc::from(Path::new("/home/u/.aws/config"));
        let (mut cuts, mut errors, mut warned) = (0, 0, 0);
        for seed in 1..=300 {
            let text = file(seed);
            let (whole, error) = FileIndex::read(path.clone(), FileText::from(text.clone()));
            errors += usize::from(error.is_some());
            let expected = outcome(&whole, error.as_ref());
            let mut points: Vec<usize> = (0..text.len())
                .filter_map(|near| split_point(&text, near))
                .collect();
            points.dedup();
            for at in points {
                assert!(!text[at..].contains("DEFAULT"), "seed {seed}: cut at {at}");
                let (mut head, error) = FileIndex::read_head(path.clone(), text.clone().into(), at);
                let tail = Tail::read(&path, &text, at);
                warned += usize::from(!tail.candidates.is_empty());
                let error = match error {
                    None => head.append(tail),
                    error => error,
                };
                assert_eq!(
                    outcome(&head, error.as_ref()),
                    expected,
                    "seed {seed}, cut at byte {at} of:\n{text}"
                );
                cuts += 1;
            }
        }
        // The files are varied enough to mean something: many cuts, and errors in some files but not all.
        assert!(cuts > 3000, "{cuts} cuts");
        assert!(
            (30..270).contains(&errors),
            "{errors} of 300 files have an error"
        );
        assert!(
            warned > 1000,
            "{warned} cuts with values to warn about after them"
        );
    }

    #[test]
    fn a_cut_is_at_a_header_at_the_start_of_a_line_with_no_default_section_after_it() {
        let text = "[a]\nk = v\n  [indented]\nx = [y]\n[b]\nk = v\n[DEFAULT]\nr = 1\n[c]\n";
        let c = text.find("[c]");
        assert_eq!(split_point(text, 0), c, "not before [DEFAULT]");
        assert_eq!(
            split_point(&text[..text.find("[DEFAULT]").unwrap()], 0),
            Some(text.find("[b]").unwrap())
        );
        assert_eq!(split_point(text, text.find("[c]").unwrap()), c);
        assert_eq!(split_point(text, text.len()), None);
        assert_eq!(split_point("[a]\n[unclosed\nk = v\n", 1), None);
    }
}
