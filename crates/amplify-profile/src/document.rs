//! A lossless model of one shared file, for edits that touch only their lines (the gitoxide `gix-config`
//! habit). People edit `~/.aws/config` and `~/.aws/credentials` by hand, with comments, their own spacing,
//! CRLF endings; a program that changes one key must leave every other byte as it was. A [`Document`] keeps
//! the text as lines with their exact endings, so it writes back byte for byte what it read, even a file the
//! AWS CLI refuses, and its edits replace, add or remove only the lines of the key they are about, copying the
//! section's indentation and `=` spacing.
//!
//! Where the sections, keys and continuation lines are is found with the rules of [`crate::parse`], and which
//! section is a profile's with the rules of [`crate::ProfileSet`] (which it calls). Every edit is checked
//! before it is kept: the file is read again as the AWS CLI reads it, and it must give exactly the profiles
//! it gave before plus the change, or the edit is refused with an [`EditError`] and nothing changes.

use std::path::Path;

use crate::error::LoadError;
use std::collections::BTreeMap;
use std::fmt;

use crate::error::EditError;
use crate::location::FileLocations;
use crate::parse::{self, DEFAULT_SECTION, Value, is_py_space};
use crate::profiles::ProfileSet;

/// Which file a document is, since they name profiles differently: `[profile NAME]` and `[default]` in the
/// config file, `[NAME]` in the credentials file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Config,
    Credentials,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        })
    }
}

/// One shared file, kept byte for byte: `Document::new(kind, text).to_string() == text` for every text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    kind: FileKind,
    /// A UTF-8 byte order mark before the first line (which the reader skips).
    bom: bool,
    lines: Vec<Line>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Line {
    text: String,
    /// `"\n"`, `"\r\n"`, `"\r"`, or `""` for a last line without one.
    end: &'static str,
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bom {
            f.write_str("\u{feff}")?;
        }
        for line in &self.lines {
            f.write_str(&line.text)?;
            f.write_str(line.end)?;
        }
        Ok(())
    }
}

/// A section: its header, the header's line, and its keys.
#[derive(Debug)]
struct Section {
    header: String,
    line: usize,
    keys: Vec<KeyLine>,
}

/// A `key = value` line and the last line of its value (continuation lines, and the blank lines and comments
/// among them).
#[derive(Debug)]
struct KeyLine {
    /// Lower-cased, as the reader stores it.
    key: String,
    line: usize,
    last: usize,
}

/// The edit being checked, for the comparison with the file read again.
enum Change<'a> {
    Set { key: String, value: &'a str },
    Remove { key: String },
}

/// What the reader makes of one file: each profile's and sso-session's keys, and the `[DEFAULT]` keys a new
/// section would inherit.
#[derive(Debug, PartialEq)]
struct Reading {
    profiles: BTreeMap<String, BTreeMap<String, Value>>,
    sso_sessions: BTreeMap<String, BTreeMap<String, Value>>,
    defaults: BTreeMap<String, Value>,
}

/// How a section writes its keys: `  key = value`, `key=value`, `key: value`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Style {
    indent: String,
    before: String,
    delimiter: char,
    after: String,
}

impl Default for Style {
    /// `key = value`, as `aws configure set` writes.
    fn default() -> Self {
        Style {
            indent: String::new(),
            before: " ".into(),
            delimiter: '=',
            after: " ".into(),
        }
    }
}

impl Style {
    fn line(&self, key: &str, value: &str) -> String {
        let Style {
            indent,
            before,
            delimiter,
            after,
        } = self;
        if value.is_empty() {
            format!("{indent}{key}{before}{delimiter}")
        } else {
            format!("{indent}{key}{before}{delimiter}{after}{value}")
        }
    }
}

/// The parts of a key line: indentation, key, white space, delimiter, white space, value.
struct KeyParts<'a> {
    indent: &'a str,
    before: &'a str,
    /// Everything up to and including the delimiter.
    head: &'a str,
    delimiter: char,
    /// The white space after the delimiter; `None` when the value is empty.
    after: Option<&'a str>,
}

impl<'a> KeyParts<'a> {
    fn of(text: &'a str) -> Option<Self> {
        let indent = &text[..text.len() - text.trim_start_matches(is_py_space).len()];
        let split = indent.len() + text[indent.len()..].find(['=', ':'])?;
        let key = &text[indent.len()..split];
        let before = &key[key.trim_end_matches(is_py_space).len()..];
        let rest = &text[split + 1..];
        let value_start = rest.len() - rest.trim_start_matches(is_py_space).len();
        let after = (!py_strip(rest).is_empty()).then(|| &rest[..value_start]);
        Some(KeyParts {
            indent,
            before,
            head: &text[..=split],
            delimiter: text[split..].chars().next()?,
            after,
        })
    }

    fn style(&self) -> Style {
        Style {
            indent: self.indent.into(),
            before: self.before.into(),
            delimiter: self.delimiter,
            after: self.after.unwrap_or(self.before).into(),
        }
    }
}

impl Document {
    /// Reads the file at `path` (a missing file is an empty document). The file must be one the AWS CLI
    /// can read: an edit of a file it refuses would be a guess.
    pub fn load(path: &Path, kind: FileKind) -> Result<Document, LoadError> {
        let [text] = crate::profiles::read_texts([path])?;
        let text = text.as_deref().unwrap_or_default();
        crate::parse::parse(path, text)?;
        Ok(Document::new(kind, text))
    }

    /// Writes the document to `path` atomically, mode 0600 (both files can hold keys). A missing folder
    /// (`~/.aws`) is created 0700; an existing one is left as it is.
    pub fn save(&self, path: &Path) -> Result<(), LoadError> {
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            use std::os::unix::fs::DirBuilderExt as _;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|source| amplify_fs::FsError::CreateDir {
                    path: dir.to_path_buf(),
                    source,
                })?;
        }
        amplify_fs::write_atomic(path, self.to_string().as_bytes(), amplify_fs::Mode::Private)?;
        Ok(())
    }

    /// Never fails: any text, even one the reader refuses, is kept byte for byte.
    pub fn new(kind: FileKind, text: &str) -> Document {
        let (bom, mut rest) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut lines = Vec::new();
        while !rest.is_empty() {
            let at = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let end = if rest[at..].starts_with("\r\n") {
                "\r\n"
            } else if rest[at..].starts_with('\r') {
                "\r"
            } else if rest[at..].starts_with('\n') {
                "\n"
            } else {
                ""
            };
            lines.push(Line {
                text: rest[..at].to_string(),
                end,
            });
            rest = &rest[at + end.len()..];
        }
        Document { kind, bom, lines }
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// Does the file have a section for `profile`? In the config file `[profile NAME]` (or any header the AWS
    /// CLI reads as that profile, such as `[profile "NAME"]`), or `[default]` for `default`; in the
    /// credentials file `[NAME]`.
    pub fn has_profile(&self, profile: &str) -> bool {
        self.section_of(&self.sections(), profile).is_some()
    }

    /// Sets `key = value` in the profile's section. An existing key (matched case-insensitively) keeps its
    /// line's indentation, spelling and spacing around the delimiter, and loses the continuation lines of its
    /// old value; a new key goes after the section's last key, written in the section's style; a missing
    /// section is added at the end of the file. When several sections name the profile (`[default]` and
    /// `[profile default]`, or `[profile dev]` and `[profile "dev"]`), the later one is edited: it is the one
    /// the AWS CLI uses.
    pub fn set(&mut self, profile: &str, key: &str, value: &str) -> Result<(), EditError> {
        self.check_key(profile, key)?;
        let invalid = |problem| EditError::InvalidValue {
            kind: self.kind,
            profile: profile.into(),
            key: key.into(),
            problem,
        };
        if value.contains(['\n', '\r']) {
            return Err(invalid("holds a line break"));
        }
        if value.starts_with(is_py_space) || value.ends_with(is_py_space) {
            return Err(invalid(
                "starts or ends with white space, which the AWS CLI drops",
            ));
        }
        let before = self.read(profile)?;
        let sections = self.sections();
        let lower = key.to_lowercase();
        let mut edited = self.clone();
        match self.section_of(&sections, profile) {
            Some(index) => {
                let section = &sections[index];
                match section.keys.iter().find(|k| k.key == lower) {
                    Some(existing) => {
                        let line = &self.lines[existing.line];
                        // A key line always has a delimiter; were it not found, refuse rather than guess.
                        let text = replace_value(&line.text, value)
                            .ok_or_else(|| self.unverified(profile, key))?;
                        edited.lines.splice(
                            existing.line..=existing.last,
                            [Line {
                                text,
                                end: line.end,
                            }],
                        );
                    }
                    None => {
                        let at = section.keys.last().map_or(section.line, |k| k.last) + 1;
                        let style = self.style(&sections, index);
                        edited.insert(at, style.line(key, value));
                    }
                }
            }
            None => {
                let header = self.header_for(profile)?;
                let style = self.file_style(&sections);
                edited.append_section(&sections, &header, &style.line(key, value));
            }
        }
        self.keep(before, edited, profile, Change::Set { key: lower, value })
    }

    /// Removes the key's line and its value's continuation lines from the profile's section (the later one
    /// when several name it). Returns whether the section had the key; a key the profile only inherits from
    /// `[DEFAULT]` is not in its section, and a removed key that `[DEFAULT]` also sets is then inherited.
    pub fn remove(&mut self, profile: &str, key: &str) -> Result<bool, EditError> {
        self.check_key(profile, key)?;
        let before = self.read(profile)?;
        let sections = self.sections();
        let lower = key.to_lowercase();
        let Some(index) = self.section_of(&sections, profile) else {
            return Ok(false);
        };
        let Some(existing) = sections[index].keys.iter().find(|k| k.key == lower) else {
            return Ok(false);
        };
        let mut edited = self.clone();
        edited.lines.drain(existing.line..=existing.last);
        self.keep(before, edited, profile, Change::Remove { key: lower })?;
        Ok(true)
    }

    fn check_key(&self, profile: &str, key: &str) -> Result<(), EditError> {
        let problem = if key.is_empty() {
            Some("is empty")
        } else if key.contains(is_py_space) {
            Some("holds white space")
        } else if key.contains(['=', ':']) {
            Some("holds `=` or `:`, which would end the key")
        } else if key.contains('[') {
            Some("holds `[`")
        } else if key.starts_with(['#', ';']) {
            Some("starts with `#` or `;`, which would make the line a comment")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(EditError::InvalidKey {
                kind: self.kind,
                profile: profile.into(),
                key: key.into(),
                problem,
            }),
            None => Ok(()),
        }
    }

    fn unverified(&self, profile: &str, key: &str) -> EditError {
        EditError::Unverified {
            kind: self.kind,
            profile: profile.into(),
            key: key.into(),
        }
    }

    /// The file as the reader sees it; an error if the AWS CLI refuses it (an edit would be guesswork).
    fn read(&self, profile: &str) -> Result<Reading, EditError> {
        read(self.kind, &self.to_string()).map_err(|error| EditError::Unreadable {
            kind: self.kind,
            profile: profile.into(),
            line: error.location.line,
            problem: error.kind,
        })
    }

    /// Keeps `edited` if the file read again gives what it gave `before` plus `change`.
    fn keep(
        &mut self,
        before: Reading,
        edited: Document,
        profile: &str,
        change: Change<'_>,
    ) -> Result<(), EditError> {
        // Split again, so the lines are exactly those the text has (a line end may have joined another).
        let edited = Document::new(self.kind, &edited.to_string());
        let key = match &change {
            Change::Set { key, .. } | Change::Remove { key } => key.clone(),
        };
        let after =
            read(self.kind, &edited.to_string()).map_err(|error| EditError::WouldBreak {
                kind: self.kind,
                profile: profile.into(),
                key: key.clone(),
                line: error.location.line,
                problem: error.kind,
            })?;
        let mut expected = before;
        match change {
            Change::Set { key, value } => {
                let inherited = expected.defaults.clone();
                expected
                    .profiles
                    .entry(profile.to_string())
                    .or_insert(inherited)
                    .insert(key, Value::Text(value.to_string()));
            }
            Change::Remove { key } => {
                let inherited = expected.defaults.get(&key).cloned();
                if let Some(keys) = expected.profiles.get_mut(profile) {
                    match inherited {
                        Some(value) => keys.insert(key, value),
                        None => keys.remove(&key),
                    };
                }
            }
        }
        if after != expected {
            return Err(self.unverified(profile, &key));
        }
        *self = edited;
        Ok(())
    }

    /// The sections and their keys, found as [`parse::parse`] finds them (it refuses a file where a line is
    /// anything else, and edits refuse such a file, so other lines are skipped here).
    fn sections(&self) -> Vec<Section> {
        let mut sections: Vec<Section> = Vec::new();
        // The key whose value is being read, as (section, key) indices.
        let mut pending: Option<(usize, usize)> = None;
        let mut indent_level = 0usize;
        for (index, line) in self.lines.iter().enumerate() {
            let stripped = py_strip(&line.text);
            if stripped.is_empty() || stripped.starts_with(['#', ';']) {
                continue;
            }
            let indent = line.text.chars().take_while(|c| is_py_space(*c)).count();
            if let Some((s, k)) = pending
                && indent > indent_level
            {
                sections[s].keys[k].last = index;
                continue;
            }
            indent_level = indent;
            if let Some(header) = section_header(stripped) {
                sections.push(Section {
                    header: header.to_string(),
                    line: index,
                    keys: Vec::new(),
                });
                pending = None;
                continue;
            }
            let Some(section) = sections.len().checked_sub(1) else {
                continue;
            };
            let Some(split) = stripped.find(['=', ':']) else {
                continue;
            };
            let key = stripped[..split].trim_end_matches(is_py_space);
            if key.is_empty() {
                continue;
            }
            sections[section].keys.push(KeyLine {
                key: key.to_lowercase(),
                line: index,
                last: index,
            });
            pending = Some((section, sections[section].keys.len() - 1));
        }
        sections
    }

    /// The section the AWS CLI reads as `profile`: the last one naming it.
    fn section_of(&self, sections: &[Section], profile: &str) -> Option<usize> {
        sections
            .iter()
            .rposition(|s| profile_named_by(self.kind, &s.header).as_deref() == Some(profile))
    }

    /// The header of a new section for `profile`: `[default]` or `[profile NAME]` in the config file, quoted
    /// as Python's `shlex.split` needs when the name has white space, quotes or backslashes; `[NAME]` in the
    /// credentials file.
    fn header_for(&self, profile: &str) -> Result<String, EditError> {
        let unwritable = |problem| EditError::UnwritableProfile {
            kind: self.kind,
            profile: profile.into(),
            problem,
        };
        if profile.is_empty() {
            return Err(unwritable("the name is empty"));
        }
        if profile.contains(['\n', '\r']) {
            return Err(unwritable("a header cannot hold a line break"));
        }
        let header = match self.kind {
            FileKind::Credentials if profile == DEFAULT_SECTION => {
                return Err(unwritable(
                    "[DEFAULT] is not a profile: its keys apply to every section",
                ));
            }
            FileKind::Credentials => profile.to_string(),
            FileKind::Config if profile == "default" => "default".to_string(),
            FileKind::Config if profile.contains([' ', '\t', '"', '\'', '\\']) => {
                let escaped = profile.replace('\\', "\\\\").replace('"', "\\\"");
                format!("profile \"{escaped}\"")
            }
            FileKind::Config => format!("profile {profile}"),
        };
        // Read back by the reader itself, so a name it would read differently is refused, not mangled.
        if profile_named_by(self.kind, &header).as_deref() != Some(profile) {
            return Err(unwritable(
                "the AWS CLI would read the header as another name",
            ));
        }
        Ok(header)
    }

    /// The style of a new key in section `index`: that of its last key (whose indentation keeps the new line
    /// from continuing its value), with the spacing of the last key that has a value on its line.
    fn style(&self, sections: &[Section], index: usize) -> Style {
        let section = &sections[index];
        let Some(last) = section.keys.last() else {
            // An empty section: the file's style, but never less indented than the next header, which
            // would otherwise continue the new key's value.
            let mut style = self.file_style(sections);
            if let Some(next) = sections.get(index + 1) {
                let text = &self.lines[next.line].text;
                let indent = &text[..text.len() - text.trim_start_matches(is_py_space).len()];
                if indent.chars().count() > style.indent.chars().count() {
                    style.indent = indent.into();
                }
            }
            return style;
        };
        let parts = |k: &KeyLine| KeyParts::of(&self.lines[k.line].text);
        let mut style = section
            .keys
            .iter()
            .rev()
            .filter_map(parts)
            .find(|p| p.after.is_some())
            .map(|p| p.style())
            .unwrap_or_else(|| self.file_style(sections));
        if let Some(last) = parts(last) {
            style.indent = last.indent.into();
        }
        style
    }

    /// The style of the file's last key line with a value on it, else of its last key line, else
    /// `key = value`.
    fn file_style(&self, sections: &[Section]) -> Style {
        let keys: Vec<KeyParts<'_>> = sections
            .iter()
            .flat_map(|s| &s.keys)
            .filter_map(|k| KeyParts::of(&self.lines[k.line].text))
            .collect();
        keys.iter()
            .rev()
            .find(|p| p.after.is_some())
            .or(keys.last())
            .map(KeyParts::style)
            .unwrap_or_default()
    }

    /// The line end of new lines: CRLF if the file's first line ends so, else `\n`.
    fn line_end(&self) -> &'static str {
        match self.lines.first() {
            Some(line) if line.end == "\r\n" => "\r\n",
            _ => "\n",
        }
    }

    /// Inserts a line before line `at`, ending the line before it if it was the file's unended last line.
    fn insert(&mut self, at: usize, text: String) {
        let end = self.line_end();
        if let Some(previous) = at.checked_sub(1).and_then(|i| self.lines.get_mut(i))
            && previous.end.is_empty()
        {
            previous.end = end;
        }
        self.lines.insert(at, Line { text, end });
    }

    /// Adds `[header]` and its first key at the end, after a blank line when the file separates sections so.
    fn append_section(&mut self, sections: &[Section], header: &str, key_line: &str) {
        let end = self.line_end();
        let blank = self.separates_sections(sections)
            && self
                .lines
                .last()
                .is_some_and(|l| !py_strip(&l.text).is_empty());
        if let Some(last) = self.lines.last_mut()
            && last.end.is_empty()
        {
            last.end = end;
        }
        if blank {
            // After a lone CR, a blank line ended by `\n` would join it into one CRLF.
            let previous = self.lines.last().map_or("", |l| l.end);
            let end = if previous == "\r" { "\r" } else { end };
            self.lines.push(Line {
                text: String::new(),
                end,
            });
        }
        for text in [format!("[{header}]"), key_line.to_string()] {
            self.lines.push(Line { text, end });
        }
    }

    /// Whether a new section gets a blank line before it: yes when at least as many headers have a blank
    /// line above them (comments between do not count) as have not; with nothing to go by (one section or
    /// none), yes when the file has any text.
    fn separates_sections(&self, sections: &[Section]) -> bool {
        let (mut separated, mut joined) = (0usize, 0usize);
        for section in sections {
            let above = self.lines[..section.line]
                .iter()
                .rev()
                .map(|l| py_strip(&l.text))
                .find(|t| !t.starts_with(['#', ';']));
            match above {
                Some("") => separated += 1,
                Some(_) => joined += 1,
                None => {}
            }
        }
        if separated + joined == 0 {
            return self.lines.iter().any(|l| !py_strip(&l.text).is_empty());
        }
        separated >= joined
    }
}

/// The key line `text` with its value replaced, keeping everything before the value.
fn replace_value(text: &str, value: &str) -> Option<String> {
    let parts = KeyParts::of(text)?;
    Some(if value.is_empty() {
        parts.head.to_string()
    } else {
        let after = parts.after.unwrap_or(parts.before);
        format!("{}{after}{value}", parts.head)
    })
}

/// The profile a section header names in a file of `kind`, decided by [`ProfileSet`] itself so that the two
/// can never disagree.
fn profile_named_by(kind: FileKind, header: &str) -> Option<String> {
    if header == DEFAULT_SECTION {
        return None;
    }
    match kind {
        FileKind::Credentials => Some(header.to_string()),
        FileKind::Config => {
            let text = format!("[{header}]\n");
            let set = ProfileSet::from_texts(&placeholder_files(), Some(&text), None).ok()?;
            set.names().next().map(str::to_string)
        }
    }
}

fn placeholder_files() -> FileLocations {
    FileLocations {
        config: "config".into(),
        credentials: "credentials".into(),
    }
}

/// Reads `text` as the AWS CLI would, as the one file of its kind.
fn read(kind: FileKind, text: &str) -> Result<Reading, crate::ParseError> {
    let files = placeholder_files();
    let (config, credentials) = match kind {
        FileKind::Config => (Some(text), None),
        FileKind::Credentials => (None, Some(text)),
    };
    let set = ProfileSet::from_texts(&files, config, credentials)?;
    let path = match kind {
        FileKind::Config => &files.config,
        FileKind::Credentials => &files.credentials,
    };
    let parsed = parse::parse(path, text)?;
    let keys = |profile: &crate::Profile| {
        profile
            .properties()
            .map(|(k, p)| (k.to_string(), p.value.clone()))
            .collect()
    };
    Ok(Reading {
        profiles: set
            .names()
            .filter_map(|n| set.lookup(n).map(|p| (n.to_string(), keys(&p))))
            .collect(),
        sso_sessions: set
            .sso_sessions
            .iter()
            .map(|(n, p)| (n.clone(), keys(p)))
            .collect(),
        defaults: parsed
            .defaults
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect(),
    })
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// configparser's section pattern, as in [`crate::parse`]: `[` at the start of the stripped line, the
/// header running to the last `]`.
fn section_header(stripped: &str) -> Option<&str> {
    let inner = stripped.strip_prefix('[')?;
    let close = inner.rfind(']')?;
    (close > 0).then(|| &inner[..close])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(kind: FileKind, text: &str, edit: impl FnOnce(&mut Document)) -> String {
        let mut doc = Document::new(kind, text);
        edit(&mut doc);
        doc.to_string()
    }

    #[test]
    fn round_trips_any_text() {
        for text in [
            "",
            "\u{feff}",
            "\u{feff}[a]\r\nk=v",
            "\r\r\n\n\r",
            "[a]\rk=v\r\n  more\n",
            "no header\n= broken\n[",
            "[ü]\nk = ✓",
        ] {
            let doc = Document::new(FileKind::Config, text);
            assert_eq!(doc.to_string(), text);
        }
    }

    #[test]
    fn replaces_a_value_keeping_its_spacing() {
        let text =
            "[default]\n  Region\t:  us-east-1\n  s3 =\n    a = 1\n\n    b = 2\noutput=json\n";
        let out = edited(FileKind::Config, text, |d| {
            d.set("default", "region", "eu-west-1").unwrap();
            d.set("default", "S3", "plain").unwrap();
            d.set("default", "output", "").unwrap();
        });
        assert_eq!(
            out,
            "[default]\n  Region\t:  eu-west-1\n  s3 = plain\noutput=\n"
        );
    }

    #[test]
    fn adds_a_key_in_the_section_style() {
        let text = "[profile a]\n  region: x\n  s3 =\n    k = v\n# about b\n\n[profile b]\n";
        let out = edited(FileKind::Config, text, |d| {
            d.set("a", "output", "json").unwrap();
            d.set("b", "output", "text").unwrap();
        });
        assert_eq!(
            out,
            "[profile a]\n  region: x\n  s3 =\n    k = v\n  output: json\n# about b\n\n[profile b]\n  output: text\n"
        );
    }

    #[test]
    fn an_empty_section_before_an_indented_header_stays_separate() {
        let text = "[profile a]\n  [profile b]\n  k = v\n";
        let out = edited(FileKind::Config, text, |d| d.set("a", "x", "1").unwrap());
        assert_eq!(out, "[profile a]\n  x = 1\n  [profile b]\n  k = v\n");
    }

    #[test]
    fn a_blank_line_after_a_lone_cr_stays_a_blank_line() {
        let out = edited(FileKind::Config, "[default]\rk=v\r", |d| {
            d.set("b", "k", "x").unwrap();
        });
        assert_eq!(out, "[default]\rk=v\r\r[profile b]\nk=x\n");
        assert_eq!(Document::new(FileKind::Config, &out).lines.len(), 5);
    }

    #[test]
    fn profiles_are_found_as_the_aws_cli_names_them() {
        let config = Document::new(
            FileKind::Config,
            "[profile \"My Box\"]\n[profile  dev]\n[default]\n[sso-session corp]\n[DEFAULT]\n[prod]\n",
        );
        for (name, found) in [
            ("My Box", true),
            ("dev", true),
            ("default", true),
            ("corp", false),
            ("DEFAULT", false),
            ("prod", false),
        ] {
            assert_eq!(config.has_profile(name), found, "{name}");
        }
        let credentials = Document::new(FileKind::Credentials, "[profile dev]\n[DEFAULT]\n");
        assert!(credentials.has_profile("profile dev"));
        assert!(!credentials.has_profile("dev"));
        assert!(!credentials.has_profile("DEFAULT"));
    }

    #[test]
    fn quotes_names_as_shlex_needs() {
        for (name, header) in [
            ("My Box", "[profile \"My Box\"]"),
            ("it's", "[profile \"it's\"]"),
            ("a\"b\\c", "[profile \"a\\\"b\\\\c\"]"),
            ("team.dev", "[profile team.dev]"),
            ("#x", "[profile #x]"),
            ("default", "[default]"),
            ("DEFAULT", "[profile DEFAULT]"),
        ] {
            let out = edited(FileKind::Config, "", |d| d.set(name, "k", "v").unwrap());
            assert_eq!(out, format!("{header}\nk = v\n"), "{name}");
        }
        let out = edited(FileKind::Credentials, "", |d| {
            d.set("My Box", "k", "v").unwrap()
        });
        assert_eq!(out, "[My Box]\nk = v\n");
    }

    #[test]
    fn the_later_of_two_sections_naming_a_profile_is_edited() {
        let text = "[default]\nregion = a\n\n[profile default]\nregion = b\n";
        let out = edited(FileKind::Config, text, |d| {
            d.set("default", "region", "c").unwrap();
        });
        assert_eq!(
            out,
            "[default]\nregion = a\n\n[profile default]\nregion = c\n"
        );
    }

    #[test]
    fn refusals_leave_the_document_alone_and_never_quote_the_value() {
        let text = "[default]\nregion = a\n";
        let mut doc = Document::new(FileKind::Credentials, text);
        let secret = "wJalrXUtnFEMI\nmore";
        let errors = [
            doc.set("default", "aws_secret_access_key", secret)
                .unwrap_err(),
            doc.set("default", "k", " padded").unwrap_err(),
            doc.set("default", "a b", "v").unwrap_err(),
            doc.set("default", "a=b", "v").unwrap_err(),
            doc.set("default", "#k", "v").unwrap_err(),
            doc.set("default", "", "v").unwrap_err(),
            doc.remove("default", "[k").unwrap_err(),
            doc.set("DEFAULT", "k", "v").unwrap_err(),
            doc.set("", "k", "v").unwrap_err(),
            doc.set("a\nb", "k", "v").unwrap_err(),
        ];
        for error in errors {
            let message = format!("{error} {}", error.hint());
            assert!(message.contains("credentials file"), "{message}");
            let profile = error.profile();
            let named = message.contains(&format!("`{profile}`"))
                || message.contains(&format!("{profile:?}"));
            assert!(named, "{message}");
            assert!(!message.contains("wJalrXUtnFEMI"), "{message}");
        }
        assert_eq!(doc.to_string(), text);
    }

    #[test]
    fn a_file_the_aws_cli_refuses_is_not_edited() {
        let text = "[default]\nregion = a\nREGION = b\n";
        let mut doc = Document::new(FileKind::Config, text);
        let error = doc.set("default", "output", "json").unwrap_err();
        assert!(
            matches!(error, EditError::Unreadable { line: 3, .. }),
            "{error}"
        );
        assert!(error.hint().contains("line 3"), "{}", error.hint());
        assert!(doc.has_profile("default"));
        assert_eq!(doc.to_string(), text);
    }

    #[test]
    fn an_edit_that_would_expose_a_broken_default_is_refused() {
        // botocore only reads a nested map in [DEFAULT] for a section that inherits it.
        let text = "[DEFAULT]\ns3 =\n  broken\n[profile a]\ns3 = own\n";
        let mut doc = Document::new(FileKind::Config, text);
        let error = doc.set("b", "region", "x").unwrap_err();
        assert!(
            matches!(error, EditError::WouldBreak { line: 2, .. }),
            "{error}"
        );
        let error = doc.remove("a", "s3").unwrap_err();
        assert!(matches!(error, EditError::WouldBreak { .. }), "{error}");
        assert_eq!(doc.to_string(), text);
        // A key [DEFAULT] sets is inherited once the section's own is removed.
        let mut doc = Document::new(
            FileKind::Config,
            "[DEFAULT]\nregion = d\n[default]\nregion = own\n",
        );
        assert!(doc.remove("default", "region").unwrap());
        assert!(!doc.remove("default", "region").unwrap());
        assert_eq!(doc.to_string(), "[DEFAULT]\nregion = d\n[default]\n");
    }
}
