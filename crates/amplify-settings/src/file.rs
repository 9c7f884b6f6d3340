//! One settings file: read safely (bounded; a project file that is a symbolic link is refused), parsed
//! literally with the place of every key, then checked against the table of settings. Its text is kept as
//! read, so an edit ([`crate::edit`]) changes only the lines of the key it edits.

use std::path::{Path, PathBuf};

use amplify_fs::Mode;
use toml_edit::{Item, TableLike};

use crate::error::{Location, SettingsError, Warning};
use crate::keys::{InProject, Key};
use crate::value::Value;

/// The largest settings file read: a real one is a few hundred bytes.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// Whose file it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// `~/.config/amplify-rs/config.toml`: the user's own, private (0600).
    User,
    /// `amplify-rs.toml` at the project's root, committed with the project: untrusted input.
    Project,
}

impl Scope {
    /// Its place in the precedence ([`crate::Source::rank`]): the project file wins over the user file.
    pub fn rank(self) -> u8 {
        match self {
            Scope::Project => 2,
            Scope::User => 3,
        }
    }

    /// "user file", "project file".
    pub fn noun(self) -> &'static str {
        match self {
            Scope::User => "user file",
            Scope::Project => "project file",
        }
    }
}

/// One settings file, as read.
#[derive(Clone, Debug)]
pub struct SettingsFile {
    path: PathBuf,
    scope: Scope,
    text: String,
    exists: bool,
}

/// What a file sets, and what is wrong with it.
#[derive(Debug, Default)]
pub struct Reading {
    /// Each setting the file sets, with the place of its key.
    pub values: Vec<(Key, Value, Location)>,
    pub warnings: Vec<Warning>,
    /// Values the settings do not accept, keys a project file may not set: each value is left out.
    pub errors: Vec<SettingsError>,
}

impl SettingsFile {
    /// The file to edit at `path`, as [`SettingsFile::read`]; `None` (no project here, no HOME) is an error
    /// that says why there is no such file.
    pub fn open(path: Option<&Path>, scope: Scope) -> Result<SettingsFile, SettingsError> {
        SettingsFile::read(path.ok_or(SettingsError::NoFile { scope })?, scope)
    }

    /// The file at `path`; a missing file is an empty one. A project file must be a regular file, not a
    /// symbolic link (which could point anywhere on the machine); either file is read only up to
    /// [`MAX_FILE_SIZE`].
    pub fn read(path: &Path, scope: Scope) -> Result<SettingsFile, SettingsError> {
        if let Ok(meta) = fs_err::symlink_metadata(path) {
            let kind = meta.file_type();
            if kind.is_symlink() && scope == Scope::Project {
                return Err(SettingsError::ProjectFileIsLink {
                    path: path.to_path_buf(),
                });
            }
            // Checked before opening: opening a named pipe waits for a writer that may never come.
            if !kind.is_symlink() && !kind.is_file() {
                return Err(amplify_fs::FsError::NotAFile {
                    path: path.to_path_buf(),
                }
                .into());
            }
        }
        let text = amplify_fs::read_to_string_capped(path, MAX_FILE_SIZE)?;
        Ok(SettingsFile {
            path: path.to_path_buf(),
            scope,
            exists: text.is_some(),
            text: text.unwrap_or_default(),
        })
    }

    /// A file holding `text`, not read from disk (tests, and checking an edit before it is written).
    pub fn from_text(path: &Path, scope: Scope, text: impl Into<String>) -> SettingsFile {
        SettingsFile {
            path: path.to_path_buf(),
            scope,
            text: text.into(),
            exists: true,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The text, as read or as edited.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the file exists (or was edited and will be written).
    pub fn exists(&self) -> bool {
        self.exists
    }

    pub(crate) fn replace_text(&mut self, text: String) {
        self.text = text;
        self.exists = true;
    }

    /// Writes the text atomically: the user's file 0600 (its folder is created; a user file that is a link,
    /// as dotfile managers make them, is written where it points), a project file as an editor would.
    pub fn write(&self) -> Result<(), SettingsError> {
        let is_link =
            fs_err::symlink_metadata(&self.path).is_ok_and(|m| m.file_type().is_symlink());
        let path = match self.scope {
            Scope::User if is_link => {
                fs_err::canonicalize(&self.path).map_err(|source| amplify_fs::FsError::Write {
                    path: self.path.clone(),
                    source,
                })?
            }
            _ => self.path.clone(),
        };
        let mode = match self.scope {
            Scope::User => {
                if let Some(dir) = path.parent() {
                    fs_err::create_dir_all(dir).map_err(|source| {
                        amplify_fs::FsError::CreateDir {
                            path: dir.to_path_buf(),
                            source,
                        }
                    })?;
                }
                Mode::Private
            }
            Scope::Project => Mode::Shared,
        };
        amplify_fs::write_atomic(&path, self.text.as_bytes(), mode)?;
        Ok(())
    }

    /// The text parsed with the place of every key and value; a file that is not TOML is an error at the
    /// place the parser stopped.
    pub(crate) fn parse(&self) -> Result<toml_edit::Document<&str>, SettingsError> {
        toml_edit::Document::parse(self.text.as_str()).map_err(|e| SettingsError::Syntax {
            location: self.location(e.span().map_or(0, |s| s.start)),
            message: e.message().trim_end().to_string(),
        })
    }

    fn location(&self, offset: usize) -> Location {
        Location::at(&self.path, &self.text, offset)
    }

    /// What the file sets, checked: a value of the wrong type or out of range, a key a project file may not
    /// set, are errors; an unknown key is a warning naming the setting probably meant.
    pub fn reading(&self) -> Result<Reading, SettingsError> {
        let document = self.parse()?;
        let mut reading = Reading::default();
        let mut leaves = Vec::new();
        collect_leaves(document.as_table(), "", &mut leaves);
        for leaf in leaves {
            self.check(&leaf, &mut reading);
        }
        Ok(reading)
    }

    fn check(&self, leaf: &Leaf<'_>, reading: &mut Reading) {
        let key_at = self.location(leaf.key_offset);
        let value_at = self.location(leaf.value_offset.unwrap_or(leaf.key_offset));
        let Some(key) = Key::from_name(&leaf.name) else {
            if Key::is_section(&leaf.name) {
                reading.errors.push(SettingsError::Invalid {
                    location: value_at,
                    key: leaf.name.clone(),
                    allowed: format!(
                        "a table of settings ({})",
                        Key::members_of(&leaf.name).join(", ")
                    ),
                    found: describe(leaf.item),
                });
            } else {
                reading.warnings.push(Warning::UnknownKey {
                    location: key_at,
                    key: leaf.name.clone(),
                    suggestion: Key::suggest(&leaf.name).map(Key::name),
                });
            }
            return;
        };
        let definition = key.definition();
        if let (Scope::Project, InProject::Refused(why)) = (self.scope, definition.in_project) {
            reading.errors.push(SettingsError::NotInProject {
                location: key_at,
                key: definition.name,
                why,
            });
            return;
        }
        match leaf
            .item
            .as_value()
            .and_then(|v| Value::from_toml(&definition.kind, v))
        {
            Some(value) => reading.values.push((key, value, key_at)),
            None => reading.errors.push(SettingsError::Invalid {
                location: value_at,
                key: definition.name.to_string(),
                allowed: definition.kind.allowed(),
                found: describe(leaf.item),
            }),
        }
    }
}

/// A key holding something other than a table, with its dotted name from the root.
struct Leaf<'a> {
    name: String,
    key_offset: usize,
    value_offset: Option<usize>,
    item: &'a Item,
}

/// Every key of `table` and of the tables below it (`[aws]`, `aws.timeout`, `aws = { ... }` alike) that holds
/// a value, an array or an array of tables, or that names a setting.
fn collect_leaves<'a>(table: &'a dyn TableLike, prefix: &str, out: &mut Vec<Leaf<'a>>) {
    for (raw, item) in table.iter() {
        // A key with a dot in it (`"aws.timeout" = 3`) is one key, not a section and a key: it is shown
        // quoted, so it matches no setting and the warning suggests the one meant.
        let name = if raw.contains('.') {
            format!("\"{raw}\"")
        } else {
            raw.to_string()
        };
        let dotted = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        // A table where a setting belongs is checked as that setting's value (and refused).
        match item
            .as_table_like()
            .filter(|_| Key::from_name(&dotted).is_none())
        {
            Some(inner) => collect_leaves(inner, &dotted, out),
            None => {
                let key_offset = table
                    .key(raw)
                    .and_then(toml_edit::Key::span)
                    .map_or(0, |s| s.start);
                out.push(Leaf {
                    name: dotted,
                    key_offset,
                    value_offset: item.span().map(|s| s.start),
                    item,
                });
            }
        }
    }
}

/// What a key holds, for a message: the value as written (shortened), or the kind of thing it is.
fn describe(item: &Item) -> String {
    match item {
        Item::Value(value) => {
            let text = value.clone().decorated("", "").to_string();
            let kind = match value {
                toml_edit::Value::String(_) => "a string",
                toml_edit::Value::Integer(_) => "an integer",
                toml_edit::Value::Float(_) => "a number",
                toml_edit::Value::Boolean(_) => "a boolean",
                toml_edit::Value::Datetime(_) => "a date",
                toml_edit::Value::Array(_) => "an array",
                toml_edit::Value::InlineTable(_) => "a table",
            };
            if text.chars().count() > 40 {
                let short: String = text.chars().take(37).collect();
                format!("{short}... ({kind})")
            } else {
                format!("{text} ({kind})")
            }
        }
        Item::ArrayOfTables(_) => "an array of tables".to_string(),
        Item::Table(_) => "a table".to_string(),
        Item::None => "nothing".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(scope: Scope, text: &str) -> Reading {
        SettingsFile::from_text(Path::new("/p/amplify-rs.toml"), scope, text)
            .reading()
            .unwrap()
    }

    #[test]
    fn tables_dotted_keys_and_inline_tables_are_the_same_settings() {
        for text in [
            "[aws]\ntimeout = 12\n",
            "aws.timeout = 12\n",
            "aws = { timeout = 12 }\n",
            "# c\n[aws] # c\n  timeout   =   12   # c\n",
        ] {
            let r = reading(Scope::User, text);
            assert!(r.errors.is_empty() && r.warnings.is_empty(), "{text}");
            assert_eq!(r.values.len(), 1, "{text}");
            assert_eq!(r.values[0].0, Key::AwsTimeout);
            assert_eq!(r.values[0].1, Value::Seconds(12.0));
        }
    }

    #[test]
    fn each_problem_names_the_line_and_column() {
        let r = reading(
            Scope::User,
            "[aws]\ntimeout = \"thirty\"\nattempts = 3\ntimout = 4\n[ui]\ncolor = \"pink\"\n",
        );
        let errors: Vec<String> = r.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "/p/amplify-rs.toml:2:11: aws.timeout must be a number of seconds from 0.1 to 3600, not \"thirty\" (a string)",
                "/p/amplify-rs.toml:6:9: ui.color must be one of \"auto\", \"always\", \"never\", not \"pink\" (a string)",
            ]
        );
        assert_eq!(
            r.warnings[0].to_string(),
            "/p/amplify-rs.toml:4:1: unknown setting aws.timout, ignored; did you mean aws.timeout?"
        );
        assert_eq!(
            r.values,
            [(Key::AwsAttempts, Value::Whole(3), r.values[0].2.clone())]
        );
        assert_eq!(r.values[0].2.line, 3);
    }

    #[test]
    fn a_section_that_is_not_a_table_and_a_syntax_error() {
        let r = reading(Scope::User, "mfa = true\n");
        assert_eq!(
            r.errors[0].to_string(),
            "/p/amplify-rs.toml:1:7: mfa must be a table of settings (session, session_duration, process), not true (a boolean)"
        );
        let error = SettingsFile::from_text(
            Path::new("/p/c.toml"),
            Scope::User,
            "[aws]\ntimeout = = 3\n",
        )
        .reading()
        .unwrap_err();
        assert!(error.to_string().starts_with("/p/c.toml:2:11: "), "{error}");
    }
}
