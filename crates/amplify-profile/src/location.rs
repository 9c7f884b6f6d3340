//! Where the two shared files live and which profile is selected, computed from an environment that the
//! caller passes in (never read here from the process), so tests can point everything at a fake HOME.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use amplify_creds::env::aws as env;

/// A place in a file, printed as `PATH:LINE` so terminals and editors can jump to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub path: Arc<Path>,
    /// 1-based.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// The two files and the selected profile, as the AWS CLI finds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLocations {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl FileLocations {
    /// `AWS_CONFIG_FILE` else `~/.aws/config`; `AWS_SHARED_CREDENTIALS_FILE` else `~/.aws/credentials`.
    /// A leading `~` in a variable is expanded as the AWS CLI does.
    pub fn from_env(home: &Path, var: impl Fn(&str) -> Option<String>) -> Self {
        let pick = |name: &str, default: &str| match var(name).filter(|v| !v.is_empty()) {
            Some(value) => expand_home(&value, home),
            None => home.join(".aws").join(default),
        };
        Self {
            config: pick(env::CONFIG_FILE, "config"),
            credentials: pick(env::SHARED_CREDENTIALS_FILE, "credentials"),
        }
    }
}

/// The profile the environment selects: `AWS_DEFAULT_PROFILE`, then `AWS_PROFILE` (the AWS CLI's order).
pub fn profile_from_env(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    [env::DEFAULT_PROFILE, env::PROFILE]
        .into_iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
}

fn expand_home(value: &str, home: &Path) -> PathBuf {
    match value.strip_prefix('~') {
        Some("") => home.to_path_buf(),
        Some(rest) if rest.starts_with('/') => home.join(&rest[1..]),
        _ => PathBuf::from(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let home = Path::new("/home/dev");
        let none = FileLocations::from_env(home, |_| None);
        assert_eq!(none.config, Path::new("/home/dev/.aws/config"));
        assert_eq!(none.credentials, Path::new("/home/dev/.aws/credentials"));
        let set = FileLocations::from_env(home, |k| match k {
            "AWS_CONFIG_FILE" => Some("~/cfg/aws".into()),
            "AWS_SHARED_CREDENTIALS_FILE" => Some("/etc/creds".into()),
            _ => None,
        });
        assert_eq!(set.config, Path::new("/home/dev/cfg/aws"));
        assert_eq!(set.credentials, Path::new("/etc/creds"));
    }

    #[test]
    fn default_profile_variable_wins_like_the_aws_cli() {
        let both = |k: &str| match k {
            "AWS_DEFAULT_PROFILE" => Some("a".to_string()),
            "AWS_PROFILE" => Some("b".to_string()),
            _ => None,
        };
        assert_eq!(profile_from_env(both).as_deref(), Some("a"));
        assert_eq!(
            profile_from_env(|k| (k == "AWS_PROFILE").then(|| "b".into())).as_deref(),
            Some("b")
        );
        assert_eq!(profile_from_env(|_| Some(String::new())), None);
    }
}
