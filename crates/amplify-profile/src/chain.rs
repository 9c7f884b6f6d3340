//! A profile resolved into a chain of credentials, as data: the base credentials, then each STS
//! AssumeRole hop in the order it runs, each with every setting the AWS CLI would use. A chain needs no
//! network to build ([`crate::resolve`] builds it as botocore does), so it can be printed, validated,
//! compared and used as a cache key before anything is sent, and whoever obtains the base credentials
//! (`amplify-sts`, through aws-config's providers) takes the settings from here rather than from a second
//! reading of the files.

use std::fmt::Write as _;

use amplify_creds::Secret;

use crate::location::Location;

/// What the first hop is signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseCredentials {
    /// `aws_access_key_id` and `aws_secret_access_key` (and maybe `aws_session_token`) in a profile, all
    /// from one of the two files.
    Static {
        profile: String,
        access_key_id: String,
        secret_access_key: Secret,
        session_token: Option<Secret>,
        /// Where `aws_access_key_id` is written (its path says which file the keys come from).
        location: Location,
    },
    /// `credential_process`: a command printing the credentials as JSON.
    Process { profile: String, command: String },
    /// `credential_source` on a role profile: the environment, EC2 instance metadata or the ECS agent.
    CredentialSource {
        profile: String,
        source: CredentialSource,
    },
    /// IAM Identity Center: `sso_account_id` and `sso_role_name`, with `sso_start_url` and `sso_region` from
    /// the profile (legacy) or from the `[sso-session NAME]` it names.
    Sso {
        profile: String,
        start_url: String,
        sso_region: String,
        account_id: String,
        role_name: String,
        /// The `[sso-session NAME]` whose token is used; `None` for the legacy form (a token cached under
        /// the start URL).
        sso_session: Option<String>,
    },
    /// `web_identity_token_file` with `role_arn`: STS AssumeRoleWithWebIdentity.
    WebIdentity {
        profile: String,
        role_arn: String,
        web_identity_token_file: String,
        /// `None`: the caller picks a session name (botocore: `botocore-session-<unix seconds>`).
        role_session_name: Option<String>,
    },
}

impl BaseCredentials {
    pub fn profile(&self) -> &str {
        match self {
            BaseCredentials::Static { profile, .. }
            | BaseCredentials::Process { profile, .. }
            | BaseCredentials::CredentialSource { profile, .. }
            | BaseCredentials::Sso { profile, .. }
            | BaseCredentials::WebIdentity { profile, .. } => profile,
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
            BaseCredentials::Sso {
                profile,
                start_url,
                account_id,
                role_name,
                ..
            } => format!("SSO:{profile}:{start_url}|{account_id}|{role_name}"),
            BaseCredentials::WebIdentity {
                profile,
                role_arn,
                web_identity_token_file,
                role_session_name,
            } => format!(
                "web identity:{profile}:{role_arn}|{web_identity_token_file}|session={}",
                role_session_name.as_deref().unwrap_or("")
            ),
            other => format!("{}:{}", other.describe(), other.profile()),
        }
    }

    fn describe(&self) -> String {
        let mut text = String::new();
        self.describe_into(&mut text);
        text
    }

    fn describe_into(&self, text: &mut String) {
        let words = match self {
            BaseCredentials::Static {
                session_token: None,
                ..
            } => "static keys",
            BaseCredentials::Static { .. } => "static session keys",
            BaseCredentials::Process { .. } => "credential_process",
            BaseCredentials::CredentialSource { source, .. } => {
                text.push_str("credential_source ");
                source.as_str()
            }
            BaseCredentials::Sso { .. } => "SSO",
            BaseCredentials::WebIdentity { .. } => "web identity",
        };
        text.push_str(words);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl CredentialSource {
    /// botocore's names, matched exactly as its `CanonicalNameCredentialSourcer.is_supported` matches them
    /// (capitals included, whatever its comments say).
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "Environment" => Some(Self::Environment),
            "Ec2InstanceMetadata" => Some(Self::Ec2InstanceMetadata),
            "EcsContainer" => Some(Self::EcsContainer),
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
    /// `None` when the profile sets none (or an empty one): the caller picks the name.
    pub role_session_name: Option<String>,
    /// From 900 up; a value STS refuses (over 43200, or its role's maximum) is kept, as the AWS CLI sends
    /// it, up to `i32::MAX`. `None` when not set, or not a whole number (the AWS CLI ignores it then).
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
        let mut text = String::new();
        self.describe_into(&mut text);
        text
    }

    /// [`ProfileChain::describe`] added to `text`: a list of 100,000 profiles writes each through one buffer.
    pub fn describe_into(&self, text: &mut String) {
        let Some(last) = self.hops.last() else {
            return self.base.describe_into(text);
        };
        let role_name = last.role_arn.rsplit('/').next().unwrap_or(&last.role_arn);
        text.push_str("role ");
        text.push_str(role_name);
        // The profile whose credentials assume the last role: the hop before it, else the base.
        let via =
            (self.hops.iter().rev().nth(1)).map_or(self.base.profile(), |h| h.profile.as_str());
        if via != self.profile {
            text.push_str(" via ");
            text.push_str(via);
        }
        if self.hops.len() > 1 {
            let _ = write!(text, " ({} hops)", self.hops.len());
        }
        if self.needs_mfa() {
            text.push_str(", MFA");
        }
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
