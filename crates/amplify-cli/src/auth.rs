//! The front end's use of an environment's authentication method: resolved with the process's profiles,
//! and turned into a session whose credentials are obtained before any spinner starts.

use std::path::Path;

use amplify_creds::Credentials;
use amplify_provider::EnvAuth;
use amplify_sts::{Origin, Purpose, Session};

use crate::context::Ctx;

/// The session of `auth`, with credentials obtained now: any MFA prompt happens here.
pub async fn obtain(
    ctx: &Ctx,
    auth: &EnvAuth,
    root: &Path,
    purpose: Purpose,
) -> anyhow::Result<(Session, Credentials)> {
    let session = auth.session(ctx.sessions()?, ctx.profiles()?, root, purpose)?;
    let obtained = session.credentials().await?;
    let profile = session.profile().unwrap_or("(keys)");
    ctx.printer.debug(match obtained.origin {
        Origin::Cache => {
            format!("using the cached credentials of profile {profile} for this project")
        }
        Origin::Sts => {
            format!("obtained credentials for profile {profile} from STS and cached them")
        }
        Origin::Base => format!("using the credentials of profile {profile}"),
    });
    Ok((session, obtained.credentials))
}
