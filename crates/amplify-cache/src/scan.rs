//! A strict JSON scanner that says where values and object keys are, and builds nothing.
//!
//! `cache.json` can hold 100,000 projects and other programs' entries; a lookup needs one project. Parsing
//! the file into a tree would cost a hundred times reading it, and would rewrite what it cannot represent
//! (`12345678901234567890123`, `1e400`). The scanner instead checks the grammar of RFC 8259 byte by byte
//! (strings found with `memchr`, so the bulk of a file, its tokens, is skipped at memory speed) and tells a
//! [`Visitor`] where each value begins and ends and what each key is: the lookup copies only the bytes of
//! the one project it wants, the writer splices the file's own text. It is fed the file in chunks, so a
//! lookup never holds the whole file. It accepts exactly what `serde_json` accepts as syntax (the fuzz test
//! compares them), without its nesting limit and with numbers of any size.

use std::io::Read;

/// What a value is, as its first byte says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Literal,
}

/// The bytes being scanned and where they start in the file, for a visitor that copies a value's bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chunk<'a> {
    pub bytes: &'a [u8],
    pub base: u64,
}

impl<'a> Chunk<'a> {
    /// The part of the file's bytes `[from, to)` that lies in this chunk.
    pub fn part(&self, from: u64, to: u64) -> &'a [u8] {
        let end = self.base + self.bytes.len() as u64;
        let from = from.clamp(self.base, end);
        let to = to.clamp(from, end);
        &self.bytes[offset(from - self.base)..offset(to - self.base)]
    }
}

/// Told where things are. `depth` is the number of arrays and objects around: a member of the top-level
/// object has its key and its value at depth 1; the top-level value itself begins and ends at depth 0.
pub(crate) trait Visitor {
    /// A key, as written between its quotes (escapes not decoded); `start` is its opening quote.
    fn key(&mut self, _depth: usize, _raw: &[u8], _start: u64) {}
    /// A value begins at `offset`.
    fn begin(&mut self, _depth: usize, _kind: Kind, _offset: u64) {}
    /// The value that began last at `depth` ends before `offset`; `chunk` holds at least its last byte.
    fn end(&mut self, _depth: usize, _offset: u64, _chunk: Chunk<'_>) {}
    /// Everything in `chunk` has been scanned.
    fn chunk_done(&mut self, _chunk: Chunk<'_>) {}
}

/// A visitor that wants nothing: the scan only checks the grammar.
pub(crate) struct Check;
impl Visitor for Check {}

/// Where the text stops being JSON, and why. It never quotes the text (a cache holds secrets).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} at line {line}, column {column}")]
pub struct SyntaxError {
    pub line: u64,
    /// In bytes, from 1.
    pub column: u64,
    pub what: &'static str,
}

#[derive(Debug)]
pub(crate) enum ScanError {
    Io(std::io::Error),
    Syntax(SyntaxError),
}

impl From<SyntaxError> for ScanError {
    fn from(error: SyntaxError) -> Self {
        ScanError::Syntax(error)
    }
}

/// What the reading thread hands the scanner.
enum Part {
    /// A buffer whose first bytes (as many as said) end on a whole UTF-8 sequence.
    Text(Vec<u8>, usize),
    /// As many valid bytes as said, then bytes that are not UTF-8.
    NotUtf8(Vec<u8>, usize),
    /// The file ended inside a UTF-8 sequence.
    CutShort,
    Failed(std::io::Error),
}

/// Scans everything `reader` yields, `buf_len` bytes at a time. A second thread reads (and checks the
/// UTF-8) while this one scans, so a lookup costs about the larger of the two, not their sum.
pub(crate) fn scan_reader(
    reader: impl Read + Send,
    buf_len: usize,
    visitor: &mut impl Visitor,
) -> Result<(), ScanError> {
    std::thread::scope(|scope| {
        let (parts, received) = std::sync::mpsc::sync_channel(2);
        let (spare, spares) = std::sync::mpsc::sync_channel(3);
        let buf_len = buf_len.max(8);
        for _ in 0..3 {
            let _ = spare.send(vec![0; buf_len]);
        }
        scope.spawn(move || read_parts(reader, &parts, &spares));
        let mut scanner = Scanner::default();
        // Returning drops `received` and `spare`, which stops the reader wherever it waits.
        for part in received {
            match part {
                Part::Text(buf, len) => {
                    scanner.feed(&buf[..len], visitor)?;
                    let _ = spare.send(buf);
                }
                Part::NotUtf8(buf, len) => {
                    scanner.feed(&buf[..len], visitor)?;
                    let error = scanner.error(scanner.offset, "bytes that are not UTF-8");
                    return Err(error.into());
                }
                Part::CutShort => {
                    let error = scanner.error(scanner.offset, "a UTF-8 sequence cut short");
                    return Err(error.into());
                }
                Part::Failed(error) => return Err(ScanError::Io(error)),
            }
        }
        Ok(scanner.finish(visitor)?)
    })
}

/// The reading thread: fills the spare buffers it is given (each at least 8 bytes long) and sends them on,
/// each ending on a whole UTF-8 sequence (the start of a cut one moves to the next buffer); stops at the end
/// of the file, at an error, or when the scanner stops listening.
fn read_parts(
    mut reader: impl Read,
    parts: &std::sync::mpsc::SyncSender<Part>,
    spares: &std::sync::mpsc::Receiver<Vec<u8>>,
) {
    let mut carry = [0; 4];
    let mut carried = 0;
    while let Ok(mut buf) = spares.recv() {
        buf[..carried].copy_from_slice(&carry[..carried]);
        let read = loop {
            match reader.read(&mut buf[carried..]) {
                Ok(read) => break read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = parts.send(Part::Failed(e));
                    return;
                }
            }
        };
        if read == 0 {
            if carried > 0 {
                let _ = parts.send(Part::CutShort);
            }
            return;
        }
        let filled = carried + read;
        let part = match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => Part::Text(buf, filled),
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                carried = filled - valid;
                carry[..carried].copy_from_slice(&buf[valid..filled]);
                if parts.send(Part::Text(buf, valid)).is_err() {
                    return;
                }
                continue;
            }
            Err(e) => {
                let _ = parts.send(Part::NotUtf8(buf, e.valid_up_to()));
                return;
            }
        };
        carried = 0;
        if parts.send(part).is_err() {
            return;
        }
    }
}

/// Scans `bytes`, a whole file held in memory.
pub(crate) fn scan_slice(bytes: &[u8], visitor: &mut impl Visitor) -> Result<(), SyntaxError> {
    let mut scanner = Scanner::default();
    if let Err(e) = std::str::from_utf8(bytes) {
        scanner.feed(&bytes[..e.valid_up_to()], visitor)?;
        return Err(scanner.error(scanner.offset, "bytes that are not UTF-8"));
    }
    scanner.feed(bytes, visitor)?;
    scanner.finish(visitor)
}

/// Checks that `bytes` are one JSON value, scanning them `chunk_len` bytes at a time as a lookup reads
/// `cache.json`. Public for the fuzz test, which compares it with `serde_json` at many chunk sizes.
pub fn validate_json(bytes: &[u8], chunk_len: usize) -> Result<(), SyntaxError> {
    match scan_reader(bytes, chunk_len, &mut Check) {
        Ok(()) => Ok(()),
        Err(ScanError::Syntax(e)) => Err(e),
        Err(ScanError::Io(e)) => unreachable!("reading a slice cannot fail: {e}"),
    }
}

/// What the next significant byte may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Value,
    ValueOrClose,
    KeyOrClose,
    Key,
    Colon,
    CommaOrClose,
    Done,
}

/// Inside which token the last chunk ended.
#[derive(Clone, Copy, Debug)]
enum Lex {
    Between,
    Str { key: bool },
    Escape { key: bool },
    Hex { key: bool, left: u8 },
    Num(Num),
    Word { word: &'static [u8], at: usize },
}

/// The states of a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    E,
    ESign,
    Exp,
}

impl Num {
    fn next(self, b: u8) -> Option<Num> {
        use Num::*;
        Some(match (self, b) {
            (Minus, b'0') => Zero,
            (Minus | Int, b'0'..=b'9') => Int,
            (Zero | Int, b'.') => Dot,
            (Dot | Frac, b'0'..=b'9') => Frac,
            (Zero | Int | Frac, b'e' | b'E') => E,
            (E, b'+' | b'-') => ESign,
            (E | ESign | Exp, b'0'..=b'9') => Exp,
            _ => return None,
        })
    }

    fn is_complete(self) -> bool {
        matches!(self, Num::Zero | Num::Int | Num::Frac | Num::Exp)
    }
}

/// The open arrays (`false`) and objects (`true`), one bit each: a file nested a million deep costs
/// 128 KiB, and there is no nesting limit to refuse a valid file with.
#[derive(Debug, Default)]
struct Stack {
    bits: Vec<u64>,
    len: usize,
}

impl Stack {
    fn push(&mut self, object: bool) {
        if self.len / 64 == self.bits.len() {
            self.bits.push(0);
        }
        let (word, bit) = (self.len / 64, self.len % 64);
        self.bits[word] = (self.bits[word] & !(1 << bit)) | (u64::from(object) << bit);
        self.len += 1;
    }

    fn pop(&mut self) {
        self.len -= 1;
    }

    fn top_is_object(&self) -> bool {
        self.len > 0 && self.bits[(self.len - 1) / 64] & (1 << ((self.len - 1) % 64)) != 0
    }
}

#[derive(Debug)]
pub(crate) struct Scanner {
    stack: Stack,
    expect: Expect,
    lex: Lex,
    /// Offset in the file of the next chunk's first byte.
    offset: u64,
    line: u64,
    line_start: u64,
    started: bool,
    /// The opening quote of the key being read, and its bytes when it spans chunks.
    key_start: u64,
    key_buf: Vec<u8>,
    key_spans: bool,
}

impl Default for Scanner {
    fn default() -> Self {
        Self {
            stack: Stack::default(),
            expect: Expect::Value,
            lex: Lex::Between,
            offset: 0,
            line: 1,
            line_start: 0,
            started: false,
            key_start: 0,
            key_buf: Vec::new(),
            key_spans: false,
        }
    }
}

fn offset(n: u64) -> usize {
    usize::try_from(n).expect("offsets within a chunk fit in memory")
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

#[inline]
fn word_at(bytes: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"))
}

/// The index of the first control character (below 0x20, which JSON strings may not hold raw), eight
/// bytes at a time: a strings' bytes are most of a cache file.
#[inline]
fn first_control(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let word = word_at(bytes, i);
        // The high bit of each byte below 0x20 (exact for bytes below 0x80; a byte at or above 0x80
        // never sets its own bit, and a borrow only runs upwards from a byte that did).
        let below = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        if below != 0 {
            return Some(i + (below.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| b < 0x20).map(|at| i + at)
}

/// The high bit of each byte of `word` that is zero (the lowest one exact; a borrow only runs upwards
/// from a byte that set its bit).
#[inline]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// The index of the first byte from `i` on that ends a run of a string's plain characters: a quote, a
/// backslash or a control character (an error). Short strings, most of a cache's, are searched eight
/// bytes at a time; long ones (session tokens) with `memchr`'s vector search.
#[inline]
fn string_stop(bytes: &[u8], mut i: usize) -> usize {
    let short = (i + 64).min(bytes.len());
    while i + 8 <= short {
        let word = word_at(bytes, i);
        let stops = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let rest = &bytes[i..];
    let quote = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
    i + first_control(&rest[..quote]).unwrap_or(quote)
}

/// The index of the first byte from `i` on that is not a space: pretty-printed JSON is indented with runs
/// of them, skipped eight at a time.
#[inline]
fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i + 8 <= bytes.len() {
        let other = word_at(bytes, i) ^ (ONES * u64::from(b' '));
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

impl Scanner {
    fn depth(&self) -> usize {
        self.stack.len
    }

    fn error(&self, at: u64, what: &'static str) -> SyntaxError {
        SyntaxError {
            line: self.line,
            column: at.saturating_sub(self.line_start) + 1,
            what,
        }
    }

    /// Scans `bytes`, the next part of the file (whole UTF-8 sequences only).
    pub fn feed(&mut self, bytes: &[u8], visitor: &mut impl Visitor) -> Result<(), SyntaxError> {
        let chunk = Chunk {
            bytes,
            base: self.offset,
        };
        let mut i = 0;
        while i < bytes.len() {
            i = match self.lex {
                Lex::Between => self.between(chunk, i, visitor)?,
                Lex::Str { key } => self.string(chunk, i, key, visitor)?,
                Lex::Escape { key } => self.escape(chunk, i, key)?,
                Lex::Hex { key, left } => self.hex(chunk, i, key, left)?,
                Lex::Num(state) => self.number(chunk, i, state, visitor)?,
                Lex::Word { word, at } => self.word(chunk, i, word, at, visitor)?,
            };
        }
        if let Lex::Str { key: true } | Lex::Escape { key: true } | Lex::Hex { key: true, .. } =
            self.lex
        {
            if !self.key_spans {
                self.key_buf.clear();
                self.key_spans = true;
            }
            let end = chunk.base + bytes.len() as u64;
            self.key_buf
                .extend_from_slice(chunk.part(self.key_start + 1, end));
        }
        visitor.chunk_done(chunk);
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// The end of the file: what was open must be complete.
    pub fn finish(&mut self, visitor: &mut impl Visitor) -> Result<(), SyntaxError> {
        let at = self.offset;
        match self.lex {
            Lex::Between => {}
            Lex::Num(state) => {
                let chunk = Chunk {
                    bytes: &[],
                    base: at,
                };
                self.end_number(state, chunk, 0, visitor)?;
            }
            Lex::Str { .. } | Lex::Escape { .. } | Lex::Hex { .. } => {
                return Err(self.error(at, "the file ends inside a string"));
            }
            Lex::Word { .. } => return Err(self.error(at, "the file ends inside a word")),
        }
        match self.expect {
            Expect::Done => Ok(()),
            _ if !self.started => Err(self.error(at, "the file is empty")),
            _ => Err(self.error(at, "the file ends before the JSON value does")),
        }
    }

    fn after_value(&mut self) {
        self.expect = if self.depth() == 0 {
            Expect::Done
        } else {
            Expect::CommaOrClose
        };
    }

    /// Between tokens. Whitespace, punctuation, strings and numbers (most of a file) are read in this
    /// loop; it returns to `feed` only at the end of the chunk or inside another token.
    fn between(
        &mut self,
        chunk: Chunk<'_>,
        mut i: usize,
        visitor: &mut impl Visitor,
    ) -> Result<usize, SyntaxError> {
        while i < chunk.bytes.len() {
            i = self.structural(chunk, i, visitor)?;
            i = match self.lex {
                Lex::Between => continue,
                Lex::Str { key } => self.string(chunk, i, key, visitor)?,
                Lex::Num(state) => self.number(chunk, i, state, visitor)?,
                _ => return Ok(i),
            };
            if !matches!(self.lex, Lex::Between) {
                break;
            }
        }
        Ok(i)
    }

    /// Whitespace, then one structural byte or the first byte of a value.
    fn structural(
        &mut self,
        chunk: Chunk<'_>,
        mut i: usize,
        visitor: &mut impl Visitor,
    ) -> Result<usize, SyntaxError> {
        let bytes = chunk.bytes;
        while let Some(&b) = bytes.get(i) {
            if b > b' ' {
                break;
            }
            match b {
                b' ' => i = skip_spaces(bytes, i),
                b'\t' | b'\r' => i += 1,
                b'\n' => {
                    i += 1;
                    self.line += 1;
                    self.line_start = chunk.base + i as u64;
                }
                _ => break,
            }
        }
        let Some(&b) = bytes.get(i) else {
            return Ok(i);
        };
        let at = chunk.base + i as u64;
        match self.expect {
            Expect::Value | Expect::ValueOrClose => {
                if b == b']' && self.expect == Expect::ValueOrClose {
                    return Ok(self.close(chunk, i, visitor));
                }
                self.value(b, at, visitor)?;
            }
            Expect::KeyOrClose | Expect::Key => match b {
                b'"' => {
                    self.lex = Lex::Str { key: true };
                    self.key_start = at;
                    self.key_spans = false;
                }
                b'}' if self.expect == Expect::KeyOrClose => {
                    return Ok(self.close(chunk, i, visitor));
                }
                _ => return Err(self.error(at, "expected a key in double quotes")),
            },
            Expect::Colon if b == b':' => self.expect = Expect::Value,
            Expect::Colon => return Err(self.error(at, "expected ':' after a key")),
            Expect::CommaOrClose => match b {
                b',' if self.stack.top_is_object() => self.expect = Expect::Key,
                b',' => self.expect = Expect::Value,
                b'}' if self.stack.top_is_object() => return Ok(self.close(chunk, i, visitor)),
                b']' if !self.stack.top_is_object() => return Ok(self.close(chunk, i, visitor)),
                _ => return Err(self.error(at, "expected ',' or the end of the object or array")),
            },
            Expect::Done => return Err(self.error(at, "more text after the JSON value")),
        }
        Ok(i + 1)
    }

    /// The first byte `b` of a value.
    fn value(&mut self, b: u8, at: u64, visitor: &mut impl Visitor) -> Result<(), SyntaxError> {
        let depth = self.depth();
        let (kind, lex) = match b {
            b'{' => (Kind::Object, None),
            b'[' => (Kind::Array, None),
            b'"' => (Kind::String, Some(Lex::Str { key: false })),
            b'-' => (Kind::Number, Some(Lex::Num(Num::Minus))),
            b'0' => (Kind::Number, Some(Lex::Num(Num::Zero))),
            b'1'..=b'9' => (Kind::Number, Some(Lex::Num(Num::Int))),
            b't' => (
                Kind::Literal,
                Some(Lex::Word {
                    word: b"true",
                    at: 1,
                }),
            ),
            b'f' => (
                Kind::Literal,
                Some(Lex::Word {
                    word: b"false",
                    at: 1,
                }),
            ),
            b'n' => (
                Kind::Literal,
                Some(Lex::Word {
                    word: b"null",
                    at: 1,
                }),
            ),
            _ => return Err(self.error(at, "expected a value")),
        };
        self.started = true;
        visitor.begin(depth, kind, at);
        match (kind, lex) {
            (Kind::Object, _) => {
                self.stack.push(true);
                self.expect = Expect::KeyOrClose;
            }
            (Kind::Array, _) => {
                self.stack.push(false);
                self.expect = Expect::ValueOrClose;
            }
            (_, Some(lex)) => self.lex = lex,
            (_, None) => unreachable!("scalars have a token"),
        }
        Ok(())
    }

    /// The `}` or `]` at `i` closes the innermost container.
    fn close(&mut self, chunk: Chunk<'_>, i: usize, visitor: &mut impl Visitor) -> usize {
        self.stack.pop();
        visitor.end(self.depth(), chunk.base + i as u64 + 1, chunk);
        self.after_value();
        i + 1
    }

    fn string(
        &mut self,
        chunk: Chunk<'_>,
        i: usize,
        key: bool,
        visitor: &mut impl Visitor,
    ) -> Result<usize, SyntaxError> {
        let bytes = chunk.bytes;
        let mut i = i;
        let j = loop {
            let j = string_stop(bytes, i);
            match bytes.get(j) {
                None => return Ok(j),
                Some(b'"') => break j,
                Some(b'\\') => {}
                Some(_) => {
                    let at = chunk.base + j as u64;
                    return Err(self.error(at, "a control character in a string"));
                }
            }
            // An escape whole in this chunk is checked here; one cut by the chunk's end byte by byte.
            match bytes.get(j + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i = j + 2,
                Some(b'u')
                    if bytes
                        .get(j + 2..j + 6)
                        .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) =>
                {
                    i = j + 6;
                }
                _ => {
                    self.lex = Lex::Escape { key };
                    return Ok(j + 1);
                }
            }
        };
        self.lex = Lex::Between;
        let at = chunk.base + j as u64;
        let depth = self.depth();
        if key {
            let raw = if self.key_spans {
                self.key_buf.extend_from_slice(chunk.part(chunk.base, at));
                self.key_spans = false;
                &self.key_buf[..]
            } else {
                chunk.part(self.key_start + 1, at)
            };
            visitor.key(depth, raw, self.key_start);
            self.expect = Expect::Colon;
        } else {
            visitor.end(depth, at + 1, chunk);
            self.after_value();
        }
        Ok(j + 1)
    }

    fn escape(&mut self, chunk: Chunk<'_>, i: usize, key: bool) -> Result<usize, SyntaxError> {
        self.lex = match chunk.bytes[i] {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Lex::Str { key },
            b'u' => Lex::Hex { key, left: 4 },
            _ => {
                let at = chunk.base + i as u64;
                return Err(self.error(at, "an invalid escape in a string"));
            }
        };
        Ok(i + 1)
    }

    fn hex(
        &mut self,
        chunk: Chunk<'_>,
        i: usize,
        key: bool,
        left: u8,
    ) -> Result<usize, SyntaxError> {
        if !chunk.bytes[i].is_ascii_hexdigit() {
            let at = chunk.base + i as u64;
            return Err(self.error(at, "an invalid \\u escape in a string"));
        }
        self.lex = match left {
            1 => Lex::Str { key },
            _ => Lex::Hex {
                key,
                left: left - 1,
            },
        };
        Ok(i + 1)
    }

    fn number(
        &mut self,
        chunk: Chunk<'_>,
        mut i: usize,
        mut state: Num,
        visitor: &mut impl Visitor,
    ) -> Result<usize, SyntaxError> {
        while let Some(&b) = chunk.bytes.get(i) {
            match state.next(b) {
                Some(next) => state = next,
                None => return self.end_number(state, chunk, i, visitor),
            }
            i += 1;
        }
        self.lex = Lex::Num(state);
        Ok(i)
    }

    /// The number ends before the byte at `i` (which is not consumed).
    fn end_number(
        &mut self,
        state: Num,
        chunk: Chunk<'_>,
        i: usize,
        visitor: &mut impl Visitor,
    ) -> Result<usize, SyntaxError> {
        let at = chunk.base + i as u64;
        if !state.is_complete() {
            return Err(self.error(at, "an incomplete number"));
        }
        self.lex = Lex::Between;
        visitor.end(self.depth(), at, chunk);
        self.after_value();
        Ok(i)
    }

    fn word(
        &mut self,
        chunk: Chunk<'_>,
        i: usize,
        word: &'static [u8],
        at: usize,
        visitor: &mut impl Visitor,
    ) -> Result<usize, SyntaxError> {
        let offset = chunk.base + i as u64;
        if chunk.bytes[i] != word[at] {
            return Err(self.error(offset, "expected true, false or null"));
        }
        if at + 1 < word.len() {
            self.lex = Lex::Word { word, at: at + 1 };
        } else {
            self.lex = Lex::Between;
            visitor.end(self.depth(), offset + 1, chunk);
            self.after_value();
        }
        Ok(i + 1)
    }
}

/// The text of a JSON string written between quotes, decoded; `None` if it holds an escape that is not a
/// character (a lone surrogate), which no key we look for can equal.
pub(crate) fn decode_str(raw: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    if !raw.contains(&b'\\') {
        return std::str::from_utf8(raw)
            .ok()
            .map(std::borrow::Cow::Borrowed);
    }
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted)
        .ok()
        .map(std::borrow::Cow::Owned)
}

/// Whether the key written as `raw` is `wanted`.
pub(crate) fn key_is(raw: &[u8], wanted: &str) -> bool {
    if !raw.contains(&b'\\') {
        return raw == wanted.as_bytes();
    }
    decode_str(raw).is_some_and(|key| key == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Events(Vec<String>);
    impl Visitor for Events {
        fn key(&mut self, depth: usize, raw: &[u8], start: u64) {
            self.0.push(format!(
                "key {depth} {} @{start}",
                String::from_utf8_lossy(raw)
            ));
        }
        fn begin(&mut self, depth: usize, kind: Kind, offset: u64) {
            self.0.push(format!("begin {depth} {kind:?} @{offset}"));
        }
        fn end(&mut self, depth: usize, offset: u64, _chunk: Chunk<'_>) {
            self.0.push(format!("end {depth} @{offset}"));
        }
    }

    fn events(text: &str, chunk: usize) -> Vec<String> {
        let mut events = Events::default();
        scan_reader(text.as_bytes(), chunk, &mut events).unwrap();
        events.0
    }

    #[test]
    fn keys_and_values_are_located_whatever_the_chunk_size() {
        let text = r#"{"a\"b": [1, -2.5e+3, "x\u00e9"], "c": {"d": true}}"#;
        let whole = events(text, text.len());
        assert_eq!(
            whole,
            [
                "begin 0 Object @0",
                "key 1 a\\\"b @1",
                "begin 1 Array @9",
                "begin 2 Number @10",
                "end 2 @11",
                "begin 2 Number @13",
                "end 2 @20",
                "begin 2 String @22",
                "end 2 @31",
                "end 1 @32",
                "key 1 c @34",
                "begin 1 Object @39",
                "key 2 d @40",
                "begin 2 Literal @45",
                "end 2 @49",
                "end 1 @50",
                "end 0 @51",
            ]
        );
        for chunk in 4..text.len() {
            assert_eq!(events(text, chunk), whole, "chunks of {chunk}");
        }
    }

    #[test]
    fn errors_name_the_line_and_column_and_never_the_text() {
        let error = validate_json(b"{\n  \"secret\": tru\n}", 3).unwrap_err();
        assert_eq!((error.line, error.column), (2, 16), "{error}");
        assert!(!error.to_string().contains("secret"), "{error}");
        assert_eq!(
            validate_json(b"  ", 7).unwrap_err().what,
            "the file is empty"
        );
        assert!(validate_json(b"[1e400, 12345678901234567890123]", 5).is_ok());
        assert!(validate_json(b"{\"\xff\": 1}", 5).is_err());
    }
}
