//! Credentials for a project's AWS settings, with the front end's part of it: warnings about the profile
//! files, the MFA prompt in the original's words (or the code from `--mfa-code` / `AMPLIFY_RS_MFA_CODE`
//! when there is no terminal), and the cache's warnings.

use std::path::Path;

use amplify_cache::{CredentialCache, ProjectKey};
use amplify_creds::{Credentials, Secret};
use amplify_profile::{FileLocations, ProfileSet};
use amplify_project::{AccessKeysFile, AwsAuth};
use amplify_sts::session::{Origin, SessionEvents, project_credentials};
use amplify_sts::{AwsContext, MfaCodeSource, MfaError, MfaRequest, StsService, validate_code};
use anyhow::Context as _;
use aws_credential_types::provider::ProvideCredentials as _;
use time::OffsetDateTime;

use crate::context::Ctx;
use crate::errors::UserError;
use crate::printer::Printer;
use crate::prompt::Prompter;

/// Credentials, the region they are for, and the SDK settings to use them with.
#[derive(Debug)]
pub struct Session {
    pub credentials: Credentials,
    pub region: String,
    pub context: AwsContext,
}

impl Session {
    pub fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        aws_sdk_cloudformation::Client::new(
            &self.context.config_for(&self.credentials, &self.region),
        )
    }
}

/// The profiles of the user's files, with their warnings printed once.
pub fn load_profiles(ctx: &Ctx) -> anyhow::Result<ProfileSet> {
    let files = FileLocations::from_env(&ctx.home, |name| ctx.var(name));
    let set = ProfileSet::load(&files)?;
    for warning in set.warnings() {
        ctx.printer.warn(warning.to_string());
    }
    Ok(set)
}

fn env_region(ctx: &Ctx) -> Option<String> {
    ctx.var("AWS_REGION")
        .or_else(|| ctx.var("AWS_DEFAULT_REGION"))
}

/// Credentials for `auth`, obtained for the project rooted at `root` (which may not be initialised yet).
pub async fn obtain(ctx: &Ctx, root: &Path, auth: &PendingAuth) -> anyhow::Result<Session> {
    match auth {
        PendingAuth::Profile(name) => {
            let set = load_profiles(ctx)?;
            let chain = set.resolve(name)?;
            let region = chain
                .region
                .clone()
                .or_else(|| env_region(ctx))
                .ok_or_else(|| {
                    UserError::new(
                        format!("profile {name} names no region"),
                        format!(
                            "add `region = us-east-1` (or your region) to [profile {name}] in {}",
                            set.files().config.display()
                        ),
                    )
                })?;
            let context = AwsContext::load(Some(name)).await;
            let sts = StsService::new(context.clone());
            let cache = CredentialCache::in_home(&ctx.home);
            let project = ProjectKey::for_root(root)
                .with_context(|| format!("cannot resolve the folder {}", root.display()))?;
            let mfa = CliMfa {
                printer: &ctx.printer,
                given: ctx.mfa_code.clone().map(Secret::new),
            };
            let events = Events {
                printer: &ctx.printer,
            };
            let obtained = project_credentials(
                &sts,
                &cache,
                &project,
                &chain,
                &mfa,
                &events,
                OffsetDateTime::now_utc,
            )
            .await?;
            for warning in &obtained.warnings {
                ctx.printer.warn(warning.to_string());
            }
            match obtained.origin {
                Origin::Cache => ctx.printer.debug(format!(
                    "using cached credentials of profile {name} for this project"
                )),
                Origin::Sts => ctx.printer.debug(format!(
                    "assumed {} and cached the credentials",
                    chain.hops.last().map_or("", |h| h.role_arn.as_str())
                )),
                Origin::Base => ctx
                    .printer
                    .debug(format!("using the credentials of profile {name}")),
            }
            Ok(Session {
                credentials: obtained.credentials,
                region,
                context,
            })
        }
        PendingAuth::AccessKeys(keys) => Ok(Session {
            credentials: keys.credentials.clone(),
            region: keys.region.clone(),
            context: AwsContext::load(None).await,
        }),
        PendingAuth::Stored(path) => {
            let keys = AccessKeysFile::read(path)?;
            Ok(Session {
                credentials: keys.credentials,
                region: keys.region,
                context: AwsContext::load(None).await,
            })
        }
        PendingAuth::General => {
            let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            let provider = config.credentials_provider().ok_or_else(|| {
                UserError::new(
                    "no AWS credentials were found",
                    "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                )
            })?;
            let sdk = provider.provide_credentials().await.map_err(|e| {
                UserError::new(
                    format!("no AWS credentials were found: {e}"),
                    "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile with `amplify-rs configure project`",
                )
            })?;
            let region = config
                .region()
                .map(|r| r.to_string())
                .or_else(|| env_region(ctx))
                .ok_or_else(|| {
                    UserError::new(
                        "no AWS region is set",
                        "set AWS_REGION, or a region in your default profile",
                    )
                })?;
            let credentials = Credentials {
                access_key_id: sdk.access_key_id().to_string(),
                secret_access_key: Secret::new(sdk.secret_access_key()),
                session_token: sdk.session_token().map(Secret::new),
                expiration: sdk.expiry().map(OffsetDateTime::from),
            };
            Ok(Session {
                credentials,
                region,
                context: AwsContext::load(None).await,
            })
        }
    }
}

/// An authentication choice before it is recorded: access keys are written to their file only once the
/// project is written, so a failed init leaves no keys behind.
#[derive(Clone, Debug)]
pub enum PendingAuth {
    Profile(String),
    AccessKeys(AccessKeysFile),
    /// An existing keys file of the project.
    Stored(std::path::PathBuf),
    General,
}

impl PendingAuth {
    pub fn from_stored(auth: &AwsAuth) -> anyhow::Result<PendingAuth> {
        Ok(match auth {
            AwsAuth::Profile { profile_name } => PendingAuth::Profile(profile_name.clone()),
            AwsAuth::AccessKeys { path } => PendingAuth::Stored(path.clone()),
            AwsAuth::General => PendingAuth::General,
            AwsAuth::Other(value) => {
                return Err(UserError::new(
                    format!(
                        "this environment's AWS setting is not supported by amplify-rs: {value}"
                    ),
                    "choose a profile with `amplify-rs configure project`",
                )
                .into());
            }
        })
    }

    /// Records the choice: writes the keys file, if any, mode 0600.
    pub fn commit(&self, home: &Path) -> anyhow::Result<AwsAuth> {
        Ok(match self {
            PendingAuth::Profile(name) => AwsAuth::Profile {
                profile_name: name.clone(),
            },
            PendingAuth::AccessKeys(keys) => AwsAuth::AccessKeys {
                path: keys.create(home)?,
            },
            PendingAuth::Stored(path) => AwsAuth::AccessKeys { path: path.clone() },
            PendingAuth::General => AwsAuth::General,
        })
    }
}

struct Events<'a> {
    printer: &'a Printer,
}

impl SessionEvents for Events<'_> {
    fn waiting_for_other_process(&self) {
        self.printer.info(
            "Waiting for another amplify-rs process that is getting this project's credentials...",
        );
    }
}

/// MFA codes from the flag or variable, else from the person at the terminal.
struct CliMfa<'a> {
    printer: &'a Printer,
    given: Option<Secret>,
}

impl MfaCodeSource for CliMfa<'_> {
    fn code(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        if let Some(code) = &self.given {
            if let Some(reason) = request.rejected_because {
                return Err(MfaError::Unavailable {
                    reason: format!(
                        "STS rejected the MFA code given with --mfa-code or AMPLIFY_RS_MFA_CODE: {reason}"
                    ),
                    hint: "pass the code your MFA device shows now; each code can be used once"
                        .into(),
                });
            }
            return match validate_code(code.expose()) {
                Ok(()) => Ok(code.clone()),
                Err(why) => Err(MfaError::Unavailable {
                    reason: format!(
                        "the MFA code given with --mfa-code or AMPLIFY_RS_MFA_CODE is not valid: {why}"
                    ),
                    hint: "pass the 6 digits your MFA device shows".into(),
                }),
            };
        }
        if !self.printer.is_interactive() {
            return Err(MfaError::Unavailable {
                reason: format!(
                    "profile {} needs an MFA code from {} and there is no terminal to ask for it",
                    request.profile, request.mfa_serial
                ),
                hint: "pass --mfa-code CODE, or set AMPLIFY_RS_MFA_CODE (which stays out of the process list)".into(),
            });
        }
        if let Some(reason) = request.rejected_because {
            self.printer.warn(format!(
                "STS rejected the code: {reason} Try the next code your device shows."
            ));
        } else {
            self.printer.info(format!(
                "Profile {} is configured to assume role",
                request.profile
            ));
            self.printer.info(format!("  {}", request.role_arn));
            self.printer
                .info("It requires MFA authentication. The MFA device is");
            self.printer.info(format!("  {}", request.mfa_serial));
        }
        let prompter = Prompter::new(self.printer);
        match prompter.secret("Enter the MFA token code:", |code| {
            validate_code(code).map_err(str::to_string)
        }) {
            Ok(code) => Ok(Secret::new(code)),
            Err(error) if error.downcast_ref::<UserError>().is_some() => Err(MfaError::Cancelled),
            Err(error) => Err(MfaError::Unavailable {
                reason: format!("cannot read the MFA code: {error:#}"),
                hint: "pass --mfa-code CODE, or set AMPLIFY_RS_MFA_CODE".into(),
            }),
        }
    }
}
