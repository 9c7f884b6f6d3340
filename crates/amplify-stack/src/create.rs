//! CreateStack and the wait for its end, reporting each new stack event once.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::types::{Capability, Parameter, StackStatus, Tag};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use serde_json::{Map, Value};

use crate::template::template;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What to create.
#[derive(Clone, Debug)]
pub struct RootStack {
    pub stack_name: String,
    /// `user:Stack` and `user:Application` in the original's `tags.json`, resolved.
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

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("CloudFormation refused to create stack {stack_name}: {code}: {message}")]
    Refused {
        stack_name: String,
        code: String,
        message: String,
    },
    #[error("cannot reach CloudFormation while creating stack {stack_name}")]
    Unreachable {
        stack_name: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("cannot renew the credentials while creating stack {stack_name}")]
    Credentials {
        stack_name: String,
        #[source]
        source: BoxError,
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
            StackError::Refused { code, .. } if ["AccessDenied", "AccessDeniedException", "HTTP 403"].contains(&code.as_str()) => Some(
                "the role needs permission for CloudFormation, S3 and IAM (see the seed's step 1.8); ask the account's owner to grant it".into(),
            ),
            StackError::Refused { code, .. } if code == "AlreadyExistsException" => {
                Some("a stack of that name exists already: run the command again for a new name".into())
            }
            StackError::Unreachable { .. } => Some(
                "check your network connection, or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_CLOUDFORMATION if you set them".into(),
            ),
            StackError::Failed { stack_name, .. } => Some(format!(
                "look at the events of {stack_name} in the CloudFormation console, fix their cause, delete the stack, and run the command again"
            )),
            _ => None,
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

fn error_parts<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static>(
    stack_name: &str,
    error: SdkError<E, HttpResponse>,
) -> StackError {
    match error {
        SdkError::ServiceError(e) => {
            // An answer that is not a readable AWS error is named by its HTTP status.
            let (code, message) = match e.err().code() {
                Some(code) => (
                    code.to_string(),
                    e.err().message().unwrap_or_default().to_string(),
                ),
                None => (
                    format!("HTTP {}", e.raw().status().as_u16()),
                    "the answer was not an AWS error amplify-rs could read".to_string(),
                ),
            };
            StackError::Refused {
                stack_name: stack_name.into(),
                code,
                message,
            }
        }
        other => StackError::Unreachable {
            stack_name: stack_name.into(),
            source: Box::new(other),
        },
    }
}

/// Creates the stack, reports each new event to `on_event`, and returns its outputs once CREATE_COMPLETE.
///
/// `fresh` is awaited before every call: the caller renews its credentials there, outside the SDK's
/// per-attempt time limit, so a renewal that needs an MFA code can wait for the person to type it.
pub async fn create_root_stack(
    client: &Client,
    stack: &RootStack,
    poll: Duration,
    fresh: &mut impl AsyncFnMut() -> Result<(), BoxError>,
    on_event: &mut dyn FnMut(&StackEvent),
) -> Result<Map<String, Value>, StackError> {
    let name = stack.stack_name.as_str();
    let renewal = |source: BoxError| StackError::Credentials {
        stack_name: name.to_string(),
        source,
    };
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
        .map_err(|e| error_parts(name, e))?;
    let stack_id = created.stack_id().unwrap_or(name).to_string();

    let mut seen = HashSet::new();
    loop {
        fresh().await.map_err(renewal)?;
        let events = client
            .describe_stack_events()
            .stack_name(&stack_id)
            .send()
            .await
            .map_err(|e| error_parts(name, e))?;
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
            .map_err(|e| error_parts(name, e))?;
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
