//! The project's root CloudFormation stack, as the original creates it: its name
//! (`amplify-<project>-<env>-<5 random>`), its template (the deployment bucket, a policy refusing plain
//! HTTP to it, and the auth and unauth roles), CreateStack with the project's tags, the wait for
//! CREATE_COMPLETE with each new stack event reported to the caller, and the outputs that go into the
//! project files. The stack is created with the caller's session (renewed between calls); the caller owns
//! the display.

mod create;
mod metadata;
mod template;

pub use create::{RootStack, StackError, StackEvent, create_root_stack, stack_outputs};
pub use metadata::{hydrate_tags, normalize_stack_name, root_stack_name};
pub use template::template;
