//! The default editors the original offers, with the id it stores and the name it shows. The original
//! stores the display name when init's defaults are accepted ("Visual Studio Code"), so both are read.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Editor {
    pub id: &'static str,
    pub name: &'static str,
}

pub const EDITORS: &[Editor] = &[
    Editor {
        id: "vscode",
        name: "Visual Studio Code",
    },
    Editor {
        id: "android-studio",
        name: "Android Studio",
    },
    Editor {
        id: "xcode",
        name: "Xcode (macOS only)",
    },
    Editor {
        id: "atom",
        name: "Atom Editor",
    },
    Editor {
        id: "sublime",
        name: "Sublime Text",
    },
    Editor {
        id: "intellij",
        name: "IntelliJ IDEA",
    },
    Editor {
        id: "vim",
        name: "Vim (via Terminal, macOS only)",
    },
    Editor {
        id: "emacs",
        name: "Emacs (via Terminal, macOS only)",
    },
    Editor {
        id: "none",
        name: "None",
    },
];

impl Editor {
    /// The editor a stored value means: an id (any case, with the original's aliases `code` and
    /// `idea14ce`) or a display name.
    pub fn from_stored(value: &str) -> Option<Editor> {
        let lower = value.to_lowercase();
        let id = match lower.as_str() {
            "code" => "vscode",
            "idea14ce" => "intellij",
            other => other,
        };
        EDITORS
            .iter()
            .find(|e| e.id == id || e.name.eq_ignore_ascii_case(value))
            .copied()
    }

    pub fn default_editor() -> Editor {
        EDITORS[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_stored_forms_are_read() {
        assert_eq!(
            Editor::from_stored("vscode").unwrap().name,
            "Visual Studio Code"
        );
        assert_eq!(
            Editor::from_stored("Visual Studio Code").unwrap().id,
            "vscode"
        );
        assert_eq!(Editor::from_stored("code").unwrap().id, "vscode");
        assert_eq!(Editor::from_stored("IDEA14CE").unwrap().id, "intellij");
        assert_eq!(Editor::from_stored("notepad"), None);
    }
}
