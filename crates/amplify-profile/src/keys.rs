//! The profile keys this crate reads, grouped by what they configure, so a typo is a compile error and a
//! reader sees in one place which keys are understood.

/// Static credentials.
pub mod static_keys {
    pub const ACCESS_KEY_ID: &str = "aws_access_key_id";
    pub const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
    pub const SESSION_TOKEN: &str = "aws_session_token";
    /// The older name of the session token, which botocore still reads first.
    pub const SECURITY_TOKEN: &str = "aws_security_token";
}

/// An STS AssumeRole hop.
pub mod role {
    pub const ROLE_ARN: &str = "role_arn";
    pub const SOURCE_PROFILE: &str = "source_profile";
    pub const CREDENTIAL_SOURCE: &str = "credential_source";
    pub const MFA_SERIAL: &str = "mfa_serial";
    pub const EXTERNAL_ID: &str = "external_id";
    pub const ROLE_SESSION_NAME: &str = "role_session_name";
    pub const DURATION_SECONDS: &str = "duration_seconds";
}

/// Other sources of base credentials.
pub mod source {
    pub const CREDENTIAL_PROCESS: &str = "credential_process";
    pub const WEB_IDENTITY_TOKEN_FILE: &str = "web_identity_token_file";
    pub const SSO_SESSION: &str = "sso_session";
    pub const SSO_START_URL: &str = "sso_start_url";
    pub const SSO_ACCOUNT_ID: &str = "sso_account_id";
    pub const SSO_ROLE_NAME: &str = "sso_role_name";
    pub const SSO_REGION: &str = "sso_region";
    /// `aws login` sessions (botocore's login provider), which amplify-rs does not run.
    pub const LOGIN_SESSION: &str = "login_session";
}

/// Settings that are not credentials.
pub mod settings {
    pub const REGION: &str = "region";
}
