//! An environment in the cloud, as a person sees it: its root stack created (the original's line, a spinner,
//! the stack's events as they come, and on failure each failed resource with its reason), its state stored
//! in the deployment bucket, or both read back to pull it.

use std::time::Duration;

use amplify_project::{CloudBackend, StackOutputs};
use amplify_provider::{DeploymentBucket, Pulled};
use amplify_stack::{
    CreatedStack, RootStack, StackError, StackEvent, create_root_stack, delete_root_stack,
};
use amplify_sts::Session;
use console::style;

use crate::context::Ctx;
use crate::errors::Outcome;
use amplify_term::Prompter;
use amplify_term::interrupt;

/// How often the stack is polled while CloudFormation works.
const POLL: Duration = Duration::from_secs(3);

/// What to do with a stack this run created when the run cannot finish: a stack left in another company's
/// account costs them and blocks nothing, but it must not be left there unasked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cleanup {
    /// Ask the person (default yes).
    Ask,
    /// `--yes`: delete it.
    Delete,
}

fn print_event(ctx: &Ctx, event: &StackEvent) {
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
}

/// Offers to delete `created` (a stack that failed, or one whose environment could not be finished), as
/// `cleanup` says; a stack kept is named with the command that deletes it. Failures to delete are warnings:
/// the error the caller returns is the one that stopped the run. Whether the stack is gone.
pub async fn offer_deletion(
    ctx: &Ctx,
    session: &Session,
    created: &CreatedStack,
    cleanup: Cleanup,
) -> bool {
    let name = &created.stack_name;
    let keep_command = format!(
        "aws cloudformation delete-stack --stack-name {name} --region {}",
        session.region()
    );
    let delete = match cleanup {
        Cleanup::Delete => true,
        Cleanup::Ask => Prompter::new(&ctx.printer)
            .confirm(
                &format!(
                    "Delete the stack {name} this run created, so nothing is left in the account?"
                ),
                true,
            )
            .unwrap_or(false),
    };
    if !delete {
        ctx.printer.note(format!(
            "The stack {name} was left in the account; to delete it: {keep_command}"
        ));
        return false;
    }
    let spinner = ctx.printer.spinner(format!("Deleting stack {name}"));
    let result =
        delete_root_stack(session, created, POLL, &mut |event| print_event(ctx, event)).await;
    drop(spinner);
    match result {
        Ok(deletion) => {
            ctx.printer.success(format!("Deleted stack {name}"));
            for (bucket, why) in &deletion.kept_buckets {
                ctx.printer.warn(format!(
                    "the bucket {bucket} was kept ({why}); to delete it: aws s3 rb s3://{bucket} --force"
                ));
            }
            true
        }
        Err(error) => {
            ctx.printer.warn(format!(
                "the stack {name} could not be deleted: {error}; to delete it: {keep_command}"
            ));
            false
        }
    }
}

/// Creates the root stack of `env` and waits for it; a stack that fails is offered for deletion.
pub async fn root_stack(
    ctx: &Ctx,
    session: &Session,
    (project, env): (&str, &str),
    (tags, boundary): (&[(String, String)], Option<&str>),
    cleanup: Cleanup,
) -> anyhow::Result<StackOutputs> {
    let stack = RootStack::for_environment(project, env, tags)
        .with_permissions_boundary(boundary.map(str::to_string));
    ctx.printer.info(format!(
        "Deploying resources into {env} environment. This will take a few minutes."
    ));
    let spinner = ctx.printer.spinner(format!(
        "Deploying root stack {} in {}",
        stack.stack_name,
        session.region()
    ));
    let _deploying = interrupt::Phase::Started(format!(
        "Interrupted: no project file was written, but the stack {} may still be being created in AWS. Delete it in the CloudFormation console if you do not run init again.",
        stack.stack_name
    ))
    .enter();
    let result = create_root_stack(session, &stack, POLL, &mut |e| print_event(ctx, e)).await;
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
            let deleted = match error.created_stack() {
                Some(created) => offer_deletion(ctx, session, &created, cleanup).await,
                None => false,
            };
            let error = anyhow::Error::new(error);
            Err(if deleted {
                error.context(Outcome {
                    message: "Initialization of project failed; its stack was deleted".into(),
                    hint: Some(
                        "fix the cause shown above (often a permission the role lacks), then run the command again".into(),
                    ),
                })
            } else {
                error.context("Initialization of project failed")
            })
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
