//! The seeded corpus of `~/.aws/config` and `~/.aws/credentials` pairs that the test binaries share: the
//! differential test reads it with botocore and with us, the document test writes it back and edits it. A
//! generator covering the format's corners (delimiters, comments, continuations, nested maps, duplicates,
//! header forms, line ends, byte order marks, non-ASCII text, broken lines), seeded so that a printed seed
//! replays the same corpus on every machine.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The seed both test binaries use unless told otherwise.
pub const DEFAULT_SEED: u64 = 0x5EED_A3F1_2026;

/// One input: the texts of the two files (`None`: the file does not exist).
#[derive(Clone, Debug)]
pub struct Case {
    pub id: usize,
    pub config: Option<String>,
    pub credentials: Option<String>,
}

/// xorshift64* seeded through splitmix64: tiny, and the same corpus for a seed on every machine and for
/// every version of every crate, so a printed seed replays forever.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 1 } else { z })
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(10_000) < (percent as usize) * 100
    }

    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    /// An index chosen with the given weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
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
pub const REQUIRED_FEATURES: &[&str] = &[
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

pub fn generate(seed: u64, count: usize) -> (Vec<Case>, BTreeMap<&'static str, usize>) {
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

/// A number from the environment (decimal, or hex with `0x`; `_` allowed), for seeds and corpus sizes.
pub fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => value.replace('_', "").parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}
