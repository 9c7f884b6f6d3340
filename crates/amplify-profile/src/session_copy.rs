//! Copies of the AWS files in which one profile is an amplify-rs session, for a program `amplify-rs exec`
//! runs: the original Amplify CLI reads the profile its project names from `AWS_CONFIG_FILE` and
//! `AWS_SHARED_CREDENTIALS_FILE`, so in the copies that profile gets its credentials from a
//! `credential_process` (amplify-rs, which hands out the project's cached session and renews it), and every
//! other profile stays as it is.

use crate::document::Document;
use crate::error::EditError;
use crate::keys::{role, source, static_keys};

/// The keys that make a profile get credentials some other way; none is left in the copies.
const CHAIN_KEYS: &[&str] = &[
    role::ROLE_ARN,
    role::SOURCE_PROFILE,
    role::CREDENTIAL_SOURCE,
    role::MFA_SERIAL,
    role::EXTERNAL_ID,
    role::ROLE_SESSION_NAME,
    role::DURATION_SECONDS,
    source::CREDENTIAL_PROCESS,
    source::WEB_IDENTITY_TOKEN_FILE,
    source::SSO_SESSION,
    source::SSO_START_URL,
    source::SSO_ACCOUNT_ID,
    source::SSO_ROLE_NAME,
    source::SSO_REGION,
    source::LOGIN_SESSION,
    static_keys::ACCESS_KEY_ID,
    static_keys::SECRET_ACCESS_KEY,
    static_keys::SESSION_TOKEN,
    static_keys::SECURITY_TOKEN,
];

/// `config` and `credentials` with `profile` made a profile whose credentials come from `command` (a
/// `credential_process`) in `region`.
pub fn with_credential_process(
    config: &Document,
    credentials: &Document,
    profile: &str,
    command: &str,
    region: &str,
) -> Result<(Document, Document), EditError> {
    let (mut config, mut credentials) = (config.clone(), credentials.clone());
    for key in CHAIN_KEYS {
        config.remove(profile, key)?;
        credentials.remove(profile, key)?;
    }
    config.set(profile, crate::keys::settings::REGION, region)?;
    config.set(profile, source::CREDENTIAL_PROCESS, command)?;
    Ok((config, credentials))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::FileKind;
    use crate::{FileLocations, ProfileSet};

    #[test]
    fn the_profile_becomes_a_process_and_the_others_stay() {
        let config = Document::new(
            FileKind::Config,
            "# mine\n[profile bizcorprole]\nrole_arn = arn:aws:iam::111122223333:role/Biz\nsource_profile = devcorpuser\nmfa_serial = arn:aws:iam::444455556666:mfa/dev\nregion = eu-west-1\n\n[profile other]\nregion = us-west-2\n",
        );
        let credentials = Document::new(
            FileKind::Credentials,
            "[devcorpuser]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n",
        );
        let (config, credentials) = with_credential_process(
            &config,
            &credentials,
            "bizcorprole",
            "amplify-rs aws credentials --project /p",
            "eu-west-1",
        )
        .unwrap();
        let config_text = config.to_string();
        assert!(config_text.starts_with("# mine\n"), "{config_text}");
        let files = FileLocations::from_env("/h".as_ref(), |_| None);
        let set =
            ProfileSet::from_texts(&files, Some(&config_text), Some(&credentials.to_string()))
                .unwrap();
        let chain = set.resolve("bizcorprole").unwrap();
        assert!(chain.hops.is_empty(), "no role left to assume: {chain:?}");
        assert!(
            matches!(chain.base, crate::BaseCredentials::Process { ref command, .. } if command == "amplify-rs aws credentials --project /p")
        );
        assert_eq!(chain.region.as_deref(), Some("eu-west-1"));
        assert_eq!(set.resolve("other").unwrap_err().profile(), "other");
        assert!(set.resolve("devcorpuser").is_ok(), "the source's keys stay");
    }
}
