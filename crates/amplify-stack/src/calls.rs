//! The CloudFormation calls of one stack, made the same way for creating, reading and deleting it: the
//! session is renewed before each call (outside the SDK's time limits, so an MFA prompt has all the time it
//! needs); a call refused with `ExpiredToken` although the session looked valid renews the session once
//! and is made again with the new credentials; every failure names the stack and what was being done.

use std::collections::HashSet;
use std::sync::Mutex;

use amplify_aws::AwsError;
use amplify_aws::cloudformation::Client;
use amplify_aws::cloudformation::types::Stack;
use amplify_sts::Session;

use crate::create::StackEvent;
use crate::error::{Operation, StackError};

pub(crate) struct StackCalls<'a> {
    pub session: &'a Session,
    /// Rebuilt after a renewal: a client's identity cache would keep the rejected credentials.
    client: Mutex<Client>,
    pub stack_name: String,
    operation: Operation,
}

impl<'a> StackCalls<'a> {
    pub fn new(session: &'a Session, stack_name: &str, operation: Operation) -> StackCalls<'a> {
        StackCalls {
            session,
            client: Mutex::new(session.cloudformation()),
            stack_name: stack_name.to_string(),
            operation,
        }
    }

    fn client(&self) -> Client {
        self.client.lock().expect("client lock").clone()
    }

    pub fn failed(&self, source: AwsError) -> StackError {
        StackError::Call {
            stack_name: self.stack_name.clone(),
            operation: self.operation,
            source,
        }
    }

    fn credentials_failed(&self, source: amplify_sts::StsError) -> StackError {
        StackError::Credentials {
            stack_name: self.stack_name.clone(),
            source,
        }
    }

    /// `call` with a fresh session; once more after a renewal if AWS says the session has expired.
    pub async fn call<T, F, Fut>(&self, call: F) -> Result<T, StackError>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        self.session
            .keep_fresh()
            .await
            .map_err(|e| self.credentials_failed(e))?;
        match call(self.client()).await {
            Err(error) if error.is_expired_token() => {
                tracing::info!(
                    stack = self.stack_name,
                    "{error}: renewing the session once"
                );
                let renewed = self
                    .session
                    .renew_expired()
                    .await
                    .map_err(|e| self.credentials_failed(e))?;
                if !renewed {
                    return Err(self.failed(error));
                }
                *self.client.lock().expect("client lock") = self.session.cloudformation();
                call(self.client()).await.map_err(|e| self.failed(e))
            }
            other => other.map_err(|e| self.failed(e)),
        }
    }

    /// The stack as it is now; a stack that is gone is a failure of its own (`DELETED`).
    pub async fn describe(&self, stack: &str) -> Result<Stack, StackError> {
        let described = self
            .call(|client| async move {
                client
                    .describe_stacks()
                    .stack_name(stack)
                    .send()
                    .await
                    .map_err(AwsError::from_sdk)
            })
            .await?;
        described
            .stacks()
            .first()
            .cloned()
            .ok_or_else(|| StackError::Failed {
                stack_name: self.stack_name.clone(),
                stack_id: stack.to_string(),
                region: self.session.region().to_string(),
                status: "DELETED".into(),
                failures: Vec::new(),
            })
    }

    /// The events not in `seen` yet, oldest first (they are added to it).
    pub async fn new_events(
        &self,
        stack: &str,
        seen: &mut HashSet<String>,
    ) -> Result<Vec<StackEvent>, StackError> {
        let events = self
            .call(|client| async move {
                client
                    .describe_stack_events()
                    .stack_name(stack)
                    .send()
                    .await
                    .map_err(AwsError::from_sdk)
            })
            .await?;
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
}
