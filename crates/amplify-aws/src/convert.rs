//! Our credentials to the SDK's and back: one of the few places a secret leaves [`Secret`].

use amplify_creds::{Credentials, Secret};
use aws_credential_types::provider::SharedCredentialsProvider;
use time::OffsetDateTime;

/// The SDK's credential type for ours.
pub fn to_sdk(credentials: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.expose().to_string(),
        credentials
            .session_token
            .as_ref()
            .map(|t| t.expose().to_string()),
        credentials.expiration.map(std::time::SystemTime::from),
        "amplify-rs",
    )
}

/// Ours for the SDK's.
pub fn from_sdk(credentials: &aws_credential_types::Credentials) -> Credentials {
    Credentials {
        access_key_id: credentials.access_key_id().to_string(),
        secret_access_key: Secret::new(credentials.secret_access_key()),
        session_token: credentials.session_token().map(Secret::new),
        expiration: credentials.expiry().map(OffsetDateTime::from),
    }
}

/// A provider that always gives `credentials` (keys, or a session renewed by nobody).
pub fn fixed_provider(credentials: &Credentials) -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(to_sdk(credentials))
}
