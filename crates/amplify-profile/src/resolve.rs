//! A profile resolved into its [`ProfileChain`] exactly as the AWS CLI resolves it: botocore's
//! `AssumeRoleProvider` for roles (`_get_role_config`, `_validate_source_profile`,
//! `_resolve_credentials_from_profile`) and, for the base, the order of its profile providers (web identity,
//! SSO, the credentials file's keys, `aws login`, `credential_process`, the config file's keys). Each step
//! refuses what botocore refuses, in the same order, and nothing more: a value botocore sends and only STS
//! would refuse is a warning of [`crate::checks`], never an error here. Last come the checks botocore's
//! client makes before it sends a request (a `duration_seconds` under 900, an `external_id` of one
//! character), from the base outwards as the requests are made.

use amplify_creds::Secret;

use crate::chain::{BaseCredentials, CredentialSource, ProfileChain, RoleHop};
use crate::checks::py_int;
use crate::keys::{role, settings, source, static_keys};
use crate::location::Location;
use crate::profiles::ProfileSet;
use crate::resolve_error::ResolveError;
use crate::view::{Setting, ValueRef, View};

impl ProfileSet {
    /// Resolves `name` into its chain without any network call, as `aws --profile NAME` would (so the
    /// `AWS_ACCESS_KEY_ID` family of variables plays no part).
    pub fn resolve(&self, name: &str) -> Result<ProfileChain, ResolveError> {
        // Read without being kept, or copied: a list resolves every profile and holds none of them.
        let first = self
            .view(name)
            .ok_or_else(|| ResolveError::ProfileNotFound {
                name: name.to_string(),
                available: self.names().map(str::to_string).collect(),
                config: self.files.config.clone(),
                credentials: self.files.credentials.clone(),
            })?;
        self.resolve_from(name, first)
    }

    /// [`ProfileSet::resolve`] of a profile already read (a list goes through them in order, without
    /// looking each up by its name again).
    pub(crate) fn resolve_from(
        &self,
        name: &str,
        first: View<'_>,
    ) -> Result<ProfileChain, ResolveError> {
        let region = match first.setting(settings::REGION).map(|s| s.value) {
            Some(ValueRef::Text(region)) if !region.is_empty() => Some(region.to_string()),
            _ => None,
        };
        let walk = Walk {
            set: self,
            hops: Vec::new(),
        };
        let (base, hops) = walk.run(first)?;
        Ok(ProfileChain {
            profile: name.to_string(),
            region,
            base,
            hops,
        })
    }
}

/// The first parameter of an STS request that botocore's client would refuse to send. It is found while
/// walking but reported only once the whole chain is known: botocore validates a request when it makes it.
type Refusal = Option<ResolveError>;

/// botocore's walk from the profile asked for down to the base credentials.
struct Walk<'a> {
    set: &'a ProfileSet,
    /// From the profile asked for down to the base. Their profiles are botocore's `_visited_profiles` (the
    /// profile asked for, then each source profile) whenever a source is checked: every profile walked
    /// before that one has a role.
    hops: Vec<(RoleHop, Refusal)>,
}

/// Where a role profile's source credentials come from.
enum Source<'a> {
    Profile(&'a str),
    Named(CredentialSource),
}

impl<'a> Walk<'a> {
    fn run(mut self, first: View<'a>) -> Result<(BaseCredentials, Vec<RoleHop>), ResolveError> {
        let mut current = first;
        let mut referenced_by: Option<View<'a>> = None;
        let (base, base_refusal) = loop {
            // The assume-role provider takes the profile asked for whenever it has a role; a source profile
            // only when it has no static keys (botocore's `_resolve_credentials_from_profile`).
            let assumes = has_assume_role(&current)
                && (referenced_by.is_none() || !has_static_keys(&current));
            if !assumes {
                match self.set.base_of(&current)? {
                    Some(found) => break found,
                    None => return Err(no_credentials(&current, referenced_by.as_ref())),
                }
            }
            let (source, hop, refusal) = role_config(&current)?;
            self.hops.push((hop, refusal));
            match source {
                Source::Named(source) => {
                    let profile = current.name().to_string();
                    break (BaseCredentials::CredentialSource { profile, source }, None);
                }
                Source::Profile(name) => {
                    let next = self.validate_source(&current, name)?;
                    referenced_by = Some(current);
                    current = next;
                }
            }
        };
        // The requests are made from the base outwards; the first one botocore would refuse stops the chain.
        if let Some(refusal) = base_refusal {
            return Err(refusal);
        }
        let mut hops = Vec::with_capacity(self.hops.len());
        for (hop, refusal) in self.hops.into_iter().rev() {
            if let Some(refusal) = refusal {
                return Err(refusal);
            }
            hops.push(hop);
        }
        Ok((base, hops))
    }

    /// botocore's `_validate_source_profile`: the source exists, and is not visited again, except by a
    /// profile naming itself while it has static keys.
    fn validate_source(&self, parent: &View<'_>, name: &str) -> Result<View<'a>, ResolveError> {
        let location = parent.location_of(role::SOURCE_PROFILE);
        let source = self
            .set
            .view(name)
            .ok_or_else(|| ResolveError::SourceProfileNotFound {
                profile: parent.name().into(),
                source_profile: name.into(),
                location: location.clone(),
                available: self.set.names().map(str::to_string).collect(),
            })?;
        let revisited = self.hops.iter().any(|(hop, _)| hop.profile == name);
        if revisited && (name != parent.name() || !has_static_keys(&source)) {
            let mut visited: Vec<String> = self
                .hops
                .iter()
                .map(|(hop, _)| hop.profile.clone())
                .collect();
            visited.push(name.to_string());
            return Err(ResolveError::Loop { visited, location });
        }
        Ok(source)
    }
}

/// botocore's `_get_role_config`: where the source credentials come from, and the AssumeRole request.
fn role_config<'p>(profile: &'p View<'_>) -> Result<(Source<'p>, RoleHop, Refusal), ResolveError> {
    let name = profile.name();
    let source_profile = text(profile, role::SOURCE_PROFILE)?;
    let credential_source = text(profile, role::CREDENTIAL_SOURCE)?;
    let source = match (source_profile, credential_source) {
        (Some(_), Some(_)) => {
            return Err(ResolveError::BothSources {
                profile: name.into(),
                location: profile.location_of(role::CREDENTIAL_SOURCE),
            });
        }
        (None, None) => {
            return Err(ResolveError::NoSource {
                profile: name.into(),
                location: profile.location_of(role::ROLE_ARN),
            });
        }
        (None, Some(value)) => Source::Named(CredentialSource::parse(value).ok_or_else(|| {
            ResolveError::InvalidCredentialSource {
                profile: name.into(),
                value: value.into(),
                location: profile.location_of(role::CREDENTIAL_SOURCE),
            }
        })?),
        (Some(source), None) => Source::Profile(source),
    };
    let (hop, refusal) = role_hop(profile)?;
    Ok((source, hop, refusal))
}

/// The AssumeRole request of a role profile, and the first of its parameters botocore's client refuses,
/// in the order the client checks them (`RoleSessionName`, `ExternalId`, `SerialNumber`,
/// `DurationSeconds`, `RoleArn`).
fn role_hop(profile: &View<'_>) -> Result<(RoleHop, Refusal), ResolveError> {
    let role_arn = text(profile, role::ROLE_ARN)?.unwrap_or_default();
    let external_id = text(profile, role::EXTERNAL_ID)?;
    let mfa_serial = text(profile, role::MFA_SERIAL)?;
    // An empty name is no name: botocore makes one up.
    let role_session_name = text(profile, role::ROLE_SESSION_NAME)?.filter(|s| !s.is_empty());
    let duration = text(profile, role::DURATION_SECONDS)?;
    let seconds = duration.and_then(py_int);
    let refusal = too_short(profile, role::ROLE_SESSION_NAME, role_session_name, 2)
        .or_else(|| too_short(profile, role::EXTERNAL_ID, external_id, 2))
        .or_else(|| too_short(profile, role::MFA_SERIAL, mfa_serial, 9))
        .or_else(|| match (duration, seconds) {
            (Some(value), Some(seconds)) if seconds < 900 => Some(ResolveError::InvalidDuration {
                profile: profile.name().into(),
                value: value.into(),
                location: profile.location_of(role::DURATION_SECONDS),
            }),
            _ => None,
        })
        .or_else(|| too_short(profile, role::ROLE_ARN, Some(role_arn), 20));
    let hop = RoleHop {
        profile: profile.name().into(),
        role_arn: role_arn.into(),
        external_id: external_id.map(str::to_string),
        mfa_serial: mfa_serial.map(str::to_string),
        role_session_name: role_session_name.map(str::to_string),
        duration_seconds: seconds
            .filter(|s| *s >= 900)
            .map(|s| u32::try_from(s.min(i64::from(i32::MAX))).unwrap_or(u32::MAX)),
        location: profile.location_of(role::ROLE_ARN),
    };
    Ok((hop, refusal))
}

/// The refusal of botocore's client for a value shorter than STS's model allows (counted in characters,
/// as Python counts them).
fn too_short(profile: &View<'_>, key: &'static str, value: Option<&str>, min: usize) -> Refusal {
    let value = value?;
    (value.chars().count() < min).then(|| ResolveError::TooShort {
        profile: profile.name().into(),
        key,
        value: value.into(),
        min,
        location: profile.location_of(key),
    })
}

impl ProfileSet {
    /// The base credentials of a profile that is not (or, as a source with static keys, not used as) a
    /// role profile: botocore's `ProfileProviderBuilder.providers`, first found wins.
    fn base_of(
        &self,
        profile: &View<'_>,
    ) -> Result<Option<(BaseCredentials, Refusal)>, ResolveError> {
        if let Some(found) = web_identity(profile)? {
            return Ok(Some(found));
        }
        if let Some(found) = self.sso(profile)? {
            return Ok(Some(found));
        }
        if let Some(base) = static_keys_in(profile, &self.files.credentials)? {
            return Ok(Some((base, None)));
        }
        if profile.has(source::LOGIN_SESSION) {
            return Err(ResolveError::Unsupported {
                profile: profile.name().into(),
                key: source::LOGIN_SESSION,
                location: profile.location_of(source::LOGIN_SESSION),
            });
        }
        if let Some(command) = text(profile, source::CREDENTIAL_PROCESS)? {
            let process = BaseCredentials::Process {
                profile: profile.name().into(),
                command: command.into(),
            };
            return Ok(Some((process, None)));
        }
        Ok(static_keys_in(profile, &self.files.config)?.map(|base| (base, None)))
    }

    /// botocore's `SSOProvider`: used when the profile has `sso_account_id` or `sso_role_name`; an
    /// `sso_session` must name a section, whose keys the profile may repeat only with the same value; then
    /// all four settings must be there.
    fn sso(&self, profile: &View<'_>) -> Result<Option<(BaseCredentials, Refusal)>, ResolveError> {
        use source::{SSO_ACCOUNT_ID, SSO_REGION, SSO_ROLE_NAME, SSO_SESSION, SSO_START_URL};
        let trigger = [SSO_ROLE_NAME, SSO_ACCOUNT_ID]
            .into_iter()
            .find(|key| profile.has(key));
        let Some(trigger) = trigger else {
            return Ok(None);
        };
        let sso_session = text(profile, SSO_SESSION)?;
        let session = match sso_session {
            Some(session_name) => self.sso_session_settings(profile, session_name)?,
            None => Vec::new(),
        };
        // The session's settings over the profile's own.
        let value = |key: &'static str| match session.iter().find(|(k, ..)| *k == key) {
            Some((_, value, location)) => Some((*value, location.clone())),
            None => profile.setting(key).map(|s| (s.value, s.location())),
        };
        let missing: Vec<&'static str> = [SSO_ROLE_NAME, SSO_ACCOUNT_ID, SSO_START_URL, SSO_REGION]
            .into_iter()
            .filter(|key| value(key).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(ResolveError::SsoMissing {
                profile: profile.name().into(),
                missing,
                with_session: sso_session.is_some(),
                location: profile.location_of(trigger),
            });
        }
        let text_of = |key: &'static str| match value(key) {
            Some((ValueRef::Text(text), _)) => Ok(text.to_string()),
            found => Err(ResolveError::NotText {
                profile: profile.name().into(),
                key,
                location: found.map_or_else(|| profile.location_of(key), |v| v.1),
            }),
        };
        let base = BaseCredentials::Sso {
            profile: profile.name().into(),
            start_url: text_of(SSO_START_URL)?,
            sso_region: text_of(SSO_REGION)?,
            account_id: text_of(SSO_ACCOUNT_ID)?,
            role_name: text_of(SSO_ROLE_NAME)?,
            sso_session: sso_session.map(str::to_string),
        };
        let refusal = sso_session.and_then(|name| self.incomplete_sso_session(profile, name));
        Ok(Some((base, refusal)))
    }

    /// botocore's `SSOTokenProvider`, when the credentials are first fetched: the `[sso-session]` section
    /// itself must have `sso_start_url` and `sso_region`.
    fn incomplete_sso_session(&self, profile: &View<'_>, name: &str) -> Refusal {
        use source::{SSO_REGION, SSO_START_URL};
        let session = self.sso_session(name)?;
        let missing: Vec<&'static str> = [SSO_START_URL, SSO_REGION]
            .into_iter()
            .filter(|key| session.property(key).is_none())
            .collect();
        (!missing.is_empty()).then(|| ResolveError::SsoSessionIncomplete {
            profile: profile.name().into(),
            sso_session: name.into(),
            missing,
            location: session.sections()[0].clone(),
        })
    }

    /// The settings of the `[sso-session NAME]` a profile names, each checked against the profile's own
    /// value of the same key (botocore's `_resolve_sso_session_reference`).
    fn sso_session_settings<'s>(
        &'s self,
        profile: &View<'_>,
        session_name: &str,
    ) -> Result<Vec<(&'s str, ValueRef<'s>, Location)>, ResolveError> {
        let session =
            self.sso_session(session_name)
                .ok_or_else(|| ResolveError::SsoSessionNotFound {
                    profile: profile.name().into(),
                    sso_session: session_name.into(),
                    location: profile.location_of(source::SSO_SESSION),
                    available: self.sso_sessions.keys().cloned().collect(),
                })?;
        let mut settings = Vec::new();
        for (key, property) in session.properties() {
            let value = ValueRef::from(&property.value);
            if let Some(own) = profile.setting(key)
                && own.value != value
            {
                return Err(ResolveError::SsoConflict {
                    profile: profile.name().into(),
                    sso_session: session_name.into(),
                    key: key.into(),
                    location: own.location(),
                    session_location: property.location.clone(),
                });
            }
            settings.push((key, value, property.location.clone()));
        }
        Ok(settings)
    }
}

/// botocore's `AssumeRoleWithWebIdentityProvider` on a profile: a token file that is not empty, then a
/// `role_arn` that is not empty either.
fn web_identity(profile: &View<'_>) -> Result<Option<(BaseCredentials, Refusal)>, ResolveError> {
    if !truthy(profile, source::WEB_IDENTITY_TOKEN_FILE) {
        return Ok(None);
    }
    let token_file = text(profile, source::WEB_IDENTITY_TOKEN_FILE)?.unwrap_or_default();
    if !truthy(profile, role::ROLE_ARN) {
        return Err(ResolveError::WebIdentityNoRoleArn {
            profile: profile.name().into(),
            location: profile.location_of(source::WEB_IDENTITY_TOKEN_FILE),
        });
    }
    let role_arn = text(profile, role::ROLE_ARN)?.unwrap_or_default();
    let role_session_name = text(profile, role::ROLE_SESSION_NAME)?.filter(|s| !s.is_empty());
    // AssumeRoleWithWebIdentity's parameters in the order botocore's client checks them.
    let refusal = too_short(profile, role::ROLE_SESSION_NAME, role_session_name, 2)
        .or_else(|| too_short(profile, role::ROLE_ARN, Some(role_arn), 20));
    let base = BaseCredentials::WebIdentity {
        profile: profile.name().into(),
        role_arn: role_arn.into(),
        web_identity_token_file: token_file.into(),
        role_session_name: role_session_name.map(str::to_string),
    };
    Ok(Some((base, refusal)))
}

/// botocore's `SharedCredentialProvider` (the credentials file) or `ConfigProvider` (the config file):
/// the file at `path` alone must give the profile `aws_access_key_id`, then `aws_secret_access_key`.
fn static_keys_in(
    profile: &View<'_>,
    path: &std::path::Path,
) -> Result<Option<BaseCredentials>, ResolveError> {
    let Some(id) = profile.in_file(static_keys::ACCESS_KEY_ID, path) else {
        return Ok(None);
    };
    let Some(secret) = profile.in_file(static_keys::SECRET_ACCESS_KEY, path) else {
        return Err(ResolveError::PartialKeys {
            profile: profile.name().into(),
            present: static_keys::ACCESS_KEY_ID,
            missing: static_keys::SECRET_ACCESS_KEY,
            location: id.location(),
        });
    };
    let file_text = |key: &'static str, setting: Setting<'_>| match setting.value {
        ValueRef::Text(text) => Ok(text.to_string()),
        ValueRef::Map(_) => Err(ResolveError::NotText {
            profile: profile.name().into(),
            key,
            location: setting.location(),
        }),
    };
    // The older name first, as botocore reads them; an empty token is no token.
    let token = [static_keys::SECURITY_TOKEN, static_keys::SESSION_TOKEN]
        .into_iter()
        .find_map(|key| profile.in_file(key, path).map(|p| (key, p)));
    let session_token = match token {
        Some((key, property)) => Some(file_text(key, property)?).filter(|t| !t.is_empty()),
        None => None,
    };
    Ok(Some(BaseCredentials::Static {
        profile: profile.name().into(),
        access_key_id: file_text(static_keys::ACCESS_KEY_ID, id)?,
        secret_access_key: Secret::new(file_text(static_keys::SECRET_ACCESS_KEY, secret)?),
        session_token: session_token.map(Secret::new),
        location: id.location(),
    }))
}

/// The error for a profile that gives no credentials: the profile asked for, or a source profile.
fn no_credentials(profile: &View<'_>, referenced_by: Option<&View<'_>>) -> ResolveError {
    let advice = advice(profile);
    let location = profile.first_section();
    match referenced_by {
        None => ResolveError::NoCredentials {
            profile: profile.name().into(),
            location,
            advice,
        },
        Some(by) => ResolveError::SourceNoCredentials {
            profile: profile.name().into(),
            referenced_by: by.name().into(),
            referenced_at: by.location_of(role::SOURCE_PROFILE),
            location,
            advice,
        },
    }
}

/// What a profile without credentials most likely lacks.
fn advice(profile: &View<'_>) -> &'static str {
    let has = |key: &str| profile.has(key);
    if has(static_keys::SECRET_ACCESS_KEY) && !has(static_keys::ACCESS_KEY_ID) {
        "add aws_access_key_id next to aws_secret_access_key: the AWS CLI reads keys only where it finds aws_access_key_id"
    } else if has(source::WEB_IDENTITY_TOKEN_FILE) {
        "web_identity_token_file is empty: give the path of the token file, with role_arn"
    } else if [
        source::SSO_SESSION,
        source::SSO_START_URL,
        source::SSO_REGION,
    ]
    .iter()
    .any(|k| has(k))
    {
        "add sso_account_id and sso_role_name: without them an SSO profile signs in but names no account and role to get credentials for"
    } else {
        "give it aws_access_key_id and aws_secret_access_key (in the credentials file), a role_arn with source_profile, a credential_process, or sso_account_id and sso_role_name"
    }
}

/// A text value; a nested map where one value is needed is an error (botocore would fail later, or
/// crash).
fn text<'p>(profile: &'p View<'_>, key: &'static str) -> Result<Option<&'p str>, ResolveError> {
    match profile.setting(key).map(|s| s.value) {
        None => Ok(None),
        Some(ValueRef::Text(text)) => Ok(Some(text)),
        Some(ValueRef::Map(_)) => Err(ResolveError::NotText {
            profile: profile.name().into(),
            key,
            location: profile.location_of(key),
        }),
    }
}

/// Python's truth of the value: present and not empty.
fn truthy(profile: &View<'_>, key: &str) -> bool {
    match profile.setting(key).map(|s| s.value) {
        None => false,
        Some(ValueRef::Text(text)) => !text.is_empty(),
        Some(ValueRef::Map(map)) => !map.is_empty(),
    }
}

/// botocore's `_has_assume_role_config_vars`: `role_arn` set and `web_identity_token_file` not set.
fn has_assume_role(profile: &View<'_>) -> bool {
    profile.has(role::ROLE_ARN) && !profile.has(source::WEB_IDENTITY_TOKEN_FILE)
}

/// botocore's `_has_static_credentials`: either key set, in either file, even empty.
fn has_static_keys(profile: &View<'_>) -> bool {
    profile.has(static_keys::ACCESS_KEY_ID) || profile.has(static_keys::SECRET_ACCESS_KEY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::FileLocations;
    use crate::profiles::ProfileSet;

    const SEED_CONFIG: &str = "[profile bizcorprole]\nrole_arn=arn:aws:iam::111122223333:role/BizCorpAmplify\nsource_profile=devcorpuser\nmfa_serial=arn:aws:iam::444455556666:mfa/dev\nexternal_id=bizcorp-ext-42\nregion=us-east-1\n\n[profile devcorpuser]\nregion=us-east-1\n";
    const SEED_CREDENTIALS: &str = "[devcorpuser]\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

    fn set(config: &str, credentials: &str) -> ProfileSet {
        let files = FileLocations {
            config: "/h/.aws/config".into(),
            credentials: "/h/.aws/credentials".into(),
        };
        ProfileSet::from_texts(&files, Some(config), Some(credentials)).unwrap()
    }

    #[test]
    fn seed_role_profile() {
        let chain = set(SEED_CONFIG, SEED_CREDENTIALS)
            .resolve("bizcorprole")
            .unwrap();
        assert_eq!(chain.region.as_deref(), Some("us-east-1"));
        assert!(
            matches!(&chain.base, BaseCredentials::Static { profile, access_key_id, .. }
            if profile == "devcorpuser" && access_key_id == "AKIAIOSFODNN7EXAMPLE")
        );
        assert_eq!(chain.hops.len(), 1);
        let hop = &chain.hops[0];
        assert_eq!(
            hop.role_arn,
            "arn:aws:iam::111122223333:role/BizCorpAmplify"
        );
        assert_eq!(hop.external_id.as_deref(), Some("bizcorp-ext-42"));
        assert_eq!(
            hop.mfa_serial.as_deref(),
            Some("arn:aws:iam::444455556666:mfa/dev")
        );
        assert_eq!(hop.location.line, 2);
        assert_eq!(chain.describe(), "role BizCorpAmplify via devcorpuser, MFA");
        assert!(!chain.identity().contains("wJalr"));
        assert_eq!(
            set(SEED_CONFIG, SEED_CREDENTIALS)
                .resolve("devcorpuser")
                .unwrap()
                .describe(),
            "static keys"
        );
    }

    #[test]
    fn three_hops_run_from_the_base_outwards() {
        let config = "[profile c]\nrole_arn=arn:aws:iam::333333333333:role/C\nsource_profile=b\nmfa_serial=arn:aws:iam::333333333333:mfa/m3\n[profile b]\nrole_arn=arn:aws:iam::222222222222:role/B\nsource_profile=a\nduration_seconds=900\n[profile a]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=keys\n";
        let chain = set(
            config,
            "[keys]\naws_access_key_id=K\naws_secret_access_key=S\n",
        )
        .resolve("c")
        .unwrap();
        let roles: Vec<&str> = chain.hops.iter().map(|h| h.profile.as_str()).collect();
        assert_eq!(roles, ["a", "b", "c"]);
        assert_eq!(chain.hops[1].duration_seconds, Some(900));
        assert_eq!(chain.describe(), "role C via b (3 hops), MFA");
    }

    #[test]
    fn self_source_with_keys_is_the_base() {
        let config = "[profile me]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=me\naws_access_key_id=K\naws_secret_access_key=S\n";
        let chain = set(config, "").resolve("me").unwrap();
        assert_eq!(chain.hops.len(), 1);
        assert_eq!(chain.base.profile(), "me");
    }

    #[test]
    fn other_base_kinds() {
        let config = "[profile p]\ncredential_process=/bin/creds\n[profile s]\nsso_session=corp\nsso_account_id=111111111111\nsso_role_name=Dev\n[sso-session corp]\nsso_start_url=https://corp.awsapps.com/start\nsso_region=eu-west-1\n[profile w]\nrole_arn=arn:aws:iam::111111111111:role/W\nweb_identity_token_file=/t\n[profile e]\nrole_arn=arn:aws:iam::111111111111:role/E\ncredential_source=Ec2InstanceMetadata\n";
        let s = set(config, "");
        assert!(matches!(
            s.resolve("p").unwrap().base,
            BaseCredentials::Process { .. }
        ));
        assert_eq!(
            s.resolve("s").unwrap().base,
            BaseCredentials::Sso {
                profile: "s".into(),
                start_url: "https://corp.awsapps.com/start".into(),
                sso_region: "eu-west-1".into(),
                account_id: "111111111111".into(),
                role_name: "Dev".into(),
                sso_session: Some("corp".into()),
            }
        );
        let w = s.resolve("w").unwrap();
        assert_eq!(
            w.base,
            BaseCredentials::WebIdentity {
                profile: "w".into(),
                role_arn: "arn:aws:iam::111111111111:role/W".into(),
                web_identity_token_file: "/t".into(),
                role_session_name: None,
            }
        );
        assert!(w.hops.is_empty());
        let e = s.resolve("e").unwrap();
        assert!(matches!(
            e.base,
            BaseCredentials::CredentialSource {
                source: CredentialSource::Ec2InstanceMetadata,
                ..
            }
        ));
        assert_eq!(e.hops.len(), 1);
    }

    #[test]
    fn errors_name_the_profile_and_place() {
        let s = set(
            "[profile loop1]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=loop2\n[profile loop2]\nrole_arn=arn:aws:iam::111111111111:role/B\nsource_profile=loop1\n\
             [profile both]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=x\ncredential_source=Environment\n\
             [profile nosrc]\nrole_arn=arn:aws:iam::111111111111:role/A\n\
             [profile badsrc]\nrole_arn=arn:aws:iam::111111111111:role/A\ncredential_source=Laptop\n\
             [profile missing]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=devcorpusr\n\
             [profile empty]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=nokeys\n[profile nokeys]\nregion=x\n\
             [profile dur]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=devcorpuser\nduration_seconds=60\n\
             [profile arn]\nrole_arn=arn:aws:iam:1:r\nsource_profile=devcorpuser\n\
             [profile half]\naws_access_key_id=A\n",
            SEED_CREDENTIALS,
        );
        let check = |name: &str, message: &str, hint: &str| {
            let error = s.resolve(name).unwrap_err();
            assert!(error.to_string().contains(message), "{name}: {error}");
            assert!(error.hint().contains(hint), "{name}: {}", error.hint());
        };
        check(
            "loop1",
            "Visited profiles: [loop1, loop2, loop1]",
            "source_profile",
        );
        check(
            "both",
            "contains both source_profile and credential_source",
            "/h/.aws/config:10",
        );
        check(
            "nosrc",
            "neither source_profile nor credential_source",
            "/h/.aws/config:12",
        );
        check("badsrc", "\"Laptop\"", "Ec2InstanceMetadata");
        check(
            "loop2",
            "Visited profiles: [loop2, loop1, loop2] (source_profile at /h/.aws/config:3)",
            "/h/.aws/config:3",
        );
        check(
            "missing",
            "source_profile \"devcorpusr\" referenced in the profile \"missing\"",
            "did you mean `devcorpuser`?",
        );
        check(
            "empty",
            "The source profile \"nokeys\" must have credentials: it is the source_profile of \"empty\" (/h/.aws/config:21) and is defined at /h/.aws/config:22",
            "/h/.aws/config:22",
        );
        check(
            "nokeys",
            "Unable to locate credentials: the profile \"nokeys\" (/h/.aws/config:22)",
            "aws_access_key_id",
        );
        check("dur", "duration_seconds = 60", "900");
        check(
            "arn",
            "role_arn = arn:aws:iam:1:r in profile \"arn\" (/h/.aws/config:29) is shorter than 20 characters",
            "arn:aws:iam::123456789012:role/NAME",
        );
        check(
            "half",
            "has aws_access_key_id but no aws_secret_access_key",
            "/h/.aws/config",
        );
        check(
            "devcorpusr",
            "The config profile (devcorpusr) could not be found",
            "did you mean `devcorpuser`?",
        );
    }
}
