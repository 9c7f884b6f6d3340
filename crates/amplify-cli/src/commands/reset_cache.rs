//! `amplify-rs awscloudformation reset-cache` (`amplify-rs aws reset-cache`): deletes this project's cached
//! temporary credentials and nothing else, with the original's two messages.

use amplify_cache::{CredentialCache, ProjectKey};
use anyhow::Context as _;

use crate::cli::ProjectArg;
use crate::commands::aws::project_root;
use crate::context::Ctx;

pub fn run(ctx: &Ctx, project: &ProjectArg) -> anyhow::Result<()> {
    let root = project_root(ctx, project)?;
    let key = ProjectKey::for_root(&root)
        .with_context(|| format!("cannot resolve the folder {}", root.display()))?;
    let removal = CredentialCache::in_home(&ctx.home).remove_project(&key)?;
    for warning in &removal.warnings {
        ctx.printer.warn(warning.to_string());
    }
    if removal.removed > 0 {
        ctx.printer
            .success("  Cached temp credentials are deleted for the project.");
    } else {
        ctx.printer
            .info("  No temp credentials are cached for the project.");
    }
    ctx.printer.blank();
    Ok(())
}
