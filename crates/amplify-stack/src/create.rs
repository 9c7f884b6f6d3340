//! CreateStack and the wait for its end, reporting each new stack event once.

use std::collections::HashSet;
use std::time::Duration;

use amplify_aws::cloudformation::Client;
use amplify_aws::cloudformation::types::{Capability, Parameter, StackStatus, Tag};
use amplify_aws::{AwsError, Service};
use amplify_sts::{Session, StsError};
use serde_json::{Map, Value};

use crate::template::template;

/// What to create.
#[derive(Clone, Debug)]
pub struct RootStack {
    pub stack_name: String,
    /// The project's tags (`amplify/backend/tags.json`), hydrated for this environment.
    pub tags: Vec<(String, String)>,
    pub description: String,
}

impl RootStack {
    pub fn deployment_bucket(&self) -> String {
        format!("{}-deployment", self.stack_name)
    }
}

/// One line of the stack's event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackEvent {
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

fn call_failed(stack_name: &str, source: &AwsError) -> String {
    if source.is_no_answer() {
        format!("cannot reach CloudFormation while creating stack {stack_name}")
    } else {
        format!("CloudFormation refused to create stack {stack_name}: {source}")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("{}", call_failed(stack_name, source))]
    Call {
        stack_name: String,
        #[source]
        source: AwsError,
    },
    #[error("cannot renew the credentials while creating stack {stack_name}")]
    Credentials {
        stack_name: String,
        #[source]
        source: StsError,
    },
    #[error(
        "An error occurred when creating the CloudFormation stack {stack_name}: it ended in {status}"
    )]
    Failed {
        stack_name: String,
        status: String,
        failures: Vec<StackEvent>,
    },
}

impl StackError {
    pub fn hint(&self) -> Option<String> {
        match self {
            StackError::Call { source, .. } if source.is_access_denied() => Some(
                "the role needs permission for CloudFormation, S3 and IAM (see \"What the role needs\" in docs/guide.md); ask the account's owner to grant it".into(),
            ),
            StackError::Call { source, .. } if source.code() == Some("AlreadyExistsException") => {
                Some("a stack of that name exists already: run the command again for a new name".into())
            }
            StackError::Call { source, .. } => source.hint(Service::CloudFormation),
            StackError::Credentials { source, .. } => source.hint(),
            StackError::Failed { stack_name, .. } => Some(format!(
                "look at the events of {stack_name} in the CloudFormation console, fix their cause, delete the stack, and run the command again"
            )),
        }
    }
}

/// The outputs in the order the original's files list them.
const OUTPUT_ORDER: [&str; 8] = [
    "Region",
    "StackName",
    "StackId",
    "DeploymentBucketName",
    "AuthRoleArn",
    "UnauthRoleArn",
    "AuthRoleName",
    "UnauthRoleName",
];

/// Creates the stack with `session`'s credentials, reports each new event to `on_event`, and returns its
/// outputs once CREATE_COMPLETE.
///
/// The session is renewed before every call, outside the SDK's per-attempt time limit, so a renewal that
/// needs an MFA code can wait for the person to type it.
pub async fn create_root_stack(
    session: &Session,
    stack: &RootStack,
    poll: Duration,
    on_event: &mut dyn FnMut(&StackEvent),
) -> Result<Map<String, Value>, StackError> {
    let client = &session.cloudformation();
    let name = stack.stack_name.as_str();
    let renewal = |source: StsError| StackError::Credentials {
        stack_name: name.to_string(),
        source,
    };
    let failed = |source: AwsError| StackError::Call {
        stack_name: name.to_string(),
        source,
    };
    let fresh = || session.keep_fresh();
    let parameter = |key: &str, value: String| {
        Parameter::builder()
            .parameter_key(key)
            .parameter_value(value)
            .build()
    };
    tracing::debug!(stack = name, "cloudformation:CreateStack");
    fresh().await.map_err(renewal)?;
    let created = client
        .create_stack()
        .stack_name(name)
        // The same token on every attempt: an attempt that timed out after CloudFormation took it makes the
        // retry a no-op instead of an AlreadyExistsException (or a second stack).
        .client_request_token(format!("{name}-create"))
        .template_body(template(&stack.description).to_string())
        .parameters(parameter("DeploymentBucketName", stack.deployment_bucket()))
        .parameters(parameter("AuthRoleName", format!("{name}-authRole")))
        .parameters(parameter("UnauthRoleName", format!("{name}-unauthRole")))
        .capabilities(Capability::CapabilityNamedIam)
        .capabilities(Capability::CapabilityAutoExpand)
        .set_tags(Some(
            stack
                .tags
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
        ))
        .send()
        .await
        .map_err(AwsError::from_sdk)
        .map_err(failed)?;
    let stack_id = created.stack_id().unwrap_or(name).to_string();

    let mut seen = HashSet::new();
    loop {
        fresh().await.map_err(renewal)?;
        let events = client
            .describe_stack_events()
            .stack_name(&stack_id)
            .send()
            .await
            .map_err(AwsError::from_sdk)
            .map_err(failed)?;
        let mut new: Vec<StackEvent> = Vec::new();
        for event in events.stack_events() {
            if seen.insert(event.event_id().unwrap_or_default().to_string()) {
                new.push(StackEvent {
                    logical_id: event.logical_resource_id().unwrap_or_default().into(),
                    resource_type: event.resource_type().unwrap_or_default().into(),
                    status: event
                        .resource_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    reason: event.resource_status_reason().map(str::to_string),
                });
            }
        }
        // CloudFormation lists the newest first.
        for event in new.iter().rev() {
            on_event(event);
        }

        fresh().await.map_err(renewal)?;
        let described = client
            .describe_stacks()
            .stack_name(&stack_id)
            .send()
            .await
            .map_err(AwsError::from_sdk)
            .map_err(failed)?;
        let Some(current) = described.stacks().first() else {
            return Err(StackError::Failed {
                stack_name: name.into(),
                status: "DELETED".into(),
                failures: Vec::new(),
            });
        };
        match current.stack_status() {
            Some(StackStatus::CreateComplete) => {
                let mut outputs: Vec<(String, Value)> = current
                    .outputs()
                    .iter()
                    .filter_map(|o| {
                        Some((
                            o.output_key()?.to_string(),
                            Value::String(o.output_value()?.to_string()),
                        ))
                    })
                    .collect();
                outputs.sort_by_key(|(key, _)| {
                    OUTPUT_ORDER
                        .iter()
                        .position(|k| k == key)
                        .unwrap_or(OUTPUT_ORDER.len())
                });
                return Ok(outputs.into_iter().collect());
            }
            Some(StackStatus::CreateInProgress) | None => tokio::time::sleep(poll).await,
            Some(other) => {
                let failures = collect_failures(client, &stack_id).await;
                return Err(StackError::Failed {
                    stack_name: name.into(),
                    status: other.as_str().into(),
                    failures,
                });
            }
        }
    }
}

async fn collect_failures(client: &Client, stack_id: &str) -> Vec<StackEvent> {
    let Ok(events) = client
        .describe_stack_events()
        .stack_name(stack_id)
        .send()
        .await
    else {
        return Vec::new();
    };
    events
        .stack_events()
        .iter()
        .filter(|e| {
            e.resource_status()
                .is_some_and(|s| s.as_str().ends_with("_FAILED"))
        })
        .map(|e| StackEvent {
            logical_id: e.logical_resource_id().unwrap_or_default().into(),
            resource_type: e.resource_type().unwrap_or_default().into(),
            status: e
                .resource_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            reason: e.resource_status_reason().map(str::to_string),
        })
        .collect()
}
