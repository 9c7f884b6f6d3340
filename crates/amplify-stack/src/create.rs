//! CreateStack and the wait for its end, reporting each new stack event once; the outputs of an existing
//! stack.

use std::collections::HashSet;
use std::time::Duration;

use amplify_aws::AwsError;
use amplify_aws::cloudformation::types::{Capability, Parameter, Stack, StackStatus, Tag};
use amplify_sts::Session;
use serde_json::{Map, Value};

use crate::calls::StackCalls;
use crate::error::{Operation, StackError};
use crate::template::template;

/// What to create.
#[derive(Clone, Debug)]
pub struct RootStack {
    pub stack_name: String,
    /// The project's tags (`amplify/backend/tags.json`), hydrated for this environment.
    pub tags: Vec<(String, String)>,
    pub description: String,
    /// The IAM policy the stack's roles are bounded by (`--permissions-boundary`), as the original sets it
    /// on every `AWS::IAM::Role` of the template.
    pub permissions_boundary: Option<String>,
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

impl StackEvent {
    pub(crate) fn from_sdk(event: &amplify_aws::cloudformation::types::StackEvent) -> StackEvent {
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
/// needs an MFA code can wait for the person to type it. A stack that fails is waited for until its
/// rollback has ended (ROLLBACK_COMPLETE), so every event is reported and the stack can be deleted
/// ([`StackError::created_stack`], [`crate::delete_root_stack`]).
pub async fn create_root_stack(
    session: &Session,
    stack: &RootStack,
    poll: Duration,
    on_event: &mut dyn FnMut(&StackEvent),
) -> Result<Map<String, Value>, StackError> {
    let calls = StackCalls::new(session, &stack.stack_name, Operation::Creating);
    let stack_id = send(&calls, stack).await?;
    let mut events = Events::default();
    loop {
        events.poll(&calls, &stack_id, on_event).await?;
        let current = calls.describe(&stack_id).await?;
        match current.stack_status() {
            Some(StackStatus::CreateComplete) => return Ok(outputs_of(&current)),
            None => tokio::time::sleep(poll).await,
            Some(status) if status.as_str().ends_with("_IN_PROGRESS") => {
                tokio::time::sleep(poll).await
            }
            Some(other) => {
                // The events since the last poll, best effort: the stack failed, and that is the error.
                let _ = events.poll(&calls, &stack_id, on_event).await;
                return Err(StackError::Failed {
                    stack_name: stack.stack_name.clone(),
                    stack_id: stack_id.clone(),
                    region: session.region().to_string(),
                    status: other.as_str().into(),
                    failures: events.failures(),
                });
            }
        }
    }
}

/// The events of a wait: those reported, so none is reported twice and the failures are known without
/// another call (which could fail in turn).
#[derive(Default)]
pub(crate) struct Events {
    pub seen: HashSet<String>,
    all: Vec<StackEvent>,
}

impl Events {
    /// Reports the stack's new events to `on_event`, oldest first.
    pub async fn poll(
        &mut self,
        calls: &StackCalls<'_>,
        stack_id: &str,
        on_event: &mut dyn FnMut(&StackEvent),
    ) -> Result<(), StackError> {
        for event in calls.new_events(stack_id, &mut self.seen).await? {
            on_event(&event);
            self.all.push(event);
        }
        Ok(())
    }

    /// The events of resources that failed, with their reasons, oldest first.
    pub fn failures(&self) -> Vec<StackEvent> {
        self.all
            .iter()
            .filter(|e| e.status.ends_with("_FAILED"))
            .cloned()
            .collect()
    }
}

/// CreateStack; the stack's id.
async fn send(calls: &StackCalls<'_>, stack: &RootStack) -> Result<String, StackError> {
    let name = stack.stack_name.as_str();
    let parameter = |key: &str, value: String| {
        Parameter::builder()
            .parameter_key(key)
            .parameter_value(value)
            .build()
    };
    let tags: Vec<Tag> = stack
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let body = template(&stack.description, stack.permissions_boundary.as_deref()).to_string();
    tracing::debug!(stack = name, "cloudformation:CreateStack");
    let created = calls
        .call(|client| {
            let request = client
                .create_stack()
                .stack_name(name)
                // The same token on every attempt: an attempt whose answer was lost after CloudFormation
                // took it makes the retry a no-op instead of an AlreadyExistsException (or a second stack).
                .client_request_token(format!("{name}-create"))
                .template_body(body.clone())
                .parameters(parameter("DeploymentBucketName", stack.deployment_bucket()))
                .parameters(parameter("AuthRoleName", format!("{name}-authRole")))
                .parameters(parameter("UnauthRoleName", format!("{name}-unauthRole")))
                .capabilities(Capability::CapabilityNamedIam)
                .capabilities(Capability::CapabilityAutoExpand)
                .set_tags(Some(tags.clone()));
            async move { request.send().await.map_err(AwsError::from_sdk) }
        })
        .await?;
    Ok(created.stack_id().unwrap_or(name).to_string())
}

/// The outputs of an existing root stack (an environment being pulled), as they are now.
pub async fn stack_outputs(
    session: &Session,
    stack_name: &str,
) -> Result<Map<String, Value>, StackError> {
    let calls = StackCalls::new(session, stack_name, Operation::Reading);
    Ok(outputs_of(&calls.describe(stack_name).await?))
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
