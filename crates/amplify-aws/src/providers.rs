//! The credential providers of the AWS SDK that a profile chain's base can need: a `credential_process`,
//! the environment's keys, instance metadata, the ECS agent, and (for SSO and web identity) the SDK's profile
//! provider. Each is given its settings by the caller.

use aws_credential_types::provider::SharedCredentialsProvider;

/// Runs `command` and reads the JSON it prints (`{"Version":1,"AccessKeyId",...}`).
pub fn process(command: &str) -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(
        aws_config::credential_process::CredentialProcessProvider::new(command.to_string()),
    )
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
pub fn environment() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(
        aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
    )
}

/// The EC2 instance's role.
pub fn instance_metadata() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(
        aws_config::imds::credentials::ImdsCredentialsProvider::builder().build(),
    )
}

/// The ECS task's role.
pub fn ecs_container() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(aws_config::ecs::EcsCredentialsProvider::builder().build())
}

/// AssumeRoleWithWebIdentity with the token in `token_file`, as botocore's web-identity provider sends it.
/// STS is called in `region`.
pub fn web_identity(
    role_arn: &str,
    token_file: &str,
    session_name: &str,
    region: &str,
) -> SharedCredentialsProvider {
    use aws_config::web_identity_token::{
        StaticConfiguration, WebIdentityTokenCredentialsProvider,
    };
    let config = aws_config::provider_config::ProviderConfig::default()
        .with_region(Some(aws_config::Region::new(region.to_string())));
    SharedCredentialsProvider::new(
        WebIdentityTokenCredentialsProvider::builder()
            .configure(&config)
            .static_configuration(StaticConfiguration {
                web_identity_token_file: token_file.into(),
                role_arn: role_arn.to_string(),
                session_name: session_name.to_string(),
            })
            .build(),
    )
}

/// An IAM Identity Center (SSO) role, with the token `aws sso login` cached.
pub fn sso(
    start_url: &str,
    sso_region: &str,
    account_id: &str,
    role_name: &str,
    session_name: Option<&str>,
) -> SharedCredentialsProvider {
    let mut builder = aws_config::sso::SsoCredentialsProvider::builder()
        .start_url(start_url)
        .region(aws_config::Region::new(sso_region.to_string()))
        .account_id(account_id)
        .role_name(role_name);
    builder.set_session_name(session_name.map(str::to_string));
    SharedCredentialsProvider::new(builder.build())
}
