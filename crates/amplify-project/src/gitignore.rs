//! The block `amplify init` keeps in the project's `.gitignore`, between its two markers. An old block is
//! replaced; every other line of the file stays as it was.

use std::path::Path;

use crate::atomic::{read_text, write_file};
use crate::error::ProjectError;

const BEGIN: &str = "#amplify-do-not-edit-begin";
const END: &str = "#amplify-do-not-edit-end";

pub const GITIGNORE_ENTRIES: &[&str] = &[
    "amplify/\\#current-cloud-backend",
    "amplify/.config/local-*",
    "amplify/logs",
    "amplify/mock-data",
    "amplify/mock-api-resources",
    "amplify/backend/amplify-meta.json",
    "amplify/backend/.temp",
    "build/",
    "dist/",
    "node_modules/",
    "aws-exports.js",
    "awsconfiguration.json",
    "amplifyconfiguration.json",
    "amplifyconfiguration.dart",
    "amplify-build-config.json",
    "amplify-gradle-config.json",
    "amplifytools.xcconfig",
    ".secret-*",
    "**.sample",
];

fn block() -> String {
    let mut lines = vec![BEGIN];
    lines.extend_from_slice(GITIGNORE_ENTRIES);
    lines.push(END);
    lines.join("\n")
}

/// The new contents of a `.gitignore` that held `existing`.
pub(crate) fn with_block(existing: Option<&str>) -> String {
    let Some(existing) = existing else {
        return block();
    };
    let mut kept = Vec::new();
    let mut inside = false;
    for line in existing.lines() {
        match line.trim() {
            BEGIN => inside = true,
            END if inside => inside = false,
            _ if !inside => kept.push(line),
            _ => {}
        }
    }
    let rest = kept.join("\n");
    let rest = rest.trim_end_matches(['\n', '\r']);
    if rest.is_empty() {
        block()
    } else {
        // The original ends a file it appended to with a newline (and a file it created without one).
        format!("{rest}\n\n{}\n", block())
    }
}

/// Writes the block into `root/.gitignore`.
pub fn update_gitignore(root: &Path) -> Result<(), ProjectError> {
    let path = root.join(".gitignore");
    let existing = read_text(&path)?;
    write_file(&path, with_block(existing.as_deref()).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_file_is_the_block_alone() {
        let text = with_block(None);
        assert!(text.starts_with(BEGIN) && text.ends_with(END));
        assert_eq!(text.lines().count(), GITIGNORE_ENTRIES.len() + 2);
    }

    #[test]
    fn an_old_block_is_replaced_and_other_lines_kept() {
        let existing = format!("node_modules\n.env\n\n{BEGIN}\nold-entry\n{END}\n# mine\n*.log\n");
        let text = with_block(Some(&existing));
        assert!(!text.contains("old-entry"));
        assert!(
            text.starts_with("node_modules\n.env\n\n# mine\n*.log\n\n#amplify-do-not-edit-begin"),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("{END}\n")),
            "as the original: {text:?}"
        );
        assert_eq!(text.matches(BEGIN).count(), 1);
        assert_eq!(with_block(Some(&text)), text, "idempotent");
    }

    /// docs/differences.md: the original trims every line of the file, drops any line starting with
    /// `#amplify` and the lines after it up to a blank one; here the user's lines stay as written.
    #[test]
    fn the_users_lines_stay_as_written_where_the_original_trims_and_drops_them() {
        let existing = "  indented/\n#amplify-notes: keep the mock data\nmock-data/\n\n*.log   \n";
        let text = with_block(Some(existing));
        assert!(
            text.starts_with(
                "  indented/\n#amplify-notes: keep the mock data\nmock-data/\n\n*.log   \n\n"
            ),
            "{text:?}"
        );
        assert_eq!(text.matches(BEGIN).count(), 1);
    }
}
