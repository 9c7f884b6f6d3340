//! amplify-rs's own keys in a profile (the AWS CLI ignores keys it does not know): `mfa_process`,
//! `amplify_rs_mfa_session` and `amplify_rs_mfa_session_duration`, read and checked for a chain.

use std::collections::HashMap;

use amplify_profile::{ProfileChain, ProfileSet};

use crate::error::StsError;

/// A command printing an MFA code (as aws-vault's), for hardware keys and password managers.
pub const MFA_PROCESS: &str = "mfa_process";
/// `true` to get an MFA session (GetSessionToken) and assume roles from it.
pub const MFA_SESSION: &str = "amplify_rs_mfa_session";
/// The MFA session's length in seconds (900 to 129600; [`DEFAULT_MFA_SESSION_SECONDS`] when unset).
pub const MFA_SESSION_DURATION: &str = "amplify_rs_mfa_session_duration";

/// GetSessionToken's length when the profile sets none: 12 hours.
pub const DEFAULT_MFA_SESSION_SECONDS: u32 = 43_200;

/// The MFA-session setting of the chain's profile: its key, else `default` (`--mfa-session`,
/// `AMPLIFY_RS_MFA_SESSION`). `Some(seconds)` when on.
pub fn mfa_session(
    set: &ProfileSet,
    chain: &ProfileChain,
    default: bool,
) -> Result<Option<u32>, StsError> {
    let Some(profile) = set.get(&chain.profile) else {
        return Ok(default.then_some(DEFAULT_MFA_SESSION_SECONDS));
    };
    let bad = |key: &'static str, value: &str| StsError::Setting {
        profile: chain.profile.clone(),
        key,
        value: value.to_string(),
        location: profile.location_of(key).to_string(),
    };
    let enabled = match profile
        .get(MFA_SESSION)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("true") => true,
        Some("false") => false,
        None => default,
        Some(_) => {
            return Err(bad(
                MFA_SESSION,
                profile.get(MFA_SESSION).unwrap_or_default(),
            ));
        }
    };
    if !enabled {
        return Ok(None);
    }
    match profile.get(MFA_SESSION_DURATION) {
        None => Ok(Some(DEFAULT_MFA_SESSION_SECONDS)),
        Some(value) => match value.parse::<u32>() {
            Ok(seconds) if (900..=129_600).contains(&seconds) => Ok(Some(seconds)),
            _ => Err(bad(MFA_SESSION_DURATION, value)),
        },
    }
}

/// The `mfa_process` commands of a chain's hops, by MFA device.
pub fn mfa_processes(set: &ProfileSet, chain: &ProfileChain) -> HashMap<String, String> {
    chain
        .hops
        .iter()
        .filter_map(|hop| {
            let serial = hop.mfa_serial.clone()?;
            let command = set.get(&hop.profile)?.get(MFA_PROCESS)?.to_string();
            Some((serial, command))
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
