//! The process environment, read once: [`Env`] is a snapshot taken when the program starts and passed to
//! every crate that needs a variable, so tests give each run the environment they want. The names of every
//! variable amplify-rs reads are here, and only here.

use std::collections::BTreeMap;
use std::fmt;

/// The home folder: `~/.aws`, `~/.amplify`.
pub const HOME: &str = "HOME";
/// `NO_COLOR`: any non-empty value turns colours off.
pub const NO_COLOR: &str = "NO_COLOR";
/// Where the user's settings files go (`$XDG_CONFIG_HOME/amplify-rs/config.toml`), else `~/.config`.
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";

/// Variables of the AWS tools, read as the AWS CLI reads them.
pub mod aws {
    pub const CONFIG_FILE: &str = "AWS_CONFIG_FILE";
    pub const SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
    /// Read before `AWS_PROFILE`, as the AWS CLI does.
    pub const DEFAULT_PROFILE: &str = "AWS_DEFAULT_PROFILE";
    pub const PROFILE: &str = "AWS_PROFILE";
    pub const REGION: &str = "AWS_REGION";
    pub const DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    pub const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
    pub const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
    pub const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
    /// Set by `amplify-rs exec` for the child, as aws-vault sets it.
    pub const CREDENTIAL_EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
    /// Every service's endpoint; `AWS_ENDPOINT_URL_<SERVICE>` (such as `AWS_ENDPOINT_URL_STS`) for one.
    pub const ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
    pub const IGNORE_CONFIGURED_ENDPOINT_URLS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
}

/// amplify-rs's own variables.
pub mod amplify {
    /// An MFA code for runs without a terminal (used once: STS takes a code once).
    pub const MFA_CODE: &str = "AMPLIFY_RS_MFA_CODE";
    /// `1`/`0`, `yes`/`no`, `true`/`false`: assume roles from an MFA session (GetSessionToken).
    pub const MFA_SESSION: &str = "AMPLIFY_RS_MFA_SESSION";
    /// Seconds one attempt of an AWS call may take.
    pub const AWS_TIMEOUT: &str = "AMPLIFY_RS_AWS_TIMEOUT";
    /// Attempts of one AWS call, the first included.
    pub const AWS_ATTEMPTS: &str = "AMPLIFY_RS_AWS_ATTEMPTS";
    /// Seconds an MFA session lasts.
    pub const MFA_SESSION_DURATION: &str = "AMPLIFY_RS_MFA_SESSION_DURATION";
    /// A command printing an MFA code, for every MFA device.
    pub const MFA_PROCESS: &str = "AMPLIFY_RS_MFA_PROCESS";
    /// Seconds of validity cached credentials must have left to be reused (300 at least).
    pub const REUSE_MARGIN: &str = "AMPLIFY_RS_REUSE_MARGIN";
    /// `1`/`0`, `yes`/`no`, `true`/`false`: spinners while AWS works.
    pub const PROGRESS: &str = "AMPLIFY_RS_PROGRESS";
    /// Set by amplify-rs for a `credential_process` it runs: the `profile@project` sessions being obtained up
    /// the process tree, one per line, so an amplify-rs started by that process sees a loop back to itself.
    pub const CREDENTIAL_CHAIN: &str = "AMPLIFY_RS_CREDENTIAL_CHAIN";
}

/// The original CLI's variables that amplify-rs honours as it does.
pub mod original {
    /// `true`: `init --appId` naming another app than the project's is not refused.
    pub const SKIP_APP_ID_MISMATCH_CHECK: &str = "AMPLIFY_SKIP_APP_ID_MISMATCH_CHECK";
}

/// A snapshot of the environment. Its `Debug` shows the names only: values can be secrets.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The process's variables, read now (names or values that are not UTF-8 are left out).
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// An environment holding exactly `pairs` (tests).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// A variable's value; an empty one counts as unset, as the AWS CLI counts it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// As a closure, for the functions that take one.
    pub fn lookup(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |name| self.get(name).map(str::to_string)
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    pub fn region(&self) -> Option<&str> {
        self.get(aws::REGION)
            .or_else(|| self.get(aws::DEFAULT_REGION))
    }

    /// The profile the environment selects: `AWS_DEFAULT_PROFILE`, then `AWS_PROFILE` (the AWS CLI's order).
    pub fn profile(&self) -> Option<&str> {
        self.get(aws::DEFAULT_PROFILE)
            .or_else(|| self.get(aws::PROFILE))
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.vars.keys()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_counts_as_unset_and_debug_hides_values() {
        let env = Env::from_pairs([
            (aws::PROFILE, "b"),
            (aws::DEFAULT_PROFILE, ""),
            (aws::SECRET_ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG"),
        ]);
        assert_eq!(env.profile(), Some("b"));
        assert_eq!(env.get(aws::DEFAULT_PROFILE), None);
        assert!(!format!("{env:?}").contains("wJalr"));
    }
}
