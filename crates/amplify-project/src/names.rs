//! Project and environment names, with the original's rules and messages.

use rand::Rng as _;
use rand::distr::Alphanumeric;

pub const PROJECT_NAME_RULE: &str =
    "Project name should be between 3 and 20 characters and alphanumeric";
pub const ENV_NAME_RULE: &str =
    "Environment name must be between 2 and 10 characters, and lowercase only.";

/// 3 to 20 ASCII letters and digits.
pub fn is_valid_project_name(name: &str) -> bool {
    (3..=20).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// 2 to 10 lowercase ASCII letters.
pub fn is_valid_env_name(name: &str) -> bool {
    (2..=10).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase())
}

/// The original's default project name for a folder: non-alphanumerics removed, 5 random characters
/// appended when shorter than 3, cut at 20.
pub fn default_project_name(folder_name: &str) -> String {
    if folder_name.is_empty() {
        return format!("amplify{}", make_id(5));
    }
    if is_valid_project_name(folder_name) {
        return folder_name.to_string();
    }
    let mut name: String = folder_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if name.len() < 3 {
        name.push_str(&make_id(5));
    }
    name.truncate(20);
    name
}

/// `n` random ASCII letters and digits.
pub fn make_id(n: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names() {
        assert!(is_valid_project_name("myapp"));
        assert!(!is_valid_project_name("my-app"));
        assert!(!is_valid_project_name("ab"));
        assert!(!is_valid_project_name("a23456789012345678901"));
        assert_eq!(default_project_name("my-app"), "myapp");
        assert_eq!(
            default_project_name("inventory.portal.for.biz.corp"),
            "inventoryportalforbi"
        );
        let short = default_project_name("a-b");
        assert!(
            short.starts_with("ab") && short.len() == 7 && is_valid_project_name(&short),
            "{short}"
        );
    }

    #[test]
    fn env_names() {
        assert!(is_valid_env_name("dev"));
        assert!(!is_valid_env_name("Dev"));
        assert!(!is_valid_env_name("d"));
        assert!(!is_valid_env_name("staging123"));
    }
}
