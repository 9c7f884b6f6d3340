//! An environment in the cloud, as a person sees it: its root stack created (the original's line, a spinner,
//! the stack's events as they come, and on failure each failed resource with its reason), its state stored
//! in the deployment bucket, or both read back to pull it.

use std::time::Duration;

use amplify_project::{CloudBackend, StackOutputs};
use amplify_provider::{DeploymentBucket, Pulled};
use amplify_stack::{RootStack, StackError, create_root_stack};
use amplify_sts::Session;
use console::style;

use crate::context::Ctx;
use crate::interrupt;

/// How often the stack is polled while CloudFormation works.
const POLL: Duration = Duration::from_secs(3);

/// Creates the root stack of `env` and waits for it.
pub async fn root_stack(
    ctx: &Ctx,
    session: &Session,
    project: &str,
    env: &str,
    tags: &[(String, String)],
) -> anyhow::Result<StackOutputs> {
    let stack = RootStack::for_environment(project, env, tags);
    ctx.printer.info(format!(
        "Deploying resources into {env} environment. This will take a few minutes."
    ));
    let spinner = ctx.printer.spinner(format!(
        "Deploying root stack {} in {}",
        stack.stack_name,
        session.region()
    ));
    let _deploying = interrupt::Phase::Deploying(stack.stack_name.clone()).enter();
    let result = create_root_stack(session, &stack, POLL, &mut |event| {
        let status = if event.status.ends_with("_FAILED") {
            style(&event.status).red()
        } else if event.status.ends_with("_COMPLETE") {
            style(&event.status).green()
        } else {
            style(&event.status).dim()
        };
        ctx.printer.info(format!(
            "  {} {} {status}",
            event.logical_id,
            style(&event.resource_type).dim()
        ));
    })
    .await;
    drop(spinner);
    match result {
        Ok(outputs) => {
            ctx.printer
                .success(format!("Deployed root stack {}", stack.stack_name));
            Ok(StackOutputs(outputs))
        }
        Err(error) => {
            if let StackError::Failed { failures, .. } = &error
                && !failures.is_empty()
            {
                let p = &ctx.printer;
                p.info(
                    style("The following resources failed to deploy:")
                        .red()
                        .to_string(),
                );
                for failure in failures {
                    let reason = failure.reason.as_deref().unwrap_or("no reason given");
                    p.info(format!(
                        "  {} ({}): {reason}",
                        failure.logical_id, failure.resource_type
                    ));
                }
            }
            Err(anyhow::Error::new(error).context("Initialization of project failed"))
        }
    }
}

/// Stores a new environment's state in its deployment bucket, as the original does after its init, so the
/// original's `amplify push` and a teammate's init find it.
pub async fn store_state(
    ctx: &Ctx,
    session: &Session,
    outputs: &StackOutputs,
    backend: &CloudBackend,
    cli_json: &str,
) -> anyhow::Result<()> {
    let bucket = outputs.get("DeploymentBucketName").unwrap_or_default();
    let _spinner = ctx.printer.spinner("Uploading files");
    DeploymentBucket::new(session, bucket)
        .store(backend, cli_json.as_bytes())
        .await?;
    Ok(())
}

/// Reads an existing environment's state and its stack's outputs, writing nothing.
pub async fn pull(
    ctx: &Ctx,
    session: &Session,
    env: &str,
    recorded: &StackOutputs,
) -> anyhow::Result<(Pulled, StackOutputs)> {
    let _spinner = ctx.printer.spinner(format!(
        "Fetching updates to backend environment: {env} from the cloud"
    ));
    let bucket = recorded.get("DeploymentBucketName").unwrap_or_default();
    let pulled = DeploymentBucket::new(session, bucket).fetch().await?;
    let stack = recorded.stack_name().unwrap_or_default();
    let outputs = amplify_stack::stack_outputs(session, stack).await?;
    Ok((pulled, StackOutputs(outputs)))
}
