//! What can go wrong with the root stack, each error naming the stack and, through [`StackError::hint`],
//! saying what to do.

use amplify_aws::{AwsError, Service};
use amplify_sts::StsError;

use crate::create::StackEvent;

/// What amplify-rs was doing with the stack when a call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Creating,
    Reading,
    Deleting,
}

impl Operation {
    fn verb(self) -> &'static str {
        match self {
            Operation::Creating => "create",
            Operation::Reading => "read",
            Operation::Deleting => "delete",
        }
    }

    fn gerund(self) -> &'static str {
        match self {
            Operation::Creating => "creating",
            Operation::Reading => "reading",
            Operation::Deleting => "deleting",
        }
    }
}

/// A stack this run of amplify-rs created and the user may want gone: what [`crate::delete_root_stack`]
/// deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedStack {
    pub stack_name: String,
    pub stack_id: String,
    /// Created whole, for an environment that could not be finished afterwards.
    unfinished: bool,
}

impl CreatedStack {
    /// A stack whose creation failed ([`StackError::created_stack`] gives it): deleted only once its
    /// rollback has ended, its kept buckets only if empty.
    pub fn failed(stack_name: impl Into<String>, stack_id: impl Into<String>) -> CreatedStack {
        CreatedStack {
            stack_name: stack_name.into(),
            stack_id: stack_id.into(),
            unfinished: false,
        }
    }

    /// A stack this run created whole for an environment it could not finish (its state not stored in the
    /// deployment bucket, its project files not written): deleted although CREATE_COMPLETE, and its
    /// deployment bucket emptied of what this run put there, so the account is left as before the run.
    /// Never give it a stack an earlier run created: that is a working environment.
    pub fn unfinished(stack_name: impl Into<String>, stack_id: impl Into<String>) -> CreatedStack {
        CreatedStack {
            unfinished: true,
            ..CreatedStack::failed(stack_name, stack_id)
        }
    }

    pub fn is_unfinished(&self) -> bool {
        self.unfinished
    }
}

fn call_failed(stack_name: &str, operation: Operation, source: &AwsError) -> String {
    if source.is_no_answer() {
        format!(
            "cannot reach CloudFormation while {} stack {stack_name}",
            operation.gerund()
        )
    } else {
        format!(
            "CloudFormation refused to {} stack {stack_name}: {source}",
            operation.verb()
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("{}", call_failed(stack_name, *operation, source))]
    Call {
        stack_name: String,
        operation: Operation,
        #[source]
        source: AwsError,
    },
    #[error("cannot renew the credentials while working on stack {stack_name}")]
    Credentials {
        stack_name: String,
        #[source]
        source: StsError,
    },
    /// The stack's creation failed; it exists (rolled back) until someone deletes it.
    #[error(
        "An error occurred when creating the CloudFormation stack {stack_name}: it ended in {status}"
    )]
    Failed {
        stack_name: String,
        stack_id: String,
        region: String,
        status: String,
        /// The resources that failed, with CloudFormation's reasons.
        failures: Vec<StackEvent>,
    },
    #[error(
        "stack {stack_name} is {status}: amplify-rs deletes only a stack it has just created for an environment it could not finish, once CloudFormation is done with it"
    )]
    NotDeletable { stack_name: String, status: String },
    #[error("CloudFormation could not delete stack {stack_name}: it ended in {status}")]
    DeleteFailed {
        stack_name: String,
        status: String,
        failures: Vec<StackEvent>,
    },
}

impl StackError {
    /// The stack this failed creation left behind, for the caller to offer deleting it
    /// ([`crate::delete_root_stack`]).
    pub fn created_stack(&self) -> Option<CreatedStack> {
        match self {
            StackError::Failed {
                stack_name,
                stack_id,
                status,
                ..
            } if status != "DELETED" => Some(CreatedStack::failed(stack_name, stack_id)),
            _ => None,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            StackError::Call { source, operation: Operation::Deleting, stack_name } if source.is_access_denied() => Some(format!(
                "the role may not delete stacks: ask the account's owner to delete {stack_name}, or to allow cloudformation:DeleteStack"
            )),
            StackError::Call { source, .. } if source.is_access_denied() => Some(
                "the role needs permission for CloudFormation, S3 and IAM (see \"What the role needs\" in docs/guide.md); ask the account's owner to grant it".into(),
            ),
            StackError::Call { source, .. } if source.code() == Some("AlreadyExistsException") => {
                Some("a stack of that name exists already: run the command again for a new name".into())
            }
            StackError::Call { source, .. } => source.hint(Service::CloudFormation),
            StackError::Credentials { source, .. } => source.hint(),
            StackError::Failed { stack_name, region, .. } => Some(format!(
                "fix the cause shown above (often a permission the role lacks), delete the failed stack with `aws cloudformation delete-stack --stack-name {stack_name} --region {region}`, and run the command again"
            )),
            StackError::NotDeletable { .. } => Some(
                "wait until CloudFormation has finished with the stack, or delete it in the CloudFormation console".into(),
            ),
            StackError::DeleteFailed { .. } => Some(
                "look at the stack's events in the CloudFormation console, remove what keeps its resources from being deleted, and delete the stack again".into(),
            ),
        }
    }
}
