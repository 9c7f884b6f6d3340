//! Every setting amplify-rs has, in one table: its name in the files, what it holds and the values it
//! accepts, the variable, flag and profile key that also set it, whether a project file may set it, and its
//! default. The loader, the editor, `amplify-rs config` and `docs/settings.md` all read this table.

use amplify_creds::env::{self, amplify, aws};

/// Section and key of each setting, as written in the files (`[aws]` then `timeout = 30`, or
/// `aws.timeout = 30`).
pub mod names {
    pub const AWS_TIMEOUT: &str = "aws.timeout";
    pub const AWS_ATTEMPTS: &str = "aws.attempts";
    pub const MFA_SESSION: &str = "mfa.session";
    pub const MFA_SESSION_DURATION: &str = "mfa.session_duration";
    pub const MFA_PROCESS: &str = "mfa.process";
    pub const REUSE_MARGIN: &str = "credentials.reuse_margin";
    pub const PROGRESS: &str = "ui.progress";
    pub const COLOR: &str = "ui.color";
    pub const DEFAULT_PROFILE: &str = "init.default_profile";
}

/// The words `ui.color` accepts.
pub const COLOR_CHOICES: &[&str] = &["auto", "always", "never"];

/// A setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    AwsTimeout,
    AwsAttempts,
    MfaSession,
    MfaSessionDuration,
    MfaProcess,
    ReuseMargin,
    Progress,
    Color,
    DefaultProfile,
}

/// What a setting holds, and the values it accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A number of seconds, whole or not, from `min` to `max`.
    Seconds { min: f64, max: f64 },
    /// A whole number from `min` to `max`, of `unit` when it has one.
    Whole {
        min: u32,
        max: u32,
        unit: Option<&'static str>,
    },
    /// `true` or `false`.
    Bool,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A shell command, run with `sh -c`.
    Command,
    /// The name of a profile of the AWS files.
    Profile,
}

impl Kind {
    /// What the setting accepts, for messages: "a number of seconds from 0.1 to 3600".
    pub fn allowed(&self) -> String {
        match self {
            Kind::Seconds { min, max } => format!("a number of seconds from {min} to {max}"),
            Kind::Whole {
                min,
                max,
                unit: Some(unit),
            } => format!("a whole number of {unit} from {min} to {max}"),
            Kind::Whole {
                min,
                max,
                unit: None,
            } => format!("a whole number from {min} to {max}"),
            Kind::Bool => "true or false".to_string(),
            Kind::Choice(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                format!("one of {}", quoted.join(", "))
            }
            Kind::Command => "a command, as a string".to_string(),
            Kind::Profile => "a profile name, as a string".to_string(),
        }
    }
}

/// Whether a project file (`amplify-rs.toml`, committed with the project) may set a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InProject {
    Allowed,
    /// Refused, for this reason: a cloned repository is untrusted input.
    Refused(&'static str),
}

/// The variables that set a setting: the first one set wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variables {
    pub names: &'static [&'static str],
    /// Any non-empty value means this value (`NO_COLOR`), instead of being read as the setting's type.
    pub any_value_means: Option<&'static str>,
}

/// A setting's row of the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Definition {
    pub key: Key,
    /// `section.key`, as in the files and on the command line.
    pub name: &'static str,
    pub kind: Kind,
    /// The value when nothing sets it, as written in a file; `None` when unset means "not used".
    pub default: Option<&'static str>,
    pub variables: Option<Variables>,
    /// The command-line flag that sets it.
    pub flag: Option<&'static str>,
    /// The key of a profile in `~/.aws/config` that sets it, below every other source but the default.
    pub profile_key: Option<&'static str>,
    pub in_project: InProject,
    /// One line for `docs/settings.md` and `config list`.
    pub about: &'static str,
}

const fn vars(names: &'static [&'static str]) -> Option<Variables> {
    Some(Variables {
        names,
        any_value_means: None,
    })
}

/// The shortest reuse margin allowed: amplify_creds::REUSE_MARGIN, the time any single call needs to finish
/// with the credentials it started with.
pub const MIN_REUSE_MARGIN_SECONDS: u32 = 300;

/// Every setting, in the order `config list` shows them.
pub const DEFINITIONS: [Definition; 9] = [
    Definition {
        key: Key::AwsTimeout,
        name: names::AWS_TIMEOUT,
        kind: Kind::Seconds {
            min: 0.1,
            max: 3600.0,
        },
        default: Some("30"),
        variables: vars(&[amplify::AWS_TIMEOUT]),
        flag: None,
        profile_key: None,
        in_project: InProject::Allowed,
        about: "Seconds one attempt of an AWS call may take.",
    },
    Definition {
        key: Key::AwsAttempts,
        name: names::AWS_ATTEMPTS,
        kind: Kind::Whole {
            min: 1,
            max: 10,
            unit: None,
        },
        default: Some("3"),
        variables: vars(&[amplify::AWS_ATTEMPTS]),
        flag: None,
        profile_key: None,
        in_project: InProject::Allowed,
        about: "Attempts of one AWS call, the first included (the SDK's standard backoff between them).",
    },
    Definition {
        key: Key::MfaSession,
        name: names::MFA_SESSION,
        kind: Kind::Bool,
        default: Some("false"),
        variables: vars(&[amplify::MFA_SESSION]),
        flag: Some("--mfa-session"),
        profile_key: Some("amplify_rs_mfa_session"),
        in_project: InProject::Allowed,
        about: "Exchange the source keys for an MFA session (GetSessionToken) and assume roles from it.",
    },
    Definition {
        key: Key::MfaSessionDuration,
        name: names::MFA_SESSION_DURATION,
        kind: Kind::Whole {
            min: 900,
            max: 129_600,
            unit: Some("seconds"),
        },
        default: Some("43200"),
        variables: vars(&[amplify::MFA_SESSION_DURATION]),
        flag: None,
        profile_key: Some("amplify_rs_mfa_session_duration"),
        in_project: InProject::Allowed,
        about: "The MFA session's length (15 minutes to 36 hours).",
    },
    Definition {
        key: Key::MfaProcess,
        name: names::MFA_PROCESS,
        kind: Kind::Command,
        default: None,
        variables: vars(&[amplify::MFA_PROCESS]),
        flag: None,
        profile_key: Some("mfa_process"),
        in_project: InProject::Refused(
            "it runs a command, and a project file comes with the repository",
        ),
        about: "A command printing the MFA code (a hardware key, a password manager), for every MFA device.",
    },
    Definition {
        key: Key::ReuseMargin,
        name: names::REUSE_MARGIN,
        kind: Kind::Whole {
            min: MIN_REUSE_MARGIN_SECONDS,
            max: 1800,
            unit: Some("seconds"),
        },
        default: Some("300"),
        variables: vars(&[amplify::REUSE_MARGIN]),
        flag: None,
        profile_key: None,
        in_project: InProject::Allowed,
        about: "Validity cached credentials must have left to be reused rather than renewed (never less than 5 minutes).",
    },
    Definition {
        key: Key::Progress,
        name: names::PROGRESS,
        kind: Kind::Bool,
        default: Some("true"),
        variables: vars(&[amplify::PROGRESS]),
        flag: None,
        profile_key: None,
        in_project: InProject::Allowed,
        about: "Spinners while AWS works, when stderr is a terminal (false: one line per step instead).",
    },
    Definition {
        key: Key::Color,
        name: names::COLOR,
        kind: Kind::Choice(COLOR_CHOICES),
        default: Some("auto"),
        variables: Some(Variables {
            names: &[env::NO_COLOR],
            any_value_means: Some("never"),
        }),
        flag: Some("--color"),
        profile_key: None,
        in_project: InProject::Allowed,
        about: "Colours: auto (when the output is a terminal), always or never.",
    },
    Definition {
        key: Key::DefaultProfile,
        name: names::DEFAULT_PROFILE,
        kind: Kind::Profile,
        default: Some("default"),
        variables: vars(&[aws::DEFAULT_PROFILE, aws::PROFILE]),
        flag: None,
        profile_key: None,
        in_project: InProject::Allowed,
        about: "The profile init preselects in its picker, and uses with --yes when --providers names none.",
    },
];

impl Key {
    /// Every setting, in the order `config list` shows them.
    pub const ALL: [Key; 9] = [
        Key::AwsTimeout,
        Key::AwsAttempts,
        Key::MfaSession,
        Key::MfaSessionDuration,
        Key::MfaProcess,
        Key::ReuseMargin,
        Key::Progress,
        Key::Color,
        Key::DefaultProfile,
    ];

    pub fn definition(self) -> &'static Definition {
        DEFINITIONS
            .iter()
            .find(|d| d.key == self)
            .expect("every key has a definition")
    }

    /// `section.key`.
    pub fn name(self) -> &'static str {
        self.definition().name
    }

    /// The setting named `name` (`aws.timeout`).
    pub fn from_name(name: &str) -> Option<Key> {
        DEFINITIONS.iter().find(|d| d.name == name).map(|d| d.key)
    }

    /// The setting named `name`, or an error with the setting probably meant.
    pub fn parse(name: &str) -> Result<Key, crate::SettingsError> {
        Key::from_name(name).ok_or_else(|| crate::SettingsError::UnknownKey {
            name: name.to_string(),
            suggestion: Key::suggest(name).map(Key::name),
        })
    }

    /// The setting a person probably meant by `name`: a near miss of a setting's name, the name of the
    /// profile key or variable that sets it (`mfa_process`, `AMPLIFY_RS_AWS_TIMEOUT`), or either in the
    /// wrong section (`profile.mfa_process`).
    pub fn suggest(name: &str) -> Option<Key> {
        let unquoted = name.replace(['"', '\''], "");
        let mut candidates = vec![name, unquoted.as_str()];
        if let Some((_, rest)) = unquoted.split_once('.') {
            candidates.push(rest);
        }
        if let Some(last) = unquoted.rsplit('.').next() {
            candidates.push(last);
        }
        let exact = |candidate: &str| {
            DEFINITIONS.iter().find(|d| {
                d.name == candidate
                    || d.profile_key == Some(candidate)
                    || d.variables.is_some_and(|v| v.names.contains(&candidate))
                    || d.name.rsplit('.').next() == Some(candidate)
            })
        };
        if let Some(d) = candidates.iter().find_map(|c| exact(c)) {
            return Some(d.key);
        }
        candidates
            .iter()
            .flat_map(|c| {
                DEFINITIONS
                    .iter()
                    .map(|d| (strsim::jaro_winkler(c, d.name), d.key))
            })
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, key)| key)
    }

    /// Whether `name` is one of the sections (`aws`, `mfa`, ...), which hold settings and no value.
    pub(crate) fn is_section(name: &str) -> bool {
        DEFINITIONS
            .iter()
            .any(|d| d.name.split_once('.').map(|(s, _)| s) == Some(name))
    }

    /// The settings of `section`, for the message about a section that is not a table.
    pub(crate) fn members_of(section: &str) -> Vec<&'static str> {
        DEFINITIONS
            .iter()
            .filter_map(|d| {
                let (s, key) = d.name.split_once('.')?;
                (s == section).then_some(key)
            })
            .collect()
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn the_table_is_consistent() {
        for (i, d) in DEFINITIONS.iter().enumerate() {
            assert_eq!(Key::ALL[i], d.key, "ALL and DEFINITIONS in the same order");
            assert_eq!(Key::from_name(d.name), Some(d.key));
            let (section, key) = d.name.split_once('.').expect("section.key");
            assert!(!section.is_empty() && !key.contains('.'), "{}", d.name);
            if let Some(default) = d.default {
                assert!(
                    Value::from_text(&d.kind, default).is_some(),
                    "the default of {} is one of its values",
                    d.name
                );
            }
        }
    }

    #[test]
    fn near_misses_and_old_names_are_suggested() {
        assert_eq!(Key::suggest("aws.timout"), Some(Key::AwsTimeout));
        assert_eq!(Key::suggest("mfa.sesion"), Some(Key::MfaSession));
        assert_eq!(Key::suggest("mfa_process"), Some(Key::MfaProcess));
        assert_eq!(
            Key::suggest("amplify_rs_mfa_session_duration"),
            Some(Key::MfaSessionDuration)
        );
        assert_eq!(
            Key::suggest("AMPLIFY_RS_AWS_TIMEOUT"),
            Some(Key::AwsTimeout)
        );
        assert_eq!(Key::suggest("reuse_margin"), Some(Key::ReuseMargin));
        assert_eq!(Key::suggest("something.else"), None);
    }
}
