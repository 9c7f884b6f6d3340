//! What can be wrong with a setting, and where: each error names the file, line and column (or the
//! variable), what is there, and what is allowed; [`SettingsError::hint`] says what to do. An unknown key is
//! only a [`Warning`], with the setting probably meant.

use std::fmt;
use std::path::{Path, PathBuf};

use amplify_fs::FsError;

use crate::Scope;

/// A place in a settings file, printed `PATH:LINE:COLUMN` so terminals and editors can jump to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

impl Location {
    /// The place of byte `offset` of `text`, the contents of `path`.
    pub fn at(path: &Path, text: &str, offset: usize) -> Location {
        let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            path: path.to_path_buf(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file is not TOML.
    #[error("{location}: {message}")]
    Syntax { location: Location, message: String },
    /// A value the setting does not accept (a wrong type, or out of range).
    #[error("{location}: {key} must be {allowed}, not {found}")]
    Invalid {
        location: Location,
        key: String,
        allowed: String,
        found: String,
    },
    /// A project file sets what only the user may set.
    #[error("{location}: {key} cannot be set in a project file: {why}")]
    NotInProject {
        location: Location,
        key: &'static str,
        why: &'static str,
    },
    /// `amplify-rs config set --project` of what only the user may set.
    #[error("{key} cannot be set in a project file ({}): {why}", path.display())]
    NotForProject {
        path: PathBuf,
        key: &'static str,
        why: &'static str,
    },
    /// The project file is a symbolic link: it could point anywhere.
    #[error("{} is a symbolic link, and a project's settings file must be a file of the project", path.display())]
    ProjectFileIsLink { path: PathBuf },
    #[error("{name}={value} is not {allowed}")]
    Variable {
        name: &'static str,
        value: String,
        allowed: String,
    },
    /// A value given to `amplify-rs config set`.
    #[error("{value:?} is not a value of {key}: it must be {allowed}")]
    Value {
        key: &'static str,
        value: String,
        allowed: String,
    },
    #[error("{}", match scope {
        Scope::Project => "there is no Amplify project here, so no amplify-rs.toml to edit",
        Scope::User => "neither XDG_CONFIG_HOME nor HOME is set, so there is no user settings file",
    })]
    NoFile { scope: Scope },
    #[error("there is no setting {name}")]
    UnknownKey {
        name: String,
        suggestion: Option<&'static str>,
    },
    #[error(transparent)]
    File(#[from] FsError),
}

impl SettingsError {
    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            SettingsError::Syntax { location, .. } => format!(
                "fix {} at that place: it must be TOML, `key = value` lines under [section] headers (docs/settings.md)",
                location.path.display()
            ),
            SettingsError::Invalid { key, allowed, .. } => format!(
                "set {key} to {allowed} (`amplify-rs config set {key} VALUE`), or remove the line"
            ),
            SettingsError::NotInProject { key, location, .. } => format!(
                "remove {key} from {}; to use it yourself, set it in your own settings: amplify-rs config set {key} VALUE",
                location.path.display()
            ),
            SettingsError::NotForProject { key, .. } => {
                format!("set it in your own settings instead: amplify-rs config set {key} VALUE")
            }
            SettingsError::ProjectFileIsLink { path } => format!(
                "replace the link {} by a file, or remove it: a cloned repository could point it at any file",
                path.display()
            ),
            SettingsError::Variable { name, allowed, .. } => {
                format!("set {name} to {allowed}, or unset it")
            }
            SettingsError::Value { key, allowed, .. } => {
                format!("amplify-rs config set {key} VALUE, where VALUE is {allowed}")
            }
            SettingsError::UnknownKey {
                suggestion: Some(s),
                ..
            } => format!("did you mean {s}? `amplify-rs config list` shows every setting"),
            SettingsError::UnknownKey { .. } => {
                "`amplify-rs config list` shows every setting".to_string()
            }
            SettingsError::NoFile {
                scope: Scope::Project,
            } => {
                "run this in the project's folder, or leave out --project to edit your own settings"
                    .to_string()
            }
            SettingsError::NoFile { scope: Scope::User } => {
                "set HOME to your home folder".to_string()
            }
            SettingsError::File(e) => e.hint(),
        }
    }

    /// The file the error is about, if it is about one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            SettingsError::Syntax { location, .. }
            | SettingsError::Invalid { location, .. }
            | SettingsError::NotInProject { location, .. } => Some(&location.path),
            SettingsError::ProjectFileIsLink { path }
            | SettingsError::NotForProject { path, .. } => Some(path),
            SettingsError::File(e) => Some(e.path()),
            _ => None,
        }
    }
}

/// Something in a settings file that amplify-rs ignores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    UnknownKey {
        location: Location,
        key: String,
        suggestion: Option<&'static str>,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::UnknownKey {
                location,
                key,
                suggestion,
            } => {
                write!(f, "{location}: unknown setting {key}, ignored")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean {s}?"),
                    None => write!(f, " (`amplify-rs config list` shows every setting)"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters_from_one() {
        let text = "a = 1\n[é]\nkey = x\n";
        let at = |offset| {
            let l = Location::at(Path::new("f.toml"), text, offset);
            (l.line, l.column)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(4), (1, 5));
        assert_eq!(at(6), (2, 1));
        // After a two-byte character: the column counts characters; inside one it does not panic.
        assert_eq!(at(9), (2, 3));
        assert_eq!(at(8), (2, 2));
        assert_eq!(at(text.find("x").unwrap()), (3, 7));
        assert_eq!(at(10_000).0, 4);
    }
}
