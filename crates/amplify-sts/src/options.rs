//! amplify-rs's own keys in a profile (the AWS CLI ignores keys it does not know): `mfa_process`,
//! `amplify_rs_mfa_session` and `amplify_rs_mfa_session_duration`, read and checked for a chain, below
//! amplify-rs's own settings ([`MfaSettings`]: its flags, variables and settings files), which win over them.

use std::collections::HashMap;

use amplify_profile::{Profile, ProfileChain, ProfileSet};

use crate::error::StsError;

/// A command printing an MFA code (as aws-vault's), for hardware keys and password managers.
pub const MFA_PROCESS: &str = "mfa_process";
/// `true` to get an MFA session (GetSessionToken) and assume roles from it.
pub const MFA_SESSION: &str = "amplify_rs_mfa_session";
/// The MFA session's length in seconds (900 to 129600; [`DEFAULT_MFA_SESSION_SECONDS`] when unset).
pub const MFA_SESSION_DURATION: &str = "amplify_rs_mfa_session_duration";

/// GetSessionToken's length when the profile sets none: 12 hours.
pub const DEFAULT_MFA_SESSION_SECONDS: u32 = 43_200;

/// amplify-rs's own MFA settings (`amplify_settings`: a flag, a variable, the project or user file): each
/// one given wins over the profile's key; `None` leaves the choice to the profile, then to the default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MfaSettings {
    /// MFA sessions on or off (`mfa.session`).
    pub session: Option<bool>,
    /// The MFA session's length in seconds (`mfa.session_duration`), checked by the settings.
    pub session_duration: Option<u32>,
    /// The command for every MFA device (`mfa.process`).
    pub process: Option<MfaProcess>,
}

/// A command printing an MFA code, and how messages name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaProcess {
    pub command: String,
    /// "the mfa_process of profile bizcorprole", "the mfa.process set by AMPLIFY_RS_MFA_PROCESS".
    pub name: String,
}

impl MfaProcess {
    /// A profile's `mfa_process`.
    pub fn of_profile(profile: &str, command: impl Into<String>) -> MfaProcess {
        MfaProcess {
            command: command.into(),
            name: format!("the {MFA_PROCESS} of profile {profile}"),
        }
    }

    /// amplify-rs's `mfa.process` setting, set by `source` (a variable, `file:line`).
    pub fn from_setting(command: impl Into<String>, source: impl std::fmt::Display) -> MfaProcess {
        MfaProcess {
            command: command.into(),
            name: format!("the mfa.process set by {source}"),
        }
    }
}

/// The MFA-session setting for the chain: amplify-rs's setting, else the profile's key, else `default`.
/// `Some(seconds)` when on; the length is the setting's, else the profile's, else 12 hours.
pub fn mfa_session(
    set: &ProfileSet,
    chain: &ProfileChain,
    settings: &MfaSettings,
    default: bool,
) -> Result<Option<u32>, StsError> {
    let profile = set.get(&chain.profile);
    let enabled = match (settings.session, profile) {
        (Some(on), _) => on,
        (None, Some(profile)) => profile_flag(chain, profile)?.unwrap_or(default),
        (None, None) => default,
    };
    if !enabled {
        return Ok(None);
    }
    if let Some(seconds) = settings.session_duration {
        return Ok(Some(seconds));
    }
    let Some(profile) = profile else {
        return Ok(Some(DEFAULT_MFA_SESSION_SECONDS));
    };
    match profile.get(MFA_SESSION_DURATION) {
        None => Ok(Some(DEFAULT_MFA_SESSION_SECONDS)),
        Some(value) => match value.parse::<u32>() {
            Ok(seconds) if (900..=129_600).contains(&seconds) => Ok(Some(seconds)),
            _ => Err(bad_key(chain, profile, MFA_SESSION_DURATION, value)),
        },
    }
}

/// The profile's `amplify_rs_mfa_session`, if it has one.
fn profile_flag(chain: &ProfileChain, profile: &Profile) -> Result<Option<bool>, StsError> {
    let Some(value) = profile.get(MFA_SESSION) else {
        return Ok(None);
    };
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        _ => Err(bad_key(chain, profile, MFA_SESSION, value)),
    }
}

fn bad_key(chain: &ProfileChain, profile: &Profile, key: &'static str, value: &str) -> StsError {
    StsError::Setting {
        profile: chain.profile.clone(),
        key,
        value: value.to_string(),
        location: profile.location_of(key).to_string(),
    }
}

/// The `mfa_process` of each MFA device of a chain's hops: amplify-rs's setting for every device when it
/// has one, else the hop's profile's key.
pub fn mfa_processes(
    set: &ProfileSet,
    chain: &ProfileChain,
    settings: &MfaSettings,
) -> HashMap<String, MfaProcess> {
    chain
        .hops
        .iter()
        .filter_map(|hop| {
            let serial = hop.mfa_serial.clone()?;
            let process = match &settings.process {
                Some(process) => process.clone(),
                None => {
                    MfaProcess::of_profile(&hop.profile, set.get(&hop.profile)?.get(MFA_PROCESS)?)
                }
            };
            Some((serial, process))
        })
        .collect()
}

/// What a key of ours must hold, for the error about a value that does not.
pub(crate) fn expected(key: &str) -> &'static str {
    match key {
        MFA_SESSION => "neither true nor false",
        _ => "not a number of seconds from 900 to 129600",
    }
}

pub(crate) fn hint(key: &str) -> String {
    match key {
        MFA_SESSION => format!("write {MFA_SESSION} = true or {MFA_SESSION} = false"),
        _ => "GetSessionToken lasts 15 minutes to 36 hours; 43200 (12 hours) is the default".into(),
    }
}

#[cfg(test)]
mod tests {
    use amplify_profile::FileLocations;

    use super::*;

    const CREDENTIALS: &str =
        "[user]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n";

    fn profiles(role_keys: &str) -> (ProfileSet, ProfileChain) {
        let files = FileLocations::from_env("/home/dev".as_ref(), |_| None);
        let config = format!(
            "[profile role]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = user\nmfa_serial = arn:aws:iam::444455556666:mfa/u\n{role_keys}"
        );
        let set = ProfileSet::from_texts(&files, Some(&config), Some(CREDENTIALS)).unwrap();
        let chain = set.resolve("role").unwrap();
        (set, chain)
    }

    #[test]
    fn settings_win_over_the_profile_keys_which_win_over_the_default() {
        let on = |session, duration| MfaSettings {
            session,
            session_duration: duration,
            process: None,
        };
        let (plain, chain) = profiles("");
        let none = MfaSettings::default();
        assert_eq!(mfa_session(&plain, &chain, &none, false).unwrap(), None);
        assert_eq!(
            mfa_session(&plain, &chain, &none, true).unwrap(),
            Some(DEFAULT_MFA_SESSION_SECONDS),
            "the default, when neither says"
        );
        let (keyed, chain) =
            profiles("amplify_rs_mfa_session = false\namplify_rs_mfa_session_duration = 1800\n");
        assert_eq!(
            mfa_session(&keyed, &chain, &none, true).unwrap(),
            None,
            "the profile's key wins over the default"
        );
        assert_eq!(
            mfa_session(&keyed, &chain, &on(Some(true), None), false).unwrap(),
            Some(1800),
            "the setting wins over the profile's key; the profile's length applies"
        );
        assert_eq!(
            mfa_session(&keyed, &chain, &on(Some(true), Some(7200)), false).unwrap(),
            Some(7200)
        );
        let (on_in_profile, chain) = profiles("amplify_rs_mfa_session = true\n");
        assert_eq!(
            mfa_session(&on_in_profile, &chain, &on(Some(false), None), true).unwrap(),
            None,
            "a setting of false wins too"
        );
    }

    #[test]
    fn the_setting_s_mfa_process_serves_every_device_and_names_its_source() {
        let (set, chain) = profiles("mfa_process = printf 111111\n");
        let serial = "arn:aws:iam::444455556666:mfa/u";
        let from_profile = mfa_processes(&set, &chain, &MfaSettings::default());
        assert_eq!(
            from_profile[serial],
            MfaProcess {
                command: "printf 111111".into(),
                name: "the mfa_process of profile role".into()
            }
        );
        let settings = MfaSettings {
            process: Some(MfaProcess::from_setting(
                "printf 222222",
                "AMPLIFY_RS_MFA_PROCESS",
            )),
            ..MfaSettings::default()
        };
        let from_setting = mfa_processes(&set, &chain, &settings);
        assert_eq!(from_setting[serial].command, "printf 222222");
        assert_eq!(
            from_setting[serial].name,
            "the mfa.process set by AMPLIFY_RS_MFA_PROCESS"
        );
    }
}
