//! The credential providers of the AWS SDK that a profile chain's base can need: a `credential_process`,
//! the environment's keys, instance metadata, the ECS agent, and (for SSO and web identity) the SDK's profile
//! provider. Each is given its settings by the caller.

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;

/// Runs `command` (with `sh -c`, as the SDKs do) with `env` added to its environment, and reads the JSON it
/// prints (`{"Version":1,"AccessKeyId",...}`). The variables let amplify-rs see itself coming back through
/// a `credential_process` (a loop).
pub fn process(command: &str, env: Vec<(String, String)>) -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(Process {
        command: command.to_string(),
        env,
    })
}

/// A `credential_process`.
#[derive(Debug)]
struct Process {
    command: String,
    env: Vec<(String, String)>,
}

/// What a `credential_process` prints.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessOutput {
    version: u32,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<String>,
}

impl Process {
    fn run(&self) -> Result<aws_credential_types::Credentials, CredentialsError> {
        let failed = |what: String| CredentialsError::provider_error(what);
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| failed(format!("cannot run the credential_process: {e}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stderr: String = stderr.trim().chars().take(500).collect();
            return Err(failed(format!(
                "the credential_process failed ({}): {stderr}",
                output.status
            )));
        }
        let parsed: ProcessOutput = serde_json::from_slice(&output.stdout).map_err(|e| {
            failed(format!(
                "the credential_process printed something that is not its JSON: {e}"
            ))
        })?;
        if parsed.version != 1 {
            return Err(failed(format!(
                "the credential_process printed Version {}, and only 1 exists",
                parsed.version
            )));
        }
        let expiry = match parsed.expiration {
            None => None,
            Some(text) => Some(
                time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| {
                        failed(format!(
                            "the credential_process's Expiration {text:?} is not a date: {e}"
                        ))
                    })?
                    .into(),
            ),
        };
        Ok(aws_credential_types::Credentials::new(
            parsed.access_key_id,
            parsed.secret_access_key,
            parsed.session_token,
            expiry,
            "credential_process",
        ))
    }
}

impl aws_credential_types::provider::ProvideCredentials for Process {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(self.run())
    }
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
