//! A profile resolved into a chain of credentials, as data: the base credentials, then each STS
//! AssumeRole hop in the order it runs. Resolution follows botocore's assume-role provider (a
//! `source_profile` may itself be a role profile; a profile may name itself only when it also has static
//! keys; loops are reported with the profiles visited) and needs no network, so a chain can be printed,
//! validated, compared and used as a cache key before anything is sent.

use std::fmt::Write as _;

use amplify_creds::Secret;

use crate::error::ResolveError;
use crate::keys::{role, settings, source, static_keys};
use crate::location::Location;
use crate::profiles::{Profile, ProfileSet};

/// What the first hop is signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseCredentials {
    /// `aws_access_key_id` and `aws_secret_access_key` (and maybe `aws_session_token`) in a profile.
    Static {
        profile: String,
        access_key_id: String,
        secret_access_key: Secret,
        session_token: Option<Secret>,
    },
    /// `credential_process`: a command printing the credentials as JSON.
    Process { profile: String, command: String },
    /// `credential_source` on a role profile: the environment, EC2 instance metadata or the ECS agent.
    CredentialSource {
        profile: String,
        source: CredentialSource,
    },
    /// IAM Identity Center (`sso_session` or the legacy `sso_*` keys).
    Sso { profile: String },
    /// `web_identity_token_file` with `role_arn`.
    WebIdentity { profile: String },
}

impl BaseCredentials {
    pub fn profile(&self) -> &str {
        match self {
            BaseCredentials::Static { profile, .. }
            | BaseCredentials::Process { profile, .. }
            | BaseCredentials::CredentialSource { profile, .. }
            | BaseCredentials::Sso { profile }
            | BaseCredentials::WebIdentity { profile } => profile,
        }
    }

    /// What these base credentials are, as part of a cache key: no secret (the key id is not one).
    pub fn identity(&self) -> String {
        match self {
            BaseCredentials::Static {
                profile,
                access_key_id,
                ..
            } => format!("static:{profile}:{access_key_id}"),
            other => format!("{}:{}", other.describe(), other.profile()),
        }
    }

    fn describe(&self) -> String {
        match self {
            BaseCredentials::Static {
                session_token: None,
                ..
            } => "static keys".into(),
            BaseCredentials::Static { .. } => "static session keys".into(),
            BaseCredentials::Process { .. } => "credential_process".into(),
            BaseCredentials::CredentialSource { source, .. } => {
                format!("credential_source {}", source.as_str())
            }
            BaseCredentials::Sso { .. } => "SSO".into(),
            BaseCredentials::WebIdentity { .. } => "web identity".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl CredentialSource {
    fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "environment" => Some(Self::Environment),
            "ec2instancemetadata" => Some(Self::Ec2InstanceMetadata),
            "ecscontainer" => Some(Self::EcsContainer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Environment => "Environment",
            Self::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            Self::EcsContainer => "EcsContainer",
        }
    }
}

/// One STS AssumeRole call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleHop {
    /// The profile that holds `role_arn`.
    pub profile: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<u32>,
    /// Where `role_arn` is written, for messages.
    pub location: Location,
}

/// A profile as a recipe for credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileChain {
    /// The profile that was asked for.
    pub profile: String,
    /// That profile's `region`, if it sets one.
    pub region: Option<String>,
    pub base: BaseCredentials,
    /// AssumeRole calls in the order they run: the first is signed with `base`.
    pub hops: Vec<RoleHop>,
}

impl ProfileChain {
    /// Whether any hop asks for an MFA code.
    pub fn needs_mfa(&self) -> bool {
        self.hops.iter().any(|hop| hop.mfa_serial.is_some())
    }

    /// A few words for a picker: `static keys`, `role Biz via devcorpuser (static keys), MFA`.
    pub fn describe(&self) -> String {
        let Some(last) = self.hops.last() else {
            return self.base.describe();
        };
        let role_name = last.role_arn.rsplit('/').next().unwrap_or(&last.role_arn);
        let mut text = format!("role {role_name}");
        let sources: Vec<&str> = self
            .hops
            .iter()
            .rev()
            .skip(1)
            .map(|h| h.profile.as_str())
            .collect();
        let via = sources.first().copied().unwrap_or(self.base.profile());
        if via != self.profile {
            let _ = write!(text, " via {via}");
        }
        if self.hops.len() > 1 {
            let _ = write!(text, " ({} hops)", self.hops.len());
        }
        if self.needs_mfa() {
            text.push_str(", MFA");
        }
        text
    }

    /// Everything that decides which credentials this chain yields, as one string: two chains with the
    /// same identity may share cached credentials. Holds no secret (the access key id is not one).
    pub fn identity(&self) -> String {
        let mut id = self.base.identity();
        for hop in &self.hops {
            let _ = write!(
                id,
                " > {}|session={}|external_id={}|mfa={}|duration={}",
                hop.role_arn,
                hop.role_session_name.as_deref().unwrap_or(""),
                hop.external_id.as_deref().unwrap_or(""),
                hop.mfa_serial.as_deref().unwrap_or(""),
                hop.duration_seconds
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            );
        }
        id
    }
}

impl ProfileSet {
    /// Resolves `name` into its chain without any network call.
    pub fn resolve(&self, name: &str) -> Result<ProfileChain, ResolveError> {
        let first = self
            .get(name)
            .ok_or_else(|| ResolveError::ProfileNotFound {
                name: name.to_string(),
                available: self.names().map(str::to_string).collect(),
                config: self.files.config.clone(),
                credentials: self.files.credentials.clone(),
            })?;
        let region = first
            .get(settings::REGION)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let mut visited: Vec<String> = Vec::new();
        let mut hops = Vec::new();
        let mut current = first;
        let mut referenced_by: Option<String> = None;
        let base = loop {
            visited.push(current.name().to_string());
            let is_web_identity = current.get(source::WEB_IDENTITY_TOKEN_FILE).is_some();
            if current.get(role::ROLE_ARN).is_some() && !is_web_identity {
                hops.push(role_hop(current)?);
                let source_profile = current.get(role::SOURCE_PROFILE);
                let credential_source = current.get(role::CREDENTIAL_SOURCE);
                match (source_profile, credential_source) {
                    (Some(_), Some(_)) => {
                        return Err(ResolveError::BothSources {
                            profile: current.name().into(),
                            location: current.location_of(role::CREDENTIAL_SOURCE),
                        });
                    }
                    (None, None) => {
                        return Err(ResolveError::NoSource {
                            profile: current.name().into(),
                            location: current.location_of(role::ROLE_ARN),
                        });
                    }
                    (None, Some(value)) => {
                        let source = CredentialSource::parse(value).ok_or_else(|| {
                            ResolveError::InvalidCredentialSource {
                                profile: current.name().into(),
                                value: value.into(),
                                location: current.location_of(role::CREDENTIAL_SOURCE),
                            }
                        })?;
                        break BaseCredentials::CredentialSource {
                            profile: current.name().into(),
                            source,
                        };
                    }
                    (Some(source_name), None) => {
                        if source_name == current.name() {
                            // A profile may be its own source only through its static keys.
                            match static_keys_of(current)? {
                                Some(base) => break base,
                                None => {
                                    return Err(ResolveError::Loop {
                                        visited: with(&visited, source_name),
                                    });
                                }
                            }
                        }
                        if visited.iter().any(|v| v == source_name) {
                            return Err(ResolveError::Loop {
                                visited: with(&visited, source_name),
                            });
                        }
                        referenced_by = Some(current.name().to_string());
                        current = self.get(source_name).ok_or_else(|| {
                            ResolveError::SourceProfileNotFound {
                                profile: current.name().into(),
                                source_profile: source_name.into(),
                                location: current.location_of(role::SOURCE_PROFILE),
                                available: self.names().map(str::to_string).collect(),
                            }
                        })?;
                        continue;
                    }
                }
            }
            if is_web_identity {
                break BaseCredentials::WebIdentity {
                    profile: current.name().into(),
                };
            }
            if is_sso(current) {
                break BaseCredentials::Sso {
                    profile: current.name().into(),
                };
            }
            if let Some(command) = current.get(source::CREDENTIAL_PROCESS) {
                break BaseCredentials::Process {
                    profile: current.name().into(),
                    command: command.into(),
                };
            }
            match static_keys_of(current)? {
                Some(base) => break base,
                None => {
                    return Err(ResolveError::NoCredentials {
                        profile: current.name().into(),
                        referenced_by,
                    });
                }
            }
        };
        hops.reverse();
        Ok(ProfileChain {
            profile: name.to_string(),
            region,
            base,
            hops,
        })
    }
}

fn with(visited: &[String], next: &str) -> Vec<String> {
    let mut all = visited.to_vec();
    all.push(next.to_string());
    all
}

fn is_sso(profile: &Profile) -> bool {
    [
        source::SSO_SESSION,
        source::SSO_START_URL,
        source::SSO_ACCOUNT_ID,
        source::SSO_ROLE_NAME,
    ]
    .iter()
    .any(|key| profile.get(key).is_some())
}

fn static_keys_of(profile: &Profile) -> Result<Option<BaseCredentials>, ResolveError> {
    let id = profile
        .get(static_keys::ACCESS_KEY_ID)
        .filter(|v| !v.is_empty());
    let secret = profile
        .get(static_keys::SECRET_ACCESS_KEY)
        .filter(|v| !v.is_empty());
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Some(BaseCredentials::Static {
            profile: profile.name().into(),
            access_key_id: id.into(),
            secret_access_key: Secret::new(secret),
            session_token: profile
                .get(static_keys::SESSION_TOKEN)
                .filter(|v| !v.is_empty())
                .map(Secret::new),
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ResolveError::PartialKeys {
            profile: profile.name().into(),
            present: static_keys::ACCESS_KEY_ID,
            missing: static_keys::SECRET_ACCESS_KEY,
            location: profile.location_of(static_keys::ACCESS_KEY_ID),
        }),
        (None, Some(_)) => Err(ResolveError::PartialKeys {
            profile: profile.name().into(),
            present: static_keys::SECRET_ACCESS_KEY,
            missing: static_keys::ACCESS_KEY_ID,
            location: profile.location_of(static_keys::SECRET_ACCESS_KEY),
        }),
    }
}

fn role_hop(profile: &Profile) -> Result<RoleHop, ResolveError> {
    let name = profile.name().to_string();
    let role_arn = profile.get(role::ROLE_ARN).unwrap_or_default().to_string();
    if !is_role_arn(&role_arn) {
        return Err(ResolveError::InvalidRoleArn {
            profile: name,
            value: role_arn,
            location: profile.location_of(role::ROLE_ARN),
        });
    }
    let duration_seconds = match profile.get(role::DURATION_SECONDS) {
        None => None,
        Some(value) => match value.parse::<u32>() {
            Ok(seconds) if (900..=43200).contains(&seconds) => Some(seconds),
            _ => {
                return Err(ResolveError::InvalidDuration {
                    profile: name,
                    value: value.into(),
                    location: profile.location_of(role::DURATION_SECONDS),
                });
            }
        },
    };
    let role_session_name = profile.get(role::ROLE_SESSION_NAME).map(str::to_string);
    if let Some(session) = &role_session_name
        && !is_session_name(session)
    {
        return Err(ResolveError::InvalidSessionName {
            profile: name,
            value: session.clone(),
            location: profile.location_of(role::ROLE_SESSION_NAME),
        });
    }
    let non_empty = |key: &str| {
        profile
            .get(key)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Ok(RoleHop {
        location: profile.location_of(role::ROLE_ARN),
        profile: name,
        role_arn,
        external_id: non_empty(role::EXTERNAL_ID),
        mfa_serial: non_empty(role::MFA_SERIAL),
        role_session_name,
        duration_seconds,
    })
}

/// `arn:PARTITION:iam::ACCOUNT:role/NAME` with a 12-digit account.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if !partition.is_empty()
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
            && resource.strip_prefix("role/").is_some_and(|name| !name.is_empty()))
}

/// STS's RoleSessionName: 2 to 64 of `[\w+=,.@-]`.
fn is_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::FileLocations;

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
        let config = "[profile c]\nrole_arn=arn:aws:iam::333333333333:role/C\nsource_profile=b\nmfa_serial=m3\n[profile b]\nrole_arn=arn:aws:iam::222222222222:role/B\nsource_profile=a\nduration_seconds=900\n[profile a]\nrole_arn=arn:aws:iam::111111111111:role/A\nsource_profile=keys\n";
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
        let config = "[profile p]\ncredential_process=/bin/creds\n[profile s]\nsso_session=corp\n[profile w]\nrole_arn=arn:aws:iam::111111111111:role/W\nweb_identity_token_file=/t\n[profile e]\nrole_arn=arn:aws:iam::111111111111:role/E\ncredential_source=ec2instancemetadata\n";
        let s = set(config, "");
        assert!(matches!(
            s.resolve("p").unwrap().base,
            BaseCredentials::Process { .. }
        ));
        assert!(matches!(
            s.resolve("s").unwrap().base,
            BaseCredentials::Sso { .. }
        ));
        let w = s.resolve("w").unwrap();
        assert!(matches!(w.base, BaseCredentials::WebIdentity { .. }) && w.hops.is_empty());
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
             [profile arn]\nrole_arn=arn:aws:iam::1111:user/A\nsource_profile=devcorpuser\n\
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
            "missing",
            "source_profile \"devcorpusr\" referenced in the profile \"missing\"",
            "did you mean `devcorpuser`?",
        );
        check(
            "empty",
            "The source profile \"nokeys\" must have credentials",
            "the source of \"empty\"",
        );
        check("dur", "duration_seconds = 60", "900");
        check(
            "arn",
            "is not an IAM role ARN",
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
