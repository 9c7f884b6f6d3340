//! Deleting a root stack a failed init created, so it does not stay in someone else's account: DeleteStack,
//! the wait for DELETE_COMPLETE with each new event reported, then the buckets the stack's DeletionPolicy
//! kept (the deployment bucket is Retain, so CloudFormation's rollback and deletion keep it). A stack whose
//! creation failed is deleted once its rollback has ended, its kept buckets only if empty; a stack created
//! whole for an environment the run could not finish ([`CreatedStack::unfinished`]) is deleted although
//! complete, its deployment bucket emptied first. Any other stack is refused: this never deletes a working
//! environment.

use std::time::Duration;

use amplify_aws::AwsError;
use amplify_aws::cloudformation::types::StackStatus;
use amplify_sts::Session;

use crate::calls::StackCalls;
use crate::create::{Events, StackEvent};
use crate::error::{CreatedStack, Operation, StackError};

/// The statuses of a stack whose creation failed and that CloudFormation has finished with.
const DELETABLE: [&str; 4] = [
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "CREATE_FAILED",
    "DELETE_FAILED",
];

/// What deleting a failed stack did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deletion {
    pub stack_name: String,
    /// Buckets the stack had kept, now deleted.
    pub deleted_buckets: Vec<String>,
    /// Buckets left in the account, and why (not empty, or S3 refused).
    pub kept_buckets: Vec<(String, String)>,
}

/// Deletes `stack` (from [`StackError::created_stack`], or [`CreatedStack::unfinished`]), reporting each new
/// event to `on_event`, then the buckets it kept (see the module's documentation for which). A stack in any
/// other state is refused ([`StackError::NotDeletable`]); one already deleted is not an error.
pub async fn delete_root_stack(
    session: &Session,
    stack: &CreatedStack,
    poll: Duration,
    on_event: &mut dyn FnMut(&StackEvent),
) -> Result<Deletion, StackError> {
    let calls = StackCalls::new(session, &stack.stack_name, Operation::Deleting);
    let id = stack.stack_id.as_str();
    let mut deletion = Deletion {
        stack_name: stack.stack_name.clone(),
        deleted_buckets: Vec::new(),
        kept_buckets: Vec::new(),
    };
    let status = calls
        .describe(id)
        .await?
        .stack_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    if status == "DELETE_COMPLETE" {
        return Ok(deletion);
    }
    let complete_but_unfinished = stack.is_unfinished() && status == "CREATE_COMPLETE";
    if !DELETABLE.contains(&status.as_str()) && !complete_but_unfinished {
        return Err(StackError::NotDeletable {
            stack_name: stack.stack_name.clone(),
            status,
        });
    }
    let buckets = kept_buckets(&calls, id).await?;
    // The events until now are the creation's: only the deletion's are reported.
    let mut events = Events::default();
    calls.new_events(id, &mut events.seen).await?;
    calls
        .call(|client| async move {
            client
                .delete_stack()
                .stack_name(id)
                .client_request_token(format!("{}-delete", stack.stack_name))
                .send()
                .await
                .map_err(AwsError::from_sdk)
        })
        .await?;
    wait_for_deletion(&calls, id, poll, &mut events, on_event).await?;
    for bucket in buckets {
        match delete_bucket(session, &bucket, stack.is_unfinished()).await {
            Ok(Some(())) => deletion.deleted_buckets.push(bucket),
            Ok(None) => {}
            Err(why) => deletion.kept_buckets.push((bucket, why)),
        }
    }
    Ok(deletion)
}

async fn wait_for_deletion(
    calls: &StackCalls<'_>,
    id: &str,
    poll: Duration,
    events: &mut Events,
    on_event: &mut dyn FnMut(&StackEvent),
) -> Result<(), StackError> {
    loop {
        events.poll(calls, id, on_event).await?;
        match calls.describe(id).await?.stack_status() {
            Some(StackStatus::DeleteComplete) => return Ok(()),
            Some(status) if status.as_str().ends_with("_IN_PROGRESS") => {
                tokio::time::sleep(poll).await
            }
            None => tokio::time::sleep(poll).await,
            Some(other) => {
                let _ = events.poll(calls, id, on_event).await;
                return Err(StackError::DeleteFailed {
                    stack_name: calls.stack_name.clone(),
                    status: other.as_str().to_string(),
                    failures: events.failures(),
                });
            }
        }
    }
}

/// The buckets of the stack (those its rollback kept are still listed, DELETE_SKIPPED).
async fn kept_buckets(calls: &StackCalls<'_>, id: &str) -> Result<Vec<String>, StackError> {
    let resources = calls
        .call(|client| async move {
            client
                .list_stack_resources()
                .stack_name(id)
                .send()
                .await
                .map_err(AwsError::from_sdk)
        })
        .await?;
    Ok(resources
        .stack_resource_summaries()
        .iter()
        .filter(|r| r.resource_type() == Some("AWS::S3::Bucket"))
        .filter_map(|r| r.physical_resource_id())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect())
}

/// At most this many objects are removed from an unfinished environment's bucket: a run stores a handful.
const MAX_OBJECTS_REMOVED: usize = 1000;

/// Deletes `bucket`, emptying it first if `empty_it` (else only if it is empty): `Some` when deleted, `None`
/// when it was gone already, `Err` with why it was kept.
async fn delete_bucket(
    session: &Session,
    bucket: &str,
    empty_it: bool,
) -> Result<Option<()>, String> {
    session.keep_fresh().await.map_err(|e| e.to_string())?;
    let s3 = session.s3();
    let mut removed = 0;
    loop {
        let listed = s3
            .list_objects_v2()
            .bucket(bucket)
            .max_keys(100)
            .send()
            .await
            .map_err(AwsError::from_sdk);
        let keys: Vec<String> = match listed {
            Err(error) if error.code() == Some("NoSuchBucket") => return Ok(None),
            Err(error) => return Err(format!("S3 refused to list it: {error}")),
            Ok(listed) => listed
                .contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_string))
                .collect(),
        };
        if keys.is_empty() {
            break;
        }
        if !empty_it || removed >= MAX_OBJECTS_REMOVED {
            return Err("it holds files: delete them, then the bucket".into());
        }
        for key in keys {
            s3.delete_object()
                .bucket(bucket)
                .key(&key)
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "S3 refused to delete {key} from it: {}",
                        AwsError::from_sdk(e)
                    )
                })?;
            removed += 1;
        }
    }
    match s3.delete_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(Some(())),
        Err(error) => {
            let error = AwsError::from_sdk(error);
            if error.code() == Some("NoSuchBucket") {
                Ok(None)
            } else {
                Err(format!("S3 refused to delete it: {error}"))
            }
        }
    }
}
