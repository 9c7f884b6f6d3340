//! Typed errors of reading and editing the files. Each names the file and line, or the profile, that is
//! wrong, and [`ParseError::hint`], [`LoadError::hint`] and [`EditError::hint`] say what to change. The
//! errors of resolving a profile into a chain are in [`crate::resolve_error`].

use std::path::PathBuf;

use crate::document::FileKind;
use crate::location::Location;

#[derive(Debug, thiserror::Error)]
#[error("error parsing {location}: {kind}")]
pub struct ParseError {
    pub location: Location,
    pub kind: ParseErrorKind,
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("a key comes before any [section] header")]
    NoSectionHeader,
    #[error("the section header has no closing `]`")]
    UnclosedHeader,
    #[error(
        "the line is neither `key = value`, a `[section]` header, a comment, nor an indented continuation"
    )]
    NotKeyValue,
    #[error("the line has a `=` or `:` but no key before it")]
    EmptyKey,
    #[error("section [{header}] appears a second time (first at line {first_line})")]
    DuplicateSection { header: String, first_line: usize },
    #[error(
        "key `{key}` appears a second time in section [{section}] (first at line {first_line})"
    )]
    DuplicateKey {
        section: String,
        key: String,
        first_line: usize,
    },
    #[error("`{key} =` starts a nested map, but a line under it has no `=`")]
    NestedNotKeyValue { key: String },
}

impl ParseError {
    pub fn hint(&self) -> String {
        let path = self.location.path.display();
        match &self.kind {
            ParseErrorKind::NoSectionHeader => {
                format!(
                    "add a header such as [default] or [profile NAME] above line {} of {path}",
                    self.location.line
                )
            }
            ParseErrorKind::UnclosedHeader => format!(
                "end line {} of {path} with `]`, as in [profile NAME] (the AWS CLI refuses this file too)",
                self.location.line
            ),
            ParseErrorKind::NotKeyValue => format!(
                "in {path}, write line {} as `key = value`, start it with `#` to make it a comment, or indent it to continue the value above",
                self.location.line
            ),
            ParseErrorKind::EmptyKey => format!(
                "put the key's name before the `=` on line {} of {path}",
                self.location.line
            ),
            ParseErrorKind::DuplicateSection { .. } => {
                format!(
                    "merge the two sections of {path} into one: the AWS CLI refuses this file too"
                )
            }
            ParseErrorKind::DuplicateKey { .. } => {
                format!(
                    "keep only one of the two lines in {path}: the AWS CLI refuses this file too"
                )
            }
            ParseErrorKind::NestedNotKeyValue { .. } => {
                format!("in {path}, write each indented line under it as `name = value`")
            }
        }
    }
}

/// A shared file that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not UTF-8 text (invalid bytes on line {line})", path.display())]
    NotUtf8 { path: PathBuf, line: usize },
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Too large, not a regular file, or (when saving) not writable.
    #[error(transparent)]
    Fs(#[from] amplify_fs::FsError),
}

impl LoadError {
    pub fn hint(&self) -> String {
        match self {
            LoadError::Read { path, source }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                format!(
                    "make {} readable by your user (chmod 600 is usual)",
                    path.display()
                )
            }
            LoadError::Read { path, .. } => {
                format!("check that {} is a readable file", path.display())
            }
            LoadError::NotUtf8 { path, .. } => format!("save {} as UTF-8", path.display()),
            LoadError::Parse(error) => error.hint(),
            LoadError::Fs(error) => error.hint(),
        }
    }
}

/// An edit of a [`crate::Document`] that was refused; the document is left as it was. Never quotes the value,
/// which may be a secret key.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("cannot edit the profile `{profile}` in the {kind} file: the key {key:?} {problem}")]
    InvalidKey {
        kind: FileKind,
        profile: String,
        key: String,
        problem: &'static str,
    },
    #[error(
        "cannot set `{key}` in the profile `{profile}` in the {kind} file: the value {problem}"
    )]
    InvalidValue {
        kind: FileKind,
        profile: String,
        key: String,
        problem: &'static str,
    },
    #[error("cannot write a section for the profile {profile:?} in the {kind} file: {problem}")]
    UnwritableProfile {
        kind: FileKind,
        profile: String,
        problem: &'static str,
    },
    #[error(
        "cannot edit the profile `{profile}`: the AWS CLI cannot read the {kind} file (line {line}: {problem})"
    )]
    Unreadable {
        kind: FileKind,
        profile: String,
        line: usize,
        problem: ParseErrorKind,
    },
    #[error(
        "changing `{key}` in the profile `{profile}` would make the AWS CLI refuse the {kind} file (line {line}: {problem})"
    )]
    WouldBreak {
        kind: FileKind,
        profile: String,
        key: String,
        line: usize,
        problem: ParseErrorKind,
    },
    #[error(
        "changing `{key}` in the profile `{profile}` would change other settings of the {kind} file, so it was not done"
    )]
    Unverified {
        kind: FileKind,
        profile: String,
        key: String,
    },
}

impl EditError {
    /// The profile the edit was for.
    pub fn profile(&self) -> &str {
        match self {
            EditError::InvalidKey { profile, .. }
            | EditError::InvalidValue { profile, .. }
            | EditError::UnwritableProfile { profile, .. }
            | EditError::Unreadable { profile, .. }
            | EditError::WouldBreak { profile, .. }
            | EditError::Unverified { profile, .. } => profile,
        }
    }

    /// Which file the edit was for.
    pub fn kind(&self) -> FileKind {
        match self {
            EditError::InvalidKey { kind, .. }
            | EditError::InvalidValue { kind, .. }
            | EditError::UnwritableProfile { kind, .. }
            | EditError::Unreadable { kind, .. }
            | EditError::WouldBreak { kind, .. }
            | EditError::Unverified { kind, .. } => *kind,
        }
    }

    pub fn hint(&self) -> String {
        match self {
            EditError::InvalidKey { .. } => {
                "use a plain key name such as `region` or `aws_access_key_id`: not empty, no white space, `=`, `:` or `[`, and not starting with `#` or `;`".into()
            }
            EditError::InvalidValue { .. } => {
                "write the value on one line, without white space at its start or end (the AWS CLI would drop it)".into()
            }
            EditError::UnwritableProfile { kind, .. } => match kind {
                FileKind::Config => "choose a profile name that is not empty and has no line break".into(),
                FileKind::Credentials => "choose a profile name that is not empty, has no line break and is not `DEFAULT` (the section whose keys apply to every profile)".into(),
            },
            EditError::Unreadable { kind, line, .. } => {
                format!("fix line {line} of the {kind} file first (the AWS CLI refuses the file too), then try again")
            }
            EditError::WouldBreak { kind, line, .. } => format!(
                "fix line {line} of the {kind} file by hand (often a broken nested map in [DEFAULT] that every profile used to override), then try again"
            ),
            EditError::Unverified { kind, .. } => {
                format!("make the change in the {kind} file by hand, and please report this as a bug in amplify-rs")
            }
        }
    }
}
