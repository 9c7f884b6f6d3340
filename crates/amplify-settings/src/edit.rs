//! Edits of a settings file that people also edit by hand (`amplify-rs config set` and `unset`), through
//! `toml_edit`: comments, order, blank lines and the spacing of every other line survive.
//!
//! - `set` of a key the file has replaces its value and keeps the comment after it. A new key is written
//!   as its neighbours are (their indentation and the spacing around `=`), in its section if the file has
//!   one (a `[section]` table, dotted keys or an inline table), else in a new section at the end: a
//!   `[section]` table, or dotted keys in a file written only with dotted keys.
//! - `unset` removes the key's lines and the comment lines right above it (they are about the key); a
//!   comment separated from it by a blank line, or opening the file, stays. A section left empty goes
//!   away with it unless a comment is on its header's line (comment lines above the header stay), so
//!   `set` then `unset` of a new key gives the file back.

use toml_edit::{Decor, DocumentMut, Item, Table, TableLike};

use crate::error::SettingsError;
use crate::file::{Scope, SettingsFile};
use crate::keys::{InProject, Key};
use crate::value::Value;

impl SettingsFile {
    /// Writes `key = value` into the text (not to disk: [`SettingsFile::write`] does that). A project file
    /// refuses what only the user may set.
    pub fn set(&mut self, key: Key, value: &Value) -> Result<(), SettingsError> {
        let definition = key.definition();
        if let (Scope::Project, InProject::Refused(why)) = (self.scope(), definition.in_project) {
            return Err(SettingsError::NotForProject {
                path: self.path().to_path_buf(),
                key: definition.name,
                why,
            });
        }
        let mut document = self.editable()?;
        let (section, leaf) = split(key);
        // A file of comments alone keeps them above the first section, not below it.
        let comments = document
            .as_table()
            .is_empty()
            .then(|| document.trailing().as_str().map(str::to_string))
            .flatten()
            .filter(|text| !text.trim().is_empty());
        put(document.as_table_mut(), section, leaf, value.to_toml());
        if let Some(comments) = comments
            && let Some(table) = document.get_mut(section).and_then(Item::as_table_mut)
        {
            table.decor_mut().set_prefix(comments);
            document.set_trailing("");
        }
        self.replace_text(document.to_string());
        Ok(())
    }

    /// Removes `key` from the text; whether it was there.
    pub fn unset(&mut self, key: Key) -> Result<bool, SettingsError> {
        let (section, leaf) = split(key);
        let Some(without_key) = self.without_lines_of(section, leaf)? else {
            let mut document = self.editable()?;
            if !remove(document.as_table_mut(), section, leaf) {
                return Ok(false);
            }
            drop_empty_section(&mut document, section);
            self.finish_unset(document.to_string());
            return Ok(true);
        };
        // The section, perhaps empty now.
        let mut document =
            SettingsFile::from_text(self.path(), self.scope(), without_key).editable()?;
        drop_empty_section(&mut document, section);
        self.finish_unset(document.to_string());
        Ok(true)
    }

    /// The text without the lines of `section.leaf` when it is a `key = value` line (of a `[section]` table
    /// or a dotted key); `None` when it is not one (absent, or in an inline table).
    fn without_lines_of(&self, section: &str, leaf: &str) -> Result<Option<String>, SettingsError> {
        let document = self.parse()?;
        let Some(Item::Table(table)) = document.get(section) else {
            return Ok(None);
        };
        let Some((key, Item::Value(value))) = table.get_key_value(leaf) else {
            return Ok(None);
        };
        let (Some(key), Some(value)) = (key.span(), value.span()) else {
            return Ok(None);
        };
        Ok(Some(remove_lines(self.text(), key.start, value.end)))
    }

    fn finish_unset(&mut self, mut text: String) {
        // A section removed first leaves the next one's blank line at the top of the file.
        if !self.text().starts_with('\n') {
            text = text.trim_start_matches('\n').to_string();
        }
        self.replace_text(text);
    }

    fn editable(&self) -> Result<DocumentMut, SettingsError> {
        Ok(self.parse()?.into_mut())
    }
}

fn split(key: Key) -> (&'static str, &'static str) {
    key.name()
        .split_once('.')
        .expect("every setting is section.key")
}

/// The lines from the one holding `key_start` to the one holding `value_end`, and the comment lines right
/// above them, unless those open the file.
fn remove_lines(text: &str, key_start: usize, value_end: usize) -> String {
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[value_end..]
        .find('\n')
        .map_or(text.len(), |i| value_end + i + 1);
    let mut start = line_start;
    while start > 0 {
        let previous = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        if !text[previous..start].trim_start().starts_with('#') {
            break;
        }
        start = previous;
    }
    if start == 0 {
        start = line_start;
    }
    format!("{}{}", &text[..start], &text[line_end..])
}

/// Removes `section` if it is a table left empty, unless a comment is on its header's line; comment
/// lines above the header stay, above what followed it.
fn drop_empty_section(document: &mut DocumentMut, section: &str) {
    let Some(Item::Table(table)) = document.get(section) else {
        return;
    };
    let on_its_line = table
        .decor()
        .suffix()
        .is_some_and(|raw| raw.as_str().is_none_or(|s| s.contains('#')));
    if !table.is_empty() || (!table.is_dotted() && on_its_line) {
        return;
    }
    let above = table
        .decor()
        .prefix()
        .and_then(toml_edit::RawString::as_str)
        .filter(|text| text.contains('#'))
        .map(str::to_string);
    let position = table.position();
    document.remove(section);
    let Some(above) = above else {
        return;
    };
    let next = document
        .iter()
        .filter_map(|(name, item)| Some((name.to_string(), item.as_table()?.position()?)))
        .filter(|(_, p)| position.is_none_or(|mine| *p > mine))
        .min_by_key(|(_, p)| *p)
        .map(|(name, _)| name);
    match next.and_then(|name| document.get_mut(&name)?.as_table_mut()) {
        Some(next) => {
            let old = next.decor().prefix().and_then(toml_edit::RawString::as_str);
            let joined = format!("{above}{}", old.unwrap_or_default());
            next.decor_mut().set_prefix(joined);
        }
        None => {
            let old = document.trailing().as_str().unwrap_or_default().to_string();
            document.set_trailing(format!("{above}{old}"));
        }
    }
}

fn put(root: &mut Table, section: &str, leaf: &str, value: toml_edit::Value) {
    // Dotted keys for a new section only in a file written with dotted keys alone.
    let tables = root.iter().filter_map(|(_, item)| item.as_table());
    let (dotted, headed): (Vec<&Table>, Vec<&Table>) = tables.partition(|t| t.is_dotted());
    let dotted_style = !dotted.is_empty() && headed.is_empty();
    let section_item = root.get_mut(section);
    let inline = matches!(section_item.as_deref(), Some(Item::Value(_)));
    match section_item.and_then(Item::as_table_like_mut) {
        Some(table) => put_in(table, leaf, value, inline),
        None => {
            let mut table = Table::new();
            table.set_dotted(dotted_style);
            table.insert(leaf, Item::Value(value));
            root.insert(section, Item::Table(table));
        }
    }
}

/// Sets `leaf` in `table`: an existing value keeps its place and the comment after it; a new key is
/// formatted as the table's last key (in an inline table, it also takes the space before the `}`).
fn put_in(table: &mut dyn TableLike, leaf: &str, mut value: toml_edit::Value, inline: bool) {
    if let Some(old) = table.get_mut(leaf) {
        if let Some(old) = old.as_value() {
            *value.decor_mut() = old.decor().clone();
        }
        *old = Item::Value(value);
        return;
    }
    let model = table.iter().last().map(|(name, _)| name.to_string());
    let looks = model.as_deref().and_then(|name| {
        let key = table.key(name)?.leaf_decor().clone();
        let value = table
            .get(name)?
            .as_value()?
            .decor()
            .prefix()?
            .as_str()?
            .to_string();
        Some((key, value))
    });
    if let Some((_, spacing)) = &looks {
        value.decor_mut().set_prefix(spacing.as_str());
    }
    if inline && let Some(name) = &model {
        move_closing_space(table, name, &mut value);
    }
    table.insert(leaf, Item::Value(value));
    if let (Some((key_decor, _)), Some(mut key)) = (looks, table.key_mut(leaf)) {
        *key.leaf_decor_mut() = layout_only(&key_decor);
    }
}

/// Moves the space before an inline table's `}` from the value of `from` to `to`, the new last value.
fn move_closing_space(table: &mut dyn TableLike, from: &str, to: &mut toml_edit::Value) {
    if let Some(last) = table.get_mut(from).and_then(Item::as_value_mut) {
        let suffix = last.decor().suffix().cloned();
        last.decor_mut().set_suffix("");
        if let Some(suffix) = suffix {
            to.decor_mut().set_suffix(suffix);
        }
    }
}

/// A key's decoration without its comments: the indentation before it and the spacing before `=`.
fn layout_only(decor: &Decor) -> Decor {
    let text = |raw: Option<&toml_edit::RawString>| {
        raw.and_then(toml_edit::RawString::as_str)
            .map(|s| s.rsplit('\n').next().unwrap_or(s).to_string())
    };
    let mut layout = Decor::default();
    if let Some(prefix) = text(decor.prefix()) {
        layout.set_prefix(prefix);
    }
    if let Some(suffix) = text(decor.suffix()) {
        layout.set_suffix(suffix);
    }
    layout
}

fn remove(root: &mut Table, section: &str, leaf: &str) -> bool {
    let Some(item) = root.get_mut(section) else {
        return false;
    };
    let inline = matches!(item, Item::Value(_));
    let Some(table) = item.as_table_like_mut() else {
        return false;
    };
    let was_last = table.iter().last().is_some_and(|(name, _)| name == leaf);
    let first_prefix = table
        .iter()
        .next()
        .filter(|(name, _)| *name == leaf)
        .and_then(|(name, _)| table.key(name)?.leaf_decor().prefix().cloned());
    let Some(removed) = table.remove(leaf) else {
        return false;
    };
    let first = table.iter().next().map(|(name, _)| name.to_string());
    let last = table.iter().last().map(|(name, _)| name.to_string());
    // In an inline table, the new first key takes the space after the `{`.
    if let (Some(prefix), true) = (first_prefix, inline)
        && let Some(name) = first
        && let Some(mut key) = table.key_mut(&name)
    {
        key.leaf_decor_mut().set_prefix(prefix);
    }
    // In an inline table, the new last value takes the space before the `}`.
    if let (Item::Value(removed), true) = (removed, was_last && inline)
        && let Some(name) = last
        && let Some(last) = table.get_mut(&name).and_then(Item::as_value_mut)
        && let Some(suffix) = removed.decor().suffix().cloned()
    {
        last.decor_mut().set_suffix(suffix);
    }
    // An inline table left empty goes (a `[section]` table is for drop_empty_section).
    if inline && table.is_empty() {
        root.remove(section);
    }
    true
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn file(text: &str) -> SettingsFile {
        SettingsFile::from_text(Path::new("/u/config.toml"), Scope::User, text)
    }

    fn set(text: &str, key: Key, value: Value) -> String {
        let mut f = file(text);
        f.set(key, &value).unwrap();
        f.text().to_string()
    }

    #[test]
    fn a_value_is_replaced_in_place_with_its_comment() {
        assert_eq!(
            set(
                "# mine\n[aws]\n  timeout   =  30   # seconds\nattempts = 3\n",
                Key::AwsTimeout,
                Value::Seconds(2.5)
            ),
            "# mine\n[aws]\n  timeout   =  2.5   # seconds\nattempts = 3\n"
        );
    }

    #[test]
    fn a_new_key_is_written_as_its_neighbours_are() {
        assert_eq!(
            set(
                "[aws]\n  # per attempt\n  timeout=30\n\n[ui]\nprogress = false\n",
                Key::AwsAttempts,
                Value::Whole(5)
            ),
            "[aws]\n  # per attempt\n  timeout=30\n  attempts=5\n\n[ui]\nprogress = false\n"
        );
        assert_eq!(
            set("aws.timeout = 30\n", Key::AwsAttempts, Value::Whole(5)),
            "aws.timeout = 30\naws.attempts = 5\n"
        );
        assert_eq!(
            set(
                "aws = { timeout = 30 }\n",
                Key::AwsAttempts,
                Value::Whole(5)
            ),
            "aws = { timeout = 30, attempts = 5 }\n"
        );
        let mut f = file("aws = { timeout = 30, attempts = 5 }\n");
        assert!(f.unset(Key::AwsAttempts).unwrap());
        assert_eq!(f.text(), "aws = { timeout = 30 }\n");
    }

    #[test]
    fn a_new_section_goes_at_the_end_in_the_files_style() {
        assert_eq!(
            set("", Key::MfaSession, Value::Bool(true)),
            "[mfa]\nsession = true\n"
        );
        assert_eq!(
            set(
                "# settings\n[aws]\ntimeout = 30\n",
                Key::MfaSession,
                Value::Bool(true)
            ),
            "# settings\n[aws]\ntimeout = 30\n\n[mfa]\nsession = true\n"
        );
        assert_eq!(
            set("aws.timeout = 30\n", Key::MfaSession, Value::Bool(true)),
            "aws.timeout = 30\nmfa.session = true\n"
        );
    }

    #[test]
    fn unset_removes_the_key_and_an_empty_section_without_comments() {
        let mut f = file("[aws]\ntimeout = 30\n\n# keep\n[ui]\nprogress = false\n");
        assert!(f.unset(Key::AwsTimeout).unwrap());
        assert_eq!(f.text(), "# keep\n[ui]\nprogress = false\n");
        assert!(!f.unset(Key::AwsTimeout).unwrap());
        let mut f = file("[aws]\ntimeout = 30\n\n[ui]\nprogress = false\n");
        assert!(f.unset(Key::AwsTimeout).unwrap());
        assert_eq!(f.text(), "[ui]\nprogress = false\n");
        let mut f = file("# about aws\n[aws]\ntimeout = 30\n\n[ui]\nprogress = false\n");
        assert!(f.unset(Key::AwsTimeout).unwrap());
        assert_eq!(f.text(), "# about aws\n\n[ui]\nprogress = false\n");
        let mut f = file("[aws] # mine\ntimeout = 30\n");
        assert!(f.unset(Key::AwsTimeout).unwrap());
        assert_eq!(f.text(), "[aws] # mine\n");
    }

    #[test]
    fn a_file_of_comments_keeps_them_on_top() {
        let mut f = file("# my settings\n# (none yet)\n");
        f.set(Key::AwsAttempts, &Value::Whole(4)).unwrap();
        assert_eq!(
            f.text(),
            "# my settings\n# (none yet)\n[aws]\nattempts = 4\n"
        );
        assert!(f.unset(Key::AwsAttempts).unwrap());
        assert_eq!(f.text(), "# my settings\n# (none yet)\n");
    }

    #[test]
    fn a_project_file_refuses_a_command() {
        let mut f = SettingsFile::from_text(Path::new("/p/amplify-rs.toml"), Scope::Project, "");
        let error = f
            .set(Key::MfaProcess, &Value::Text("printf 123456".into()))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "mfa.process cannot be set in a project file (/p/amplify-rs.toml): it runs a command, and a project file comes with the repository"
        );
        assert_eq!(f.text(), "");
    }
}
