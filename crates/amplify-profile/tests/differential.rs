//! A differential test of our reading of `~/.aws/config` and `~/.aws/credentials` against botocore's, the
//! AWS CLI's library and therefore what users check their files with. A seeded generator writes a corpus of
//! file pairs covering the format's corners (delimiters, comments, continuations, nested maps, duplicates,
//! header forms, line ends, byte order marks, non-ASCII text, broken lines); `botocore_oracle.py` reads the
//! whole corpus in one Python process; each case must then either fail in both (in the same file) or give
//! the same profiles, keys and values. The few deliberate differences are named in
//! [`deliberate_difference`] and explained in `docs/profiles.md`.
//!
//! Replay a failure with `AMPLIFY_RS_DIFF_SEED=<seed> cargo test -p amplify-profile --test differential`;
//! `AMPLIFY_RS_DIFF_CASES=<n>` changes the corpus size (default 2000).

// The seed and the summary go to stderr on purpose: cargo shows them when the test fails.
#![allow(clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use amplify_profile::parse::Value;
use amplify_profile::{FileLocations, ProfileSet};

const DEFAULT_SEED: u64 = 0x5EED_A3F1_2026;
const DEFAULT_CASES: usize = 2000;
const SHOWN_MISMATCHES: usize = 20;

// ---------------------------------------------------------------------------------------------------------
// The corpus.

/// One input: the texts of the two files (`None`: the file does not exist).
#[derive(Clone, Debug)]
struct Case {
    id: usize,
    config: Option<String>,
    credentials: Option<String>,
}

/// xorshift64* seeded through splitmix64: tiny, and the same corpus for a seed on every machine and for
/// every version of every crate, so a printed seed replays forever.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 1 } else { z })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(10_000) < (percent as usize) * 100
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    /// An index chosen with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        weights.len() - 1
    }
}

const NAMES: &[&str] = &[
    "dev",
    "prod",
    "default",
    "team.dev",
    "a@b.com",
    "org/dev",
    "p+q",
    "arn:aws:iam",
    "ünïcödé",
    "開発",
    "ΣΑΣ",
    "x-y_z",
    "DEFAULT",
    "profile",
    "#hash",
    "$HOME",
    "a`b",
    "semi;colon",
    "eq=ual",
    "Dev",
];

/// Names that need quotes (or are about quoting) in a `[profile ...]` header.
const QUOTED_NAMES: &[&str] = &[
    "My Box",
    "dev",
    "tab\there",
    "a\\$b",
    "a\\`b",
    "a\\\\b",
    "a\\\"b",
    "a\\xb",
    "",
    "#not comment",
    "team.dev",
];

/// Headers of the config file, `{}` standing for a name.
const CONFIG_HEADERS: &[(&str, &str)] = &[
    ("default", "default"),
    ("profile {}", "profile"),
    ("profile {}", "profile"),
    ("profile {}", "profile"),
    ("profile default", "profile_default"),
    ("profile  {}", "profile_two_spaces"),
    ("profile\t{}", "tab"),
    ("profile \"{q}\"", "quoted_name"),
    ("profile '{q}'", "quoted_name"),
    ("profile {} extra", "three_words"),
    ("profile", "profile_alone"),
    ("profile{}", "profilefoo"),
    ("profilefoo {}", "profilefoo"),
    ("Profile {}", "profile_case"),
    ("sso-session {}", "sso_session"),
    ("sso-session", "sso_session"),
    ("services {}", "services"),
    ("DEFAULT", "default_section"),
    (" profile {} ", "spaces_in_brackets"),
    (" default", "spaces_in_brackets"),
    ("{}", "plain_section"),
    ("profile \"unbalanced", "unbalanced_quote"),
    ("profile a\\ b", "escaped_space"),
    ("profile trailing\\", "trailing_backslash"),
    ("profile #{}", "hash_in_name"),
    ("profile a]b", "bracket_in_name"),
    ("profile {}@corp", "special_name"),
    ("profile\u{a0}{}", "unicode_space_in_header"),
    ("profile\u{b}{}", "unicode_space_in_header"),
    ("\u{3000}default", "unicode_space_in_header"),
];

const CREDENTIALS_HEADERS: &[(&str, &str)] = &[
    ("{}", "plain_section"),
    ("{}", "plain_section"),
    ("{}", "plain_section"),
    ("default", "default"),
    ("profile {}", "profile"),
    ("DEFAULT", "default_section"),
    (" {}", "spaces_in_brackets"),
    ("\"{q}\"", "quoted_name"),
    ("{} {}", "three_words"),
    ("\u{3000}{}", "unicode_space_in_header"),
];

const KEYS: &[&str] = &[
    "region",
    "output",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "role_arn",
    "source_profile",
    "mfa_serial",
    "credential_process",
    "sso_session",
    "endpoint_url",
    "s3",
    "key with space",
    "k.dot",
    "ключ",
    "İd",
    "ΣΑΣ",
    "straße",
    "k#hash",
    "k;semi",
    "[notheader",
    "tab\tkey",
    "x\u{b}y",
];

const DELIMITERS: &[&str] = &[
    "=", " = ", " =", "= ", ":", " : ", ": ", "\t=\t", "  =  ", " :", "=\u{a0}", " = ",
];

const VALUES: &[&str] = &[
    "us-east-1",
    "json",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "arn:aws:iam::111122223333:role/Admin",
    "dev",
    "us-west-2 # not a comment",
    "value ; semi",
    "a=b:c",
    "http://localhost:4566/path?x=1",
    "  padded  ",
    "ünïcödé ✓",
    "日本語",
    "\u{a0}nbsp\u{a0}",
    "has\u{b}vt",
    "has\u{85}nel",
    "zero\u{200b}width",
    "#starts with hash",
    "\"quoted\"",
    "tab\there",
    "trailing\\",
    "ΣΑΣ",
    "line\u{2028}sep",
    "\u{feff}inner bom",
];

const INDENTS: &[&str] = &[
    "  ", "\t", "    ", " ", "\u{a0}", "\u{3000}", "\u{c}", " \t",
];

const NESTED_KEYS: &[&str] = &[
    "max_concurrent_requests",
    "Addressing_Style",
    "endpoint_url",
    "signature_version",
    "Ключ",
    "with space",
    "",
];

const NESTED_DELIMITERS: &[&str] = &["=", " = ", "= ", " =", "==", "\t=\t"];

/// A file being written, and the features it exercises (checked against [`REQUIRED_FEATURES`]).
struct FileWriter<'r> {
    rng: &'r mut Rng,
    lines: Vec<String>,
    features: BTreeSet<&'static str>,
    credentials: bool,
}

impl FileWriter<'_> {
    fn line(&mut self, line: String) {
        self.lines.push(line);
    }

    fn name(&mut self) -> String {
        self.rng.pick(NAMES).to_string()
    }

    fn key(&mut self) -> String {
        let key = self.rng.pick(KEYS);
        match self.rng.weighted(&[6, 2, 1, 1]) {
            0 => key.to_string(),
            1 => {
                self.features.insert("mixed_case_key");
                key.to_uppercase()
            }
            2 => {
                self.features.insert("mixed_case_key");
                let mut chars = key.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
            _ => {
                self.features.insert("mixed_case_key");
                key.chars()
                    .map(|c| {
                        if self.rng.chance(50) {
                            c.to_uppercase().collect::<String>()
                        } else {
                            c.to_string()
                        }
                    })
                    .collect()
            }
        }
    }

    fn delimiter(&mut self) -> &'static str {
        let d = self.rng.pick(DELIMITERS);
        self.features
            .insert(if d.contains(':') { "colon" } else { "equals" });
        if d.contains('\t') {
            self.features.insert("tab");
        }
        d
    }

    fn value(&mut self) -> String {
        let v = self.rng.pick(VALUES);
        if v.contains(" # ") {
            self.features.insert("inline_hash");
        }
        if !v.is_ascii() {
            self.features.insert("non_ascii");
        }
        v.to_string()
    }

    fn header(&mut self) -> String {
        let table = if self.credentials {
            CREDENTIALS_HEADERS
        } else {
            CONFIG_HEADERS
        };
        let (template, feature) = table[self.rng.below(table.len())];
        self.features.insert(feature);
        let mut header = template.to_string();
        while header.contains("{q}") {
            let q = self.rng.pick(QUOTED_NAMES);
            header = header.replacen("{q}", q, 1);
        }
        while header.contains("{}") {
            let name = self.name();
            if name.contains('.') {
                self.features.insert("dotted_name");
            }
            if name.contains(['@', '/', '+', ':']) {
                self.features.insert("special_name");
            }
            if !name.is_ascii() {
                self.features.insert("non_ascii");
            }
            header = header.replacen("{}", &name, 1);
        }
        header
    }

    fn header_line(&mut self, header: &str) -> String {
        match self.rng.weighted(&[20, 1, 1, 1, 1]) {
            0 => format!("[{header}]"),
            1 => format!("[{header}] ; trailing"),
            2 => format!("[{header}]junk"),
            3 => {
                self.features.insert("indented_header");
                format!("  [{header}]")
            }
            _ => format!("[{header}]\t"),
        }
    }

    fn comment(&mut self) -> String {
        let marker = if self.rng.chance(50) { "#" } else { ";" };
        self.features.insert(if marker == "#" {
            "hash_comment"
        } else {
            "semicolon_comment"
        });
        let indent = if self.rng.chance(25) {
            self.features.insert("indented_comment");
            self.rng.pick(INDENTS)
        } else {
            ""
        };
        format!("{indent}{marker} a comment = with: delimiters [and brackets]")
    }

    fn blank(&mut self) -> String {
        self.features.insert("blank_line");
        if self.rng.chance(70) {
            String::new()
        } else {
            self.rng.pick(&[" ", "\t", "  \t ", "\u{a0}"]).to_string()
        }
    }

    /// A key the section does not have yet (most of the time: a few tries, then a duplicate).
    fn fresh_key(&mut self, used: &mut Vec<String>) -> String {
        let mut key = self.key();
        for _ in 0..5 {
            if !used.contains(&key.to_lowercase()) {
                break;
            }
            key = self.key();
        }
        if used.contains(&key.to_lowercase()) {
            self.features.insert("duplicate_key");
        }
        used.push(key.to_lowercase());
        key
    }

    /// Key lines of one section. `used` holds the section's (lower-cased) keys, for duplicates on purpose.
    fn section_body(&mut self, used: &mut Vec<String>) {
        let items = self.rng.weighted(&[2, 4, 6, 6, 4, 2]);
        let mut last_was_key = false;
        for _ in 0..items {
            let kind = self.rng.weighted(&[90, 20, 16, 16, 16, 8, 2, 1, 2, 6, 2]);
            let was_key = last_was_key;
            last_was_key = false;
            match kind {
                // key = value, with a fresh key.
                0 | 5 => {
                    let key = self.fresh_key(used);
                    let delimiter = self.delimiter();
                    let value = if kind == 5 {
                        self.features.insert("empty_value");
                        String::new()
                    } else {
                        self.value()
                    };
                    self.line(format!("{key}{delimiter}{value}"));
                    // Text under an empty value is a nested map, mostly broken: not too often.
                    last_was_key = kind == 0 || self.rng.chance(30);
                }
                // Continuation lines of the previous value (blank lines and comments among them).
                1 if was_key => {
                    self.features.insert("continuation");
                    for _ in 0..1 + self.rng.below(3) {
                        match self.rng.weighted(&[6, 1, 1]) {
                            0 => {
                                let indent = self.rng.pick(INDENTS);
                                let text = self.value();
                                let text = if text.trim().is_empty() {
                                    "more".into()
                                } else {
                                    text
                                };
                                self.line(format!("{indent}{text}"));
                            }
                            1 => {
                                self.features.insert("blank_in_value");
                                let blank = self.blank();
                                self.line(blank);
                            }
                            _ => {
                                let comment = self.comment();
                                self.line(comment);
                            }
                        }
                    }
                    last_was_key = true;
                }
                // A nested map.
                2 => {
                    self.features.insert("nested");
                    let key = if self.rng.chance(60) {
                        "s3".to_string()
                    } else {
                        self.key()
                    };
                    if used.contains(&key.to_lowercase()) {
                        self.features.insert("duplicate_key");
                    }
                    used.push(key.to_lowercase());
                    let delimiter = self.rng.pick(&["=", " =", " = ", ":", " =  "]);
                    self.line(format!("{key}{delimiter}"));
                    let indent = self.rng.pick(INDENTS);
                    let mut nested_used: Vec<String> = Vec::new();
                    for _ in 0..1 + self.rng.below(4) {
                        match self.rng.weighted(&[40, 1, 2, 2, 2, 1, 1]) {
                            0 => {
                                let k = if !nested_used.is_empty() && self.rng.chance(8) {
                                    self.features.insert("nested_duplicate");
                                    nested_used[self.rng.below(nested_used.len())].clone()
                                } else {
                                    self.rng.pick(NESTED_KEYS).to_string()
                                };
                                nested_used.push(k.clone());
                                let d = self.rng.pick(NESTED_DELIMITERS);
                                let v = self.value();
                                self.line(format!("{indent}{k}{d}{v}"));
                            }
                            1 => {
                                self.features.insert("nested_not_key_value");
                                self.line(format!("{indent}region : us-east-1"));
                            }
                            2 => {
                                self.features.insert("nested_line_separator");
                                let sep = self.rng.pick(&[
                                    "\u{85}", "\u{2028}", "\u{b}", "\u{c}", "\u{1c}", "\u{1e}",
                                    "\u{2029}",
                                ]);
                                self.line(format!("{indent}a = 1{sep}b = 2"));
                            }
                            3 => {
                                self.features.insert("blank_in_value");
                                let blank = self.blank();
                                self.line(blank);
                            }
                            4 => {
                                let comment = self.comment();
                                self.line(comment);
                            }
                            5 => {
                                // Deeper indentation: still the same nested map.
                                self.line(format!("{indent}{indent} deeper = yes"));
                            }
                            _ => self.line(format!("{indent}no delimiter")),
                        }
                    }
                }
                3 => {
                    let comment = self.comment();
                    self.line(comment);
                    last_was_key = was_key;
                }
                4 => {
                    let blank = self.blank();
                    self.line(blank);
                    last_was_key = was_key;
                }
                6 => {
                    self.features.insert("not_key_value");
                    let line = self.rng.pick(&[
                        "just some words",
                        "[not a header",
                        "aws_secret_access_key wJalrXUtnFEMI",
                        "[]",
                    ]);
                    self.line(line.to_string());
                }
                7 => {
                    self.features.insert("empty_key");
                    let line = self.rng.pick(&["= value", ": value", " = "]);
                    self.line(line.to_string());
                }
                8 if !used.is_empty() => {
                    self.features.insert("duplicate_key");
                    let key = used[self.rng.below(used.len())].clone();
                    let key = if self.rng.chance(50) {
                        key.to_uppercase()
                    } else {
                        key
                    };
                    let delimiter = self.delimiter();
                    let value = self.value();
                    self.line(format!("{key}{delimiter}{value}"));
                    last_was_key = true;
                }
                9 => {
                    // An indented key: a continuation when deeper than the key above, else a key.
                    self.features.insert("indented_key");
                    let indent = self.rng.pick(INDENTS);
                    let key = self.fresh_key(used);
                    let delimiter = self.delimiter();
                    let value = self.value();
                    self.line(format!("{indent}{key}{delimiter}{value}"));
                    last_was_key = true;
                }
                10 => {
                    self.features.insert("bracket_line");
                    let line = self.rng.pick(&["[a]=b", "[x] = y", "[z=1"]);
                    self.line(line.to_string());
                }
                _ => {}
            }
        }
    }

    fn file(mut self) -> (String, BTreeSet<&'static str>) {
        if self.rng.chance(10) {
            self.features.insert("before_section");
            for _ in 0..1 + self.rng.below(2) {
                let line = match self.rng.weighted(&[4, 3, 1, 1]) {
                    0 => self.comment(),
                    1 => self.blank(),
                    2 => "region = us-east-1".to_string(),
                    _ => "stray words".to_string(),
                };
                self.line(line);
            }
        }
        let sections = self.rng.weighted(&[1, 5, 6, 5, 3, 2]);
        let mut headers: Vec<String> = Vec::new();
        for _ in 0..sections {
            let header = if !headers.is_empty() && self.rng.chance(2) {
                self.features.insert("duplicate_section");
                headers[self.rng.below(headers.len())].clone()
            } else {
                let mut header = self.header();
                for _ in 0..5 {
                    if !headers.contains(&header) {
                        break;
                    }
                    header = self.header();
                }
                if headers.contains(&header) {
                    self.features.insert("duplicate_section");
                }
                header
            };
            headers.push(header.clone());
            let line = self.header_line(&header);
            self.line(line);
            let mut used = Vec::new();
            self.section_body(&mut used);
        }
        if headers.iter().any(|h| h == "default") && headers.iter().any(|h| h == "profile default")
        {
            self.features.insert("default_and_profile_default");
        }

        // Line ends.
        let style = self.rng.weighted(&[60, 20, 5, 15]);
        let ends: &[&str] = match style {
            0 => &["\n"],
            1 => {
                self.features.insert("crlf");
                &["\r\n"]
            }
            2 => {
                self.features.insert("lone_cr");
                &["\r"]
            }
            _ => {
                self.features.insert("crlf");
                self.features.insert("lone_cr");
                &["\n", "\r\n", "\r"]
            }
        };
        let mut text = String::new();
        let count = self.lines.len();
        for (i, line) in std::mem::take(&mut self.lines).into_iter().enumerate() {
            text.push_str(&line);
            if i + 1 < count || self.rng.chance(85) {
                text.push_str(ends[self.rng.below(ends.len())]);
            }
        }
        if self.rng.chance(6) {
            self.features.insert("mutated");
            for _ in 0..1 + self.rng.below(3) {
                mutate(self.rng, &mut text);
            }
        }
        if self.rng.chance(3) {
            self.features.insert("bom");
            text.insert(0, '\u{feff}');
        }
        (text, self.features)
    }
}

/// What a mutation inserts: the format's own characters, line ends Python does and does not break at, a
/// BOM, NUL.
const MUTATION_CHARS: &[char] = &[
    '\n', '\r', ' ', '\t', '[', ']', '=', ':', '#', ';', '"', '\'', '\\', '\u{85}', '\u{a0}',
    '\u{feff}', 'é', '\u{1f}', '\u{0}', '\u{2028}', '\u{b}', '\u{c}', '\u{1c}',
];

/// One random edit: a character inserted or deleted, or a line doubled.
fn mutate(rng: &mut Rng, text: &mut String) {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let at = boundaries[rng.below(boundaries.len())];
    match rng.weighted(&[5, 2, 2]) {
        0 => {
            let c = MUTATION_CHARS[rng.below(MUTATION_CHARS.len())];
            text.insert(at, c);
        }
        1 => {
            if at < text.len() {
                text.remove(at);
            }
        }
        _ => {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            let line = text[start..end].to_string();
            text.insert_str(start, &line);
        }
    }
}

/// Every feature the corpus must cover; the test fails if a seed misses one.
const REQUIRED_FEATURES: &[&str] = &[
    "equals",
    "colon",
    "mixed_case_key",
    "hash_comment",
    "semicolon_comment",
    "indented_comment",
    "inline_hash",
    "continuation",
    "nested",
    "empty_value",
    "duplicate_key",
    "duplicate_section",
    "default",
    "profile_default",
    "default_and_profile_default",
    "dotted_name",
    "special_name",
    "quoted_name",
    "profilefoo",
    "sso_session",
    "services",
    "default_section",
    "spaces_in_brackets",
    "crlf",
    "lone_cr",
    "bom",
    "non_ascii",
    "tab",
    "blank_in_value",
    "before_section",
    "not_key_value",
    "empty_key",
    "nested_line_separator",
    "nested_not_key_value",
    "nested_duplicate",
    "indented_key",
    "mutated",
];

fn generate(seed: u64, count: usize) -> (Vec<Case>, BTreeMap<&'static str, usize>) {
    let mut rng = Rng::new(seed);
    let mut cases = Vec::with_capacity(count);
    let mut coverage: BTreeMap<&'static str, usize> = BTreeMap::new();
    for id in 0..count {
        let (has_config, has_credentials) = match rng.weighted(&[45, 30, 20, 5]) {
            0 => (true, true),
            1 => (true, false),
            2 => (false, true),
            _ => (false, false),
        };
        let mut file = |credentials: bool, rng: &mut Rng| {
            let (text, features) = FileWriter {
                rng,
                lines: Vec::new(),
                features: BTreeSet::new(),
                credentials,
            }
            .file();
            for f in features {
                *coverage.entry(f).or_default() += 1;
            }
            text
        };
        let config = has_config.then(|| file(false, &mut rng));
        let credentials = has_credentials.then(|| file(true, &mut rng));
        // An empty file (present) now and then, as opposed to a missing one.
        let config = config.or_else(|| rng.chance(20).then(String::new));
        cases.push(Case {
            id,
            config,
            credentials,
        });
    }
    (cases, coverage)
}

// ---------------------------------------------------------------------------------------------------------
// The two readers' answers, in one shape.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Text(String),
    Map(BTreeMap<String, String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Profiles(BTreeMap<String, BTreeMap<String, Val>>),
    /// Which file failed (`config` or `credentials`) and, for the report, why.
    Error {
        file: String,
        detail: String,
    },
}

impl Outcome {
    fn agrees_with(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Profiles(a), Outcome::Profiles(b)) => a == b,
            (Outcome::Error { file: a, .. }, Outcome::Error { file: b, .. }) => a == b,
            _ => false,
        }
    }
}

/// Python's line count for a text read in universal-newlines mode.
fn line_count(text: &str) -> usize {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.split_inclusive('\n').count().max(1)
}

fn ours(case: &Case, files: &FileLocations) -> Result<Outcome, String> {
    let result = std::panic::catch_unwind(|| {
        ProfileSet::from_texts(files, case.config.as_deref(), case.credentials.as_deref())
    })
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("our parser panicked: {message}")
    })?;
    match result {
        Ok(set) => {
            let mut profiles = BTreeMap::new();
            for name in set.names() {
                let profile = set.get(name).ok_or("a listed profile cannot be got")?;
                let mut keys = BTreeMap::new();
                for (key, property) in profile.properties() {
                    let value = match &property.value {
                        Value::Text(text) => Val::Text(text.clone()),
                        Value::Map(pairs) => {
                            let map: BTreeMap<String, String> = pairs.iter().cloned().collect();
                            if map.len() != pairs.len() {
                                return Err(format!(
                                    "the nested map `{key}` of `{name}` repeats a key: {pairs:?}"
                                ));
                            }
                            Val::Map(map)
                        }
                    };
                    keys.insert(key.to_string(), value);
                }
                profiles.insert(name.to_string(), keys);
            }
            Ok(Outcome::Profiles(profiles))
        }
        Err(error) => {
            let (file, text) = if *error.location.path == *files.config {
                ("config", case.config.as_deref())
            } else if *error.location.path == *files.credentials {
                ("credentials", case.credentials.as_deref())
            } else {
                return Err(format!("our error names neither file: {error}"));
            };
            let lines = line_count(text.unwrap_or(""));
            if error.location.line == 0 || error.location.line > lines {
                return Err(format!(
                    "our error's line {} is outside the file's {lines} lines: {error}",
                    error.location.line
                ));
            }
            if !error.to_string().contains(&error.location.to_string()) {
                return Err(format!("our error does not say PATH:LINE: {error}"));
            }
            Ok(Outcome::Error {
                file: file.to_string(),
                detail: format!("{:?}", error.kind),
            })
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// Runs `botocore_oracle.py` once over every case; answers by id.
fn botocore(cases: &[Case]) -> BTreeMap<usize, Outcome> {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `cargo xtask setup` (the differential test needs botocore)",
        python.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/botocore_oracle.py");
    let input = serde_json::Value::Array(
        cases
            .iter()
            .map(|c| serde_json::json!({"id": c.id, "config": c.config, "credentials": c.credentials}))
            .collect(),
    );
    let mut child = Command::new(&python)
        .arg("-X")
        .arg("utf8")
        .arg(&script)
        .env("PYTHONUTF8", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}; run `cargo xtask setup`",
                python.display()
            )
        });
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(input.to_string().as_bytes())
            .expect("the oracle reads its input");
    });
    let output = child.wait_with_output().expect("the oracle runs");
    writer.join().expect("the writer thread ends");
    assert!(
        output.status.success(),
        "botocore_oracle.py failed ({}); if botocore is missing, run `cargo xtask setup`:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut answers = BTreeMap::new();
    for line in output.stdout.lines() {
        let line = line.expect("the oracle prints UTF-8");
        let answer: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the oracle printed a line that is not JSON ({e}): {line}"));
        let id = answer["id"].as_u64().expect("an id") as usize;
        let outcome = if let Some(profiles) = answer.get("profiles") {
            Outcome::Profiles(from_botocore(profiles))
        } else {
            Outcome::Error {
                file: answer["file"].as_str().unwrap_or("?").to_string(),
                detail: format!("{} ({})", answer["error"], answer["detail"]),
            }
        };
        answers.insert(id, outcome);
    }
    assert_eq!(
        answers.len(),
        cases.len(),
        "the oracle answered {} of {} cases",
        answers.len(),
        cases.len()
    );
    answers
}

fn from_botocore(profiles: &serde_json::Value) -> BTreeMap<String, BTreeMap<String, Val>> {
    let object = |v: &serde_json::Value| v.as_object().cloned().expect("a JSON object");
    object(profiles)
        .into_iter()
        .map(|(name, keys)| {
            let keys = object(&keys)
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        serde_json::Value::String(text) => Val::Text(text),
                        serde_json::Value::Object(map) => Val::Map(
                            map.into_iter()
                                .map(|(k, v)| (k, v.as_str().expect("a nested string").to_string()))
                                .collect(),
                        ),
                        other => {
                            panic!("botocore gave a value that is neither text nor map: {other}")
                        }
                    };
                    (key, value)
                })
                .collect();
            (name, keys)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Where we differ from botocore on purpose (each one explained in docs/profiles.md).

#[derive(Clone, Copy, Debug)]
struct Deliberate {
    /// The row of the table in docs/profiles.md.
    name: &'static str,
    why: &'static str,
    /// What botocore must read instead to give our answer.
    equivalent: fn(&Case) -> Case,
    /// Whether botocore's answer on the case itself still shows the difference (else the exception is stale).
    botocore_still_differs: fn(&Outcome) -> bool,
}

const BOM: Deliberate = Deliberate {
    name: "A UTF-8 byte order mark at the start of a file",
    why: "botocore reads the BOM as part of the first line and fails with MissingSectionHeaderError; \
          Windows editors write one, so we skip it and read the rest as botocore reads a file without it",
    equivalent: |case| Case {
        id: case.id,
        config: case.config.as_deref().map(strip_bom),
        credentials: case.credentials.as_deref().map(strip_bom),
    },
    botocore_still_differs: |outcome| matches!(outcome, Outcome::Error { .. }),
};

fn strip_bom(text: &str) -> String {
    text.strip_prefix('\u{feff}').unwrap_or(text).to_string()
}

const DELIBERATE: &[Deliberate] = &[BOM];

/// The deliberate difference `case` runs into, if any.
fn deliberate_difference(case: &Case) -> Option<Deliberate> {
    let bom = |text: &Option<String>| text.as_deref().is_some_and(|t| t.starts_with('\u{feff}'));
    (bom(&case.config) || bom(&case.credentials)).then_some(BOM)
}

// ---------------------------------------------------------------------------------------------------------

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => value.replace('_', "").parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

#[test]
fn our_reading_of_the_aws_files_matches_botocore() {
    let started = Instant::now();
    let seed = env_number("AMPLIFY_RS_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("AMPLIFY_RS_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    eprintln!(
        "differential test: seed {seed} (replay with AMPLIFY_RS_DIFF_SEED={seed}), {count} cases"
    );

    let (cases, coverage) = generate(seed, count);
    let missing: Vec<&str> = REQUIRED_FEATURES
        .iter()
        .copied()
        .filter(|f| !coverage.contains_key(f))
        .collect();
    assert!(
        missing.is_empty(),
        "seed {seed}: the corpus of {count} cases does not cover {missing:?}; use more cases"
    );

    // botocore reads every case, and for a case with a deliberate difference also the input that should
    // give our answer (ids from `count` on).
    let mut oracle_input = cases.clone();
    let mut equivalents: BTreeMap<usize, (usize, Deliberate)> = BTreeMap::new();
    for case in &cases {
        if let Some(deliberate) = deliberate_difference(case) {
            let mut equivalent = (deliberate.equivalent)(case);
            equivalent.id = count + equivalents.len();
            equivalents.insert(case.id, (equivalent.id, deliberate));
            oracle_input.push(equivalent);
        }
    }
    let answers = botocore(&oracle_input);

    let files = FileLocations {
        config: "/differential/.aws/config".into(),
        credentials: "/differential/.aws/credentials".into(),
    };
    let mut mismatches = Vec::new();
    let mut deliberate_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut both_ok, mut both_err) = (0usize, 0usize);
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        let theirs = &answers[&case.id];
        let ours = match ours(case, &files) {
            Ok(outcome) => outcome,
            Err(problem) => {
                mismatches.push(report(seed, case, theirs, &problem, None));
                continue;
            }
        };
        if let Some((equivalent_id, deliberate)) = equivalents.get(&case.id) {
            *deliberate_counts.entry(deliberate.name).or_default() += 1;
            // The difference must still exist (else the exception is stale) ...
            if !(deliberate.botocore_still_differs)(theirs) {
                mismatches.push(report(
                    seed,
                    case,
                    theirs,
                    &format!("{ours:?}"),
                    Some(&format!(
                        "botocore no longer behaves as documented: review the deliberate difference `{}`",
                        deliberate.name
                    )),
                ));
            }
            // ... and we must read the case as botocore reads its equivalent.
            let theirs = &answers[equivalent_id];
            if !theirs.agrees_with(&ours) {
                mismatches.push(report(
                    seed,
                    case,
                    theirs,
                    &format!("{ours:?}"),
                    Some(&format!(
                        "compared with botocore's reading of the case without `{}` ({})",
                        deliberate.name, deliberate.why
                    )),
                ));
            }
            continue;
        }
        if theirs.agrees_with(&ours) {
            match ours {
                Outcome::Profiles(_) => both_ok += 1,
                Outcome::Error { .. } => {
                    both_err += 1;
                    if let Outcome::Error { detail, .. } = theirs {
                        *refusals.entry(detail.clone()).or_default() += 1;
                    }
                }
            }
        } else {
            mismatches.push(report(seed, case, theirs, &format!("{ours:?}"), None));
        }
    }

    eprintln!(
        "differential test: {} cases agree ({both_ok} read, {both_err} refused by both), deliberate differences: {deliberate_counts:?}, {} mismatches, {:.2?}",
        both_ok + both_err,
        mismatches.len(),
        started.elapsed()
    );
    eprintln!("botocore's refusals: {refusals:?}");
    eprintln!("coverage (files per feature): {coverage:?}");
    assert!(
        mismatches.is_empty(),
        "{} of {count} cases differ from botocore (seed {seed}; replay with AMPLIFY_RS_DIFF_SEED={seed}). The first {}:\n\n{}",
        mismatches.len(),
        SHOWN_MISMATCHES.min(mismatches.len()),
        mismatches
            .iter()
            .take(SHOWN_MISMATCHES)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // A corpus where nearly everything fails to parse would compare little.
    assert!(
        both_ok * 2 > count,
        "only {both_ok} of {count} cases parse: the generator breaks too many files"
    );
    assert!(
        both_err * 20 > count,
        "only {both_err} of {count} cases are refused: too few broken files"
    );
}

fn report(seed: u64, case: &Case, theirs: &Outcome, ours: &str, note: Option<&str>) -> String {
    format!(
        "--- seed {seed}, case {}{}\n  config:      {:?}\n  credentials: {:?}\n  botocore:    {theirs:?}\n  ours:        {ours}\n",
        case.id,
        note.map(|n| format!(" ({n})")).unwrap_or_default(),
        case.config,
        case.credentials,
    )
}

#[test]
fn every_deliberate_difference_is_documented() {
    let docs = repo_root().join("docs/profiles.md");
    let text = std::fs::read_to_string(&docs)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", docs.display()));
    for deliberate in DELIBERATE {
        assert!(
            text.contains(deliberate.name),
            "{} does not list the deliberate difference `{}` ({})",
            docs.display(),
            deliberate.name,
            deliberate.why
        );
    }
}
