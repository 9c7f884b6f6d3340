//! Typed errors of the profile model. Each names the file and line, or the profile, that is wrong, and
//! [`ParseError::hint`], [`LoadError::hint`], [`ResolveError::hint`] and [`EditError::hint`] say what to
//! change. The first sentence keeps the AWS CLI's wording where users know it ("The config profile (x)
//! could not be found").

use std::path::PathBuf;

use crate::document::FileKind;
use crate::location::Location;

#[derive(Debug, thiserror::Error)]
#[error("error parsing {location}: {kind}")]
pub struct ParseError {
    pub location: Location,
    pub kind: ParseErrorKind,
}

#[derive(Debug, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("a key comes before any [section] header")]
    NoSectionHeader,
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

/// A profile that cannot be turned into a chain of credentials. Found before any network call.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("The config profile ({name}) could not be found")]
    ProfileNotFound {
        name: String,
        available: Vec<String>,
        config: PathBuf,
        credentials: PathBuf,
    },
    #[error(
        "The source_profile \"{source_profile}\" referenced in the profile \"{profile}\" ({location}) does not exist"
    )]
    SourceProfileNotFound {
        profile: String,
        source_profile: String,
        location: Location,
        available: Vec<String>,
    },
    #[error(
        "The profile \"{profile}\" ({location}) contains both source_profile and credential_source"
    )]
    BothSources { profile: String, location: Location },
    #[error(
        "The profile \"{profile}\" ({location}) has a role_arn but neither source_profile nor credential_source"
    )]
    NoSource { profile: String, location: Location },
    #[error(
        "The credential source \"{value}\" referenced in profile \"{profile}\" ({location}) is not valid"
    )]
    InvalidCredentialSource {
        profile: String,
        value: String,
        location: Location,
    },
    #[error("The source profile \"{profile}\" must have credentials")]
    NoCredentials {
        profile: String,
        referenced_by: Option<String>,
    },
    #[error("The profile \"{profile}\" ({location}) has {present} but no {missing}")]
    PartialKeys {
        profile: String,
        present: &'static str,
        missing: &'static str,
        location: Location,
    },
    #[error("Infinite loop in credential configuration detected. Visited profiles: [{}]", visited.join(", "))]
    Loop { visited: Vec<String> },
    #[error(
        "duration_seconds = {value} in profile \"{profile}\" ({location}) is not a whole number between 900 and 43200"
    )]
    InvalidDuration {
        profile: String,
        value: String,
        location: Location,
    },
    #[error("role_arn = {value} in profile \"{profile}\" ({location}) is not an IAM role ARN")]
    InvalidRoleArn {
        profile: String,
        value: String,
        location: Location,
    },
    #[error(
        "role_session_name = {value} in profile \"{profile}\" ({location}) is not a valid session name"
    )]
    InvalidSessionName {
        profile: String,
        value: String,
        location: Location,
    },
}

impl ResolveError {
    /// The profile the error is about.
    pub fn profile(&self) -> &str {
        match self {
            ResolveError::ProfileNotFound { name, .. } => name,
            ResolveError::SourceProfileNotFound { profile, .. }
            | ResolveError::BothSources { profile, .. }
            | ResolveError::NoSource { profile, .. }
            | ResolveError::InvalidCredentialSource { profile, .. }
            | ResolveError::NoCredentials { profile, .. }
            | ResolveError::PartialKeys { profile, .. }
            | ResolveError::InvalidDuration { profile, .. }
            | ResolveError::InvalidRoleArn { profile, .. }
            | ResolveError::InvalidSessionName { profile, .. } => profile,
            ResolveError::Loop { visited } => visited.first().map_or("", String::as_str),
        }
    }

    pub fn hint(&self) -> String {
        match self {
            ResolveError::ProfileNotFound { name, available, config, credentials } => {
                if available.is_empty() {
                    return format!(
                        "no profiles are defined in {} or {}: run `amplify-rs configure` or add one by hand",
                        config.display(),
                        credentials.display()
                    );
                }
                let suggestion = closest(name, available).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
                format!("{suggestion}the profiles that exist are: {}", list(available))
            }
            ResolveError::SourceProfileNotFound { source_profile, available, .. } => {
                let suggestion =
                    closest(source_profile, available).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
                format!(
                    "{suggestion}add a [{source_profile}] section with your access keys to the credentials file, or point source_profile at one of: {}",
                    list(available)
                )
            }
            ResolveError::BothSources { location, .. } => {
                format!("keep either source_profile or credential_source in the section at {location}, not both")
            }
            ResolveError::NoSource { location, .. } => format!(
                "add `source_profile = <the profile with your access keys>` (or credential_source) to the section at {location}"
            ),
            ResolveError::InvalidCredentialSource { location, .. } => {
                format!("use Environment, Ec2InstanceMetadata or EcsContainer at {location}")
            }
            ResolveError::NoCredentials { profile, referenced_by } => {
                let by = referenced_by.as_ref().map(|p| format!(" (the source of \"{p}\")")).unwrap_or_default();
                format!(
                    "give [{profile}]{by} aws_access_key_id and aws_secret_access_key in the credentials file, or a role_arn, credential_process or sso_session"
                )
            }
            ResolveError::PartialKeys { location, missing, .. } => format!("add {missing} next to the key at {location}"),
            ResolveError::Loop { .. } => {
                "make the last source_profile point at a profile with access keys instead of back into the chain".into()
            }
            ResolveError::InvalidDuration { location, .. } => {
                format!("set duration_seconds at {location} to a number of seconds from 900 (15 minutes) to 43200 (12 hours)")
            }
            ResolveError::InvalidRoleArn { location, .. } => {
                format!("role_arn at {location} must look like arn:aws:iam::123456789012:role/NAME")
            }
            ResolveError::InvalidSessionName { location, .. } => format!(
                "role_session_name at {location} must be 2 to 64 characters of letters, digits and _+=,.@-"
            ),
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

/// The name in `candidates` closest to `name`, when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.as_str())
}

fn list(names: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut shown: Vec<&str> = names.iter().take(SHOWN).map(String::as_str).collect();
    if names.len() > SHOWN {
        shown.push("…");
    }
    shown.join(", ")
}
