//! `amplify-rs awscloudformation reset-cache` (`amplify-rs aws reset-cache`): deletes this project's cached
//! temporary credentials and nothing else, with the original's two messages.

use amplify_cache::{CredentialCache, ProjectKey};
use amplify_project::find_root;
use anyhow::Context as _;

use crate::context::Ctx;
use crate::errors::UserError;

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let root = find_root(&ctx.cwd).ok_or_else(|| {
        UserError::new(
            "Current environment cannot be determined.",
            "Use 'amplify-rs init' in the root of your app directory to create a new environment.",
        )
    })?;
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
