//! Why a profile cannot be turned into a chain of credentials, found before any network call. Each error is
//! one the AWS CLI (botocore) also stops at for the same files, in the order botocore finds them; the first
//! sentence keeps botocore's wording where users know it ("The config profile (x) could not be found",
//! "The source profile "x" must have credentials"), then the file and line, and [`ResolveError::hint`] says
//! what to change. `tests/conformance.rs` and `tests/differential.rs` check the kinds against botocore.

use std::path::PathBuf;

use crate::location::Location;

/// A profile that cannot be turned into a chain of credentials.
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
    /// The profile asked for gives no credentials (botocore: "Unable to locate credentials").
    #[error(
        "Unable to locate credentials: the profile \"{profile}\" ({location}) has no access keys, role, SSO account, web identity or credential_process"
    )]
    NoCredentials {
        profile: String,
        location: Location,
        advice: &'static str,
    },
    /// A `source_profile` that gives no credentials.
    #[error(
        "The source profile \"{profile}\" must have credentials: it is the source_profile of \"{referenced_by}\" ({referenced_at}) and is defined at {location}"
    )]
    SourceNoCredentials {
        profile: String,
        referenced_by: String,
        referenced_at: Location,
        location: Location,
        advice: &'static str,
    },
    #[error("The profile \"{profile}\" ({location}) has {present} but no {missing}")]
    PartialKeys {
        profile: String,
        present: &'static str,
        missing: &'static str,
        location: Location,
    },
    #[error(
        "Infinite loop in credential configuration detected. Visited profiles: [{}] (source_profile at {location})",
        visited.join(", ")
    )]
    Loop {
        visited: Vec<String>,
        location: Location,
    },
    /// An integer under 900, which botocore's client refuses to send.
    #[error(
        "duration_seconds = {value} in profile \"{profile}\" ({location}) is under 900 seconds (15 minutes): the AWS CLI refuses to send it to STS"
    )]
    InvalidDuration {
        profile: String,
        value: String,
        location: Location,
    },
    /// A value shorter than STS's model allows, which botocore's client refuses to send.
    #[error(
        "{} in profile \"{profile}\" ({location}) {}: the AWS CLI refuses to send it to STS",
        setting(key, value),
        if value.is_empty() { "is empty".to_string() } else { format!("is shorter than {min} characters") }
    )]
    TooShort {
        profile: String,
        key: &'static str,
        value: String,
        min: usize,
        location: Location,
    },
    #[error(
        "The profile \"{profile}\" ({location}) is configured to assume a role with web identity but has no role_arn"
    )]
    WebIdentityNoRoleArn { profile: String, location: Location },
    #[error(
        "The profile \"{profile}\" ({location}) is configured to use SSO but is missing required configuration: {}",
        missing.join(", ")
    )]
    SsoMissing {
        profile: String,
        missing: Vec<&'static str>,
        /// Whether the profile names an `sso_session`.
        with_session: bool,
        location: Location,
    },
    #[error(
        "The specified sso-session does not exist: \"{sso_session}\" (referenced by the profile \"{profile}\" at {location})"
    )]
    SsoSessionNotFound {
        profile: String,
        sso_session: String,
        location: Location,
        available: Vec<String>,
    },
    /// An sso-session without its own `sso_start_url` or `sso_region`, which botocore's token provider
    /// refuses before it reads a cached token (the profile's values do not count there).
    #[error(
        "The profile \"{profile}\" is configured to use the SSO token provider but the sso-session \"{sso_session}\" ({location}) is missing required configuration: {}",
        missing.join(", ")
    )]
    SsoSessionIncomplete {
        profile: String,
        sso_session: String,
        missing: Vec<&'static str>,
        location: Location,
    },
    #[error(
        "The value for {key} is inconsistent between profile \"{profile}\" ({location}) and sso-session \"{sso_session}\" ({session_location})"
    )]
    SsoConflict {
        profile: String,
        sso_session: String,
        key: String,
        location: Location,
        session_location: Location,
    },
    /// A key that must hold one value holds a nested map (`key =` then indented lines).
    #[error(
        "{key} in profile \"{profile}\" ({location}) is a nested map (indented `name = value` lines under it), not a value"
    )]
    NotText {
        profile: String,
        key: &'static str,
        location: Location,
    },
    /// A kind of credentials amplify-rs cannot obtain.
    #[error("The profile \"{profile}\" ({location}) uses {key}, which amplify-rs cannot use yet")]
    Unsupported {
        profile: String,
        key: &'static str,
        location: Location,
    },
}

/// `key = value`, or `key` alone for an empty value.
fn setting(key: &str, value: &str) -> String {
    if value.is_empty() {
        key.to_string()
    } else {
        format!("{key} = {value}")
    }
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
            | ResolveError::SourceNoCredentials { profile, .. }
            | ResolveError::PartialKeys { profile, .. }
            | ResolveError::InvalidDuration { profile, .. }
            | ResolveError::TooShort { profile, .. }
            | ResolveError::WebIdentityNoRoleArn { profile, .. }
            | ResolveError::SsoMissing { profile, .. }
            | ResolveError::SsoSessionNotFound { profile, .. }
            | ResolveError::SsoConflict { profile, .. }
            | ResolveError::SsoSessionIncomplete { profile, .. }
            | ResolveError::NotText { profile, .. }
            | ResolveError::Unsupported { profile, .. } => profile,
            ResolveError::Loop { visited, .. } => visited.first().map_or("", String::as_str),
        }
    }

    /// Where in the files the problem is written, when it is in them.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ResolveError::ProfileNotFound { .. } => None,
            ResolveError::SourceProfileNotFound { location, .. }
            | ResolveError::BothSources { location, .. }
            | ResolveError::NoSource { location, .. }
            | ResolveError::InvalidCredentialSource { location, .. }
            | ResolveError::NoCredentials { location, .. }
            | ResolveError::SourceNoCredentials { location, .. }
            | ResolveError::PartialKeys { location, .. }
            | ResolveError::Loop { location, .. }
            | ResolveError::InvalidDuration { location, .. }
            | ResolveError::TooShort { location, .. }
            | ResolveError::WebIdentityNoRoleArn { location, .. }
            | ResolveError::SsoMissing { location, .. }
            | ResolveError::SsoSessionNotFound { location, .. }
            | ResolveError::SsoConflict { location, .. }
            | ResolveError::SsoSessionIncomplete { location, .. }
            | ResolveError::NotText { location, .. }
            | ResolveError::Unsupported { location, .. } => Some(location),
        }
    }

    /// What to change, naming the file and line.
    pub fn hint(&self) -> String {
        match self {
            ResolveError::ProfileNotFound { .. } | ResolveError::SourceProfileNotFound { .. } => {
                self.not_found_hint()
            }
            ResolveError::BothSources { location, .. } => format!(
                "keep either source_profile or credential_source in the section at {location}, not both"
            ),
            ResolveError::NoSource { location, .. } => format!(
                "add `source_profile = <the profile with your access keys>` (or credential_source) to the section at {location}"
            ),
            ResolveError::InvalidCredentialSource {
                value, location, ..
            } => credential_source_hint(value, location),
            ResolveError::NoCredentials {
                advice, location, ..
            }
            | ResolveError::SourceNoCredentials {
                advice, location, ..
            } => {
                format!("{advice} (in the section at {location})")
            }
            ResolveError::PartialKeys {
                location, missing, ..
            } => {
                format!("add {missing} next to the key at {location}, in the same file")
            }
            ResolveError::Loop { location, .. } => format!(
                "make the source_profile at {location} point at a profile with access keys instead of back into the chain"
            ),
            ResolveError::InvalidDuration { location, .. } => format!(
                "set duration_seconds at {location} to a number of seconds from 900 (15 minutes) to 43200 (12 hours)"
            ),
            ResolveError::TooShort { key, location, .. } => too_short_hint(key, location),
            ResolveError::WebIdentityNoRoleArn { location, .. } => format!(
                "add `role_arn = arn:aws:iam::123456789012:role/NAME` (the role the token may assume) next to web_identity_token_file at {location}"
            ),
            ResolveError::SsoMissing { .. }
            | ResolveError::SsoSessionNotFound { .. }
            | ResolveError::SsoConflict { .. }
            | ResolveError::SsoSessionIncomplete { .. } => self.sso_hint(),
            ResolveError::NotText { key, location, .. } => {
                format!(
                    "write `{key} = VALUE` on one line at {location}, without indented lines under it"
                )
            }
            ResolveError::Unsupported {
                profile, location, ..
            } => format!(
                "replace login_session at {location} with sso_session, access keys, or `credential_process = aws configure export-credentials --profile {profile} --format process` in another profile"
            ),
        }
    }

    fn not_found_hint(&self) -> String {
        match self {
            ResolveError::ProfileNotFound {
                name,
                available,
                config,
                credentials,
            } => {
                if available.is_empty() {
                    return format!(
                        "no profiles are defined in {} or {}: run `amplify-rs configure` or add one by hand",
                        config.display(),
                        credentials.display()
                    );
                }
                let suggestion = did_you_mean(name, available);
                format!(
                    "{suggestion}the profiles that exist are: {}",
                    list(available)
                )
            }
            ResolveError::SourceProfileNotFound {
                source_profile,
                available,
                ..
            } => format!(
                "{}add a [{source_profile}] section with your access keys to the credentials file, or point source_profile at one of: {}",
                did_you_mean(source_profile, available),
                list(available)
            ),
            _ => String::new(),
        }
    }

    fn sso_hint(&self) -> String {
        match self {
            ResolveError::SsoMissing {
                missing,
                with_session,
                location,
                ..
            } => {
                let keys = missing.join(" and ");
                if *with_session {
                    format!(
                        "add {keys} at {location}: sso_account_id and sso_role_name in the profile, sso_start_url and sso_region in its [sso-session] section"
                    )
                } else {
                    format!("add {keys} to the section at {location}")
                }
            }
            ResolveError::SsoSessionNotFound {
                sso_session,
                available,
                ..
            } => format!(
                "{}add a [sso-session {sso_session}] section with sso_start_url and sso_region to the config file, or point sso_session at one of: {}",
                did_you_mean(sso_session, available),
                list(available)
            ),
            ResolveError::SsoConflict {
                key,
                location,
                session_location,
                ..
            } => format!(
                "keep {key} only in the [sso-session] section ({session_location}): remove the line at {location}, or make the two the same"
            ),
            ResolveError::SsoSessionIncomplete {
                sso_session,
                missing,
                location,
                ..
            } => format!(
                "add {} to [sso-session {sso_session}] at {location}: the SSO token is found with the session's own sso_start_url and sso_region, not the profile's",
                missing.join(" and ")
            ),
            _ => String::new(),
        }
    }
}

fn credential_source_hint(value: &str, location: &Location) -> String {
    const NAMES: [&str; 3] = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];
    match NAMES
        .iter()
        .find(|name| name.eq_ignore_ascii_case(value.trim()))
    {
        Some(name) => format!(
            "write `credential_source = {name}` at {location}: the AWS CLI matches the name exactly, capitals included"
        ),
        None => format!("use Environment, Ec2InstanceMetadata or EcsContainer at {location}"),
    }
}

fn too_short_hint(key: &str, location: &Location) -> String {
    let what = match key {
        "role_arn" => "the role's whole ARN, as arn:aws:iam::123456789012:role/NAME",
        "role_session_name" => {
            "2 to 64 characters of letters, digits and _+=,.@- (or remove the line for the default name)"
        }
        "external_id" => {
            "the external ID the role's owner gave you (2 to 1224 characters), or remove the line"
        }
        "mfa_serial" => {
            "your MFA device's ARN, as arn:aws:iam::123456789012:mfa/NAME, or remove the line"
        }
        _ => "a longer value",
    };
    format!("set {key} at {location} to {what}")
}

fn did_you_mean(name: &str, candidates: &[String]) -> String {
    closest(name, candidates)
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default()
}

/// The name in `candidates` closest to `name`, when it is close enough to be a likely typo.
fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
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
    if names.is_empty() {
        return "(none)".into();
    }
    let mut shown: Vec<&str> = names.iter().take(SHOWN).map(String::as_str).collect();
    if names.len() > SHOWN {
        shown.push("…");
    }
    shown.join(", ")
}
