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

/// SSO and web identity profiles, run by the SDK's own profile provider (which reads the profile files).
pub fn profile_file(profile: &str) -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(
        aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(profile)
            .build(),
    )
}
