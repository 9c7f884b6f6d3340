//! CreateStack and the wait for its end, reporting each new stack event once.

use std::collections::HashSet;
use std::time::Duration;

use amplify_aws::cloudformation::Client;
use amplify_aws::cloudformation::types::{Capability, Parameter, Stack, StackStatus, Tag};
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
    let creation = Creation {
        session,
        client: session.cloudformation(),
        stack,
    };
    let stack_id = creation.send().await?;
    let mut seen = HashSet::new();
    loop {
        for event in creation.new_events(&stack_id, &mut seen).await? {
            on_event(&event);
        }
        let current = creation.describe(&stack_id).await?;
        match current.stack_status() {
            Some(StackStatus::CreateComplete) => return Ok(outputs_of(&current)),
            Some(StackStatus::CreateInProgress) | None => tokio::time::sleep(poll).await,
            Some(other) => {
                return Err(StackError::Failed {
                    stack_name: stack.stack_name.clone(),
                    status: other.as_str().into(),
                    failures: creation.failures(&stack_id).await,
                });
            }
        }
    }
}

/// One stack being created: each call renews the session first and names the stack in its error.
struct Creation<'a> {
    session: &'a Session,
    client: Client,
    stack: &'a RootStack,
}

impl Creation<'_> {
    fn failed(&self, source: AwsError) -> StackError {
        StackError::Call {
            stack_name: self.stack.stack_name.clone(),
            source,
        }
    }

    async fn fresh(&self) -> Result<(), StackError> {
        self.session
            .keep_fresh()
            .await
            .map_err(|source| StackError::Credentials {
                stack_name: self.stack.stack_name.clone(),
                source,
            })
    }

    /// CreateStack; the stack's id.
    async fn send(&self) -> Result<String, StackError> {
        let stack = self.stack;
        let name = stack.stack_name.as_str();
        let parameter = |key: &str, value: String| {
            Parameter::builder()
                .parameter_key(key)
                .parameter_value(value)
                .build()
        };
        let tags = stack
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        tracing::debug!(stack = name, "cloudformation:CreateStack");
        self.fresh().await?;
        let created = self
            .client
            .create_stack()
            .stack_name(name)
            // The same token on every attempt: an attempt that timed out after CloudFormation took it makes
            // the retry a no-op instead of an AlreadyExistsException (or a second stack).
            .client_request_token(format!("{name}-create"))
            .template_body(template(&stack.description).to_string())
            .parameters(parameter("DeploymentBucketName", stack.deployment_bucket()))
            .parameters(parameter("AuthRoleName", format!("{name}-authRole")))
            .parameters(parameter("UnauthRoleName", format!("{name}-unauthRole")))
            .capabilities(Capability::CapabilityNamedIam)
            .capabilities(Capability::CapabilityAutoExpand)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| self.failed(AwsError::from_sdk(e)))?;
        Ok(created.stack_id().unwrap_or(name).to_string())
    }

    /// The events not seen yet, oldest first.
    async fn new_events(
        &self,
        stack_id: &str,
        seen: &mut HashSet<String>,
    ) -> Result<Vec<StackEvent>, StackError> {
        self.fresh().await?;
        let events = self
            .client
            .describe_stack_events()
            .stack_name(stack_id)
            .send()
            .await
            .map_err(|e| self.failed(AwsError::from_sdk(e)))?;
        let mut new: Vec<StackEvent> = events
            .stack_events()
            .iter()
            .filter(|e| seen.insert(e.event_id().unwrap_or_default().to_string()))
            .map(StackEvent::from_sdk)
            .collect();
        // CloudFormation lists the newest first.
        new.reverse();
        Ok(new)
    }

    async fn describe(&self, stack_id: &str) -> Result<Stack, StackError> {
        self.fresh().await?;
        let described = self
            .client
            .describe_stacks()
            .stack_name(stack_id)
            .send()
            .await
            .map_err(|e| self.failed(AwsError::from_sdk(e)))?;
        described
            .stacks()
            .first()
            .cloned()
            .ok_or_else(|| StackError::Failed {
                stack_name: self.stack.stack_name.clone(),
                status: "DELETED".into(),
                failures: Vec::new(),
            })
    }

    /// The events of resources that failed, with their reasons (best effort: the stack failed already).
    async fn failures(&self, stack_id: &str) -> Vec<StackEvent> {
        let Ok(events) = self
            .client
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
            .map(StackEvent::from_sdk)
            .filter(|e| e.status.ends_with("_FAILED"))
            .collect()
    }
}

impl StackEvent {
    fn from_sdk(event: &amplify_aws::cloudformation::types::StackEvent) -> StackEvent {
        StackEvent {
            logical_id: event.logical_resource_id().unwrap_or_default().into(),
            resource_type: event.resource_type().unwrap_or_default().into(),
            status: event
                .resource_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            reason: event.resource_status_reason().map(str::to_string),
        }
    }
}

/// The outputs of an existing root stack (an environment being pulled), as they are now.
pub async fn stack_outputs(
    session: &Session,
    stack_name: &str,
) -> Result<Map<String, Value>, StackError> {
    let stack = RootStack {
        stack_name: stack_name.to_string(),
        tags: Vec::new(),
        description: String::new(),
    };
    let creation = Creation {
        session,
        client: session.cloudformation(),
        stack: &stack,
    };
    Ok(outputs_of(&creation.describe(stack_name).await?))
}

/// A finished stack's outputs, in the order the original's files list them.
fn outputs_of(stack: &Stack) -> Map<String, Value> {
    let mut outputs: Vec<(String, Value)> = stack
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
    outputs.into_iter().collect()
}
