//! AWS credentials as plain values.
//!
//! Every crate that touches a secret key, a session token or an MFA code holds it in a [`Secret`], whose
//! `Debug` prints `REDACTED` and whose only way out is [`Secret::expose`]: grepping for `expose(` finds every
//! place a secret leaves the program (signing requests, the cache file, the keys file). [`Credentials`] adds
//! the expiration and the one rule of reuse that the cache and the STS service share: [`REUSE_MARGIN`].
//! The rules a typed key or code must follow are in [`validate`], next to each other; the environment
//! variables every crate reads are named once in [`env`].

pub mod env;
pub mod export;
pub mod validate;

use std::fmt;

use serde::Deserialize;
use time::{Duration, OffsetDateTime};

/// How much validity a temporary credential must have left to be reused rather than renewed.
///
/// The original Amplify CLI reused credentials down to their last 60 seconds, so a command started with 61
/// seconds left failed half way through. The AWS CLI keeps 15 minutes, which would make the shortest session
/// STS allows (900 seconds) useless to a cache. Five minutes is long enough for any single call to finish and
/// still leaves two thirds of a 15-minute session usable.
pub const REUSE_MARGIN: Duration = Duration::minutes(5);

/// A value that must never be printed: secret keys, session tokens, MFA codes. It can be read from a file
/// (`Deserialize`) but not written by serde: a writer has to call [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Every call is a place where a secret leaves this type: keep them few.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("REDACTED")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// A set of AWS credentials, long-lived (no expiration) or temporary. Its `Debug` shows the key id (not a
/// secret, and what one needs to debug) and `REDACTED` for the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    pub expiration: Option<OffsetDateTime>,
}

impl Credentials {
    /// Long-lived keys, as an IAM user's access keys in the credentials file.
    pub fn long_lived(access_key_id: impl Into<String>, secret_access_key: Secret) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key,
            session_token: None,
            expiration: None,
        }
    }

    /// Time left before expiry, `None` for long-lived credentials.
    pub fn remaining(&self, now: OffsetDateTime) -> Option<Duration> {
        self.expiration.map(|expiration| expiration - now)
    }

    /// Whether these credentials may still be handed out at `now`: long-lived ones always, temporary ones
    /// while more than [`REUSE_MARGIN`] remains.
    pub fn is_reusable(&self, now: OffsetDateTime) -> bool {
        self.remaining(now).is_none_or(|left| left > REUSE_MARGIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn temporary(expiration: OffsetDateTime) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: Some(Secret::new("FQoGZXIvYXdzEXAMPLETOKEN")),
            expiration: Some(expiration),
        }
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let creds = temporary(datetime!(2026-11-28 12:00 UTC));
        let printed = format!("{creds:?} {:#?}", creds);
        assert!(!printed.contains("wJalrXUtnFEMI"), "{printed}");
        assert!(!printed.contains("FQoGZXIvYXdz"), "{printed}");
        assert!(
            printed.contains("ASIAEXAMPLE"),
            "the key id is not secret and helps debugging: {printed}"
        );
        assert!(printed.contains("REDACTED"));
    }

    #[test]
    fn reuse_stops_five_minutes_before_expiry() {
        let expiration = datetime!(2026-11-28 12:00 UTC);
        let creds = temporary(expiration);
        assert!(creds.is_reusable(expiration - Duration::minutes(5) - Duration::seconds(1)));
        assert!(!creds.is_reusable(expiration - Duration::minutes(5)));
        assert!(
            !creds.is_reusable(expiration - Duration::seconds(61)),
            "the original's 60 s window is too short"
        );
        assert!(!creds.is_reusable(expiration + Duration::hours(1)));
    }

    #[test]
    fn long_lived_keys_never_expire() {
        let creds = Credentials::long_lived("AKIAEXAMPLE", Secret::new("x"));
        assert!(creds.is_reusable(datetime!(2100-01-01 0:00 UTC)));
        assert_eq!(creds.remaining(datetime!(2100-01-01 0:00 UTC)), None);
    }
}
