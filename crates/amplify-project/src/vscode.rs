//! `.vscode/settings.json`: when a person chooses Visual Studio Code as the project's editor, the original
//! hides the files nobody should edit by hand (`files.exclude`), keeping the user's own settings, which win
//! over its rules. A settings file that is not plain JSON (VS Code allows comments) is left as it is here,
//! where the original replaces it with its rules alone.

use std::path::Path;

use serde_json::{Map, Value};

use crate::atomic::{read_text, write_json};
use crate::error::ProjectError;

/// The patterns the original hides, in its order.
pub const HIDDEN: [&str; 7] = [
    "amplify/.config",
    "amplify/**/*-parameters.json",
    "amplify/**/amplify.state",
    "amplify/**/transform.conf.json",
    "amplify/#current-cloud-backend",
    "amplify/backend/amplify-meta.json",
    "amplify/backend/awscloudformation",
];

/// What became of the settings file.
#[derive(Debug, PartialEq, Eq)]
pub enum VscodeSettings {
    Written,
    /// The file is not a JSON object (comments, trailing commas): left untouched.
    LeftAsItIs,
}

/// Adds the original's `files.exclude` rules to `root/.vscode/settings.json`; what the file says already
/// (an exclusion switched off, any other setting) is kept and wins.
pub fn hide_generated_files(root: &Path) -> Result<VscodeSettings, ProjectError> {
    let path = root.join(".vscode").join("settings.json");
    let existing = match read_text(&path)? {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            _ => return Ok(VscodeSettings::LeftAsItIs),
        },
    };
    let mut rules: Map<String, Value> = HIDDEN
        .iter()
        .map(|pattern| ((*pattern).to_string(), Value::Bool(true)))
        .collect();
    if let Some(Value::Object(theirs)) = existing.get("files.exclude") {
        for (key, value) in theirs {
            rules.insert(key.clone(), value.clone());
        }
    }
    let mut settings = Map::new();
    settings.insert("files.exclude".into(), Value::Object(rules));
    for (key, value) in existing {
        if key != "files.exclude" {
            settings.insert(key, value);
        }
    }
    // The write makes `.vscode/` when it is missing.
    write_json(&path, &Value::Object(settings))?;
    Ok(VscodeSettings::Written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_are_added_and_the_users_settings_win() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            hide_generated_files(dir.path()).unwrap(),
            VscodeSettings::Written
        );
        let path = dir.path().join(".vscode/settings.json");
        let written: Value = serde_json::from_str(&fs_err::read_to_string(&path).unwrap()).unwrap();
        let excluded: Vec<&str> = written["files.exclude"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(excluded, HIDDEN);

        fs_err::write(
            &path,
            r#"{"editor.tabSize": 2, "files.exclude": {"amplify/.config": false, "node_modules": true}}"#,
        )
        .unwrap();
        hide_generated_files(dir.path()).unwrap();
        let merged: Value = serde_json::from_str(&fs_err::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(merged["editor.tabSize"], 2);
        assert_eq!(
            merged["files.exclude"]["amplify/.config"], false,
            "theirs wins"
        );
        assert_eq!(merged["files.exclude"]["node_modules"], true);
        assert_eq!(
            merged["files.exclude"]["amplify/backend/awscloudformation"],
            true
        );
    }

    #[test]
    fn a_settings_file_with_comments_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".vscode/settings.json");
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        let text = "{\n  // tabs\n  \"editor.tabSize\": 2,\n}\n";
        fs_err::write(&path, text).unwrap();
        assert_eq!(
            hide_generated_files(dir.path()).unwrap(),
            VscodeSettings::LeftAsItIs
        );
        assert_eq!(fs_err::read_to_string(&path).unwrap(), text);
    }
}
