//! The project's root CloudFormation stack, as the original creates it: its name
//! (`amplify-<project>-<env>-<5 random>`), its template (the deployment bucket, a policy refusing plain
//! HTTP to it, and the auth and unauth roles), CreateStack with the project's tags, the wait for
//! CREATE_COMPLETE with each new stack event reported to the caller, and the outputs that go into the
//! project files. The caller builds the CloudFormation client (with the project's credentials) and owns
//! the display.

mod create;
mod template;

pub use create::{BoxError, RootStack, StackError, StackEvent, create_root_stack};
pub use template::{normalize_stack_name, root_stack_name, template};
