//! The project's root CloudFormation stack, as the original creates it: its name
//! (`amplify-<project>-<env>-<5 random>`), its template (the deployment bucket, a policy refusing plain
//! HTTP to it, and the auth and unauth roles), CreateStack with the project's tags, the wait for
//! CREATE_COMPLETE with each new stack event reported to the caller, and the outputs that go into the
//! project files. The stack is created with the caller's session (renewed between calls, and once more if
//! AWS says it has expired); the caller owns the display.
//!
//! A stack whose creation fails is waited for until its rollback ends and reported with each failed
//! resource and its reason ([`StackError::Failed`]); [`delete_root_stack`] deletes it, and the empty
//! deployment bucket its rollback kept, so the front end can offer to leave the account as it was.

mod calls;
mod create;
mod delete;
mod error;
mod metadata;
mod template;

pub use create::{RootStack, StackEvent, create_root_stack, stack_outputs};
pub use delete::{Deletion, delete_root_stack};
pub use error::{CreatedStack, Operation, StackError};
pub use metadata::{hydrate_tags, normalize_stack_name, root_stack_name};
pub use template::template;
