//! Credentials for a project's AWS settings, with the front end's part of it: warnings about the profile
//! files, where MFA codes come from (the flag or variable, a profile's `mfa_process`, else the original's
//! prompt), the messages of the cache and of waiting for another process, and SDK clients that renew their
//! credentials through the project's session.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use amplify_cache::{CacheWarning, CredentialCache, ProjectKey};
use amplify_creds::{Credentials, Secret};
use amplify_profile::{FileLocations, ProfileChain, ProfileSet};
use amplify_project::{AccessKeysFile, AwsAuth};
use amplify_sts::session::{Origin, ProjectSession, SessionEvents, SessionOptions};
use amplify_sts::{
    AwsContext, MfaCodeSource, MfaError, MfaReason, MfaRequest, StsService, validate_code,
};
use anyhow::Context as _;
use aws_credential_types::provider::{ProvideCredentials as _, SharedCredentialsProvider};
use time::OffsetDateTime;

use crate::context::Ctx;
use crate::errors::UserError;
use crate::printer::Printer;
use crate::prompt::Prompter;

/// Profile keys of amplify-rs's own (the AWS CLI ignores keys it does not know).
pub mod keys {
    /// A command printing an MFA code (as aws-vault's), for hardware keys and password managers.
    pub const MFA_PROCESS: &str = "mfa_process";
    /// `true` to get an MFA session (GetSessionToken) and assume roles from it.
    pub const MFA_SESSION: &str = "amplify_rs_mfa_session";
    /// The MFA session's length in seconds (900 to 129600; 43200 when unset).
    pub const MFA_SESSION_DURATION: &str = "amplify_rs_mfa_session_duration";
}

/// Credentials, the region they are for, and the SDK settings to use them with.
#[derive(Debug)]
pub struct Session {
    pub credentials: Credentials,
    pub region: String,
    pub context: AwsContext,
    provider: SharedCredentialsProvider,
    /// The project's session, for credentials that expire and are renewed.
    session: Option<Arc<ProjectSession>>,
    pub profile: Option<String>,
}

impl Session {
    fn fixed(credentials: Credentials, region: String, context: AwsContext) -> Session {
        let provider = SharedCredentialsProvider::new(amplify_sts::to_sdk(&credentials));
        Session {
            credentials,
            region,
            context,
            provider,
            session: None,
            profile: None,
        }
    }

    /// Renews the credentials if they are about to expire (prompting for MFA if nothing cached can renew
    /// them). Called between AWS calls, where a prompt has all the time it needs.
    pub async fn keep_fresh(&self) -> Result<(), amplify_stack::BoxError> {
        match &self.session {
            Some(session) => session.credentials().await.map(|_| ()).map_err(Into::into),
            None => Ok(()),
        }
    }

    /// SDK settings whose credentials renew through the project's session.
    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        self.context
            .config_with(self.provider.clone(), &self.region)
    }

    /// A CloudFormation client that logs its calls for `--verbose`.
    pub fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        let config = aws_sdk_cloudformation::config::Builder::from(&self.sdk_config())
            .interceptor(amplify_sts::LogCalls)
            .build();
        aws_sdk_cloudformation::Client::from_conf(config)
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

/// The MFA-session setting of a profile (its key, else `--mfa-session` / `AMPLIFY_RS_MFA_SESSION`).
fn mfa_session_option(ctx: &Ctx, set: &ProfileSet, name: &str) -> anyhow::Result<Option<u32>> {
    let profile = set.get(name).expect("resolved profiles exist");
    let enabled = match profile
        .get(keys::MFA_SESSION)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("true") => true,
        Some("false") => false,
        None => ctx.mfa_session,
        Some(other) => {
            return Err(UserError::new(
                format!(
                    "{} = {other} in profile {name} ({}) is neither true nor false",
                    keys::MFA_SESSION,
                    profile.location_of(keys::MFA_SESSION)
                ),
                format!(
                    "write {} = true or {} = false",
                    keys::MFA_SESSION,
                    keys::MFA_SESSION
                ),
            )
            .into());
        }
    };
    if !enabled {
        return Ok(None);
    }
    match profile.get(keys::MFA_SESSION_DURATION) {
        None => Ok(Some(amplify_sts::session::DEFAULT_MFA_SESSION_SECONDS)),
        Some(value) => match value.parse::<u32>() {
            Ok(seconds) if (900..=129_600).contains(&seconds) => Ok(Some(seconds)),
            _ => Err(UserError::new(
                format!(
                    "{} = {value} in profile {name} ({}) is not a number of seconds from 900 to 129600",
                    keys::MFA_SESSION_DURATION,
                    profile.location_of(keys::MFA_SESSION_DURATION)
                ),
                "GetSessionToken lasts 15 minutes to 36 hours; 43200 (12 hours) is the default",
            )
            .into()),
        },
    }
}

/// The `mfa_process` commands of a chain's hops, by MFA device.
fn mfa_processes(set: &ProfileSet, chain: &ProfileChain) -> HashMap<String, String> {
    chain
        .hops
        .iter()
        .filter_map(|hop| {
            let serial = hop.mfa_serial.clone()?;
            let command = set.get(&hop.profile)?.get(keys::MFA_PROCESS)?.to_string();
            Some((serial, command))
        })
        .collect()
}

/// The project's session for a profile, before any credentials are obtained.
pub async fn profile_session(
    ctx: &Ctx,
    root: &Path,
    name: &str,
    use_: Use,
) -> anyhow::Result<(Arc<ProjectSession>, String, AwsContext)> {
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
                    "add `region = us-east-1` (or your region) to {} in {}, or set AWS_REGION",
                    if name == "default" {
                        "[default]".to_string()
                    } else {
                        format!("[profile {name}]")
                    },
                    set.files().config.display()
                ),
            )
        })?;
    let options = SessionOptions {
        mfa_session: mfa_session_option(ctx, &set, name)?,
        extra_margin: use_.extra_margin(),
        ..SessionOptions::default()
    };
    let context = ctx.aws_context(Some(name)).await;
    let project = ProjectKey::for_root(root)
        .with_context(|| format!("cannot resolve the folder {}", root.display()))?;
    let mfa = CliMfa {
        printer: ctx.printer.clone(),
        given: std::sync::Mutex::new(ctx.mfa_code.clone().map_or(Given::None, Given::Unused)),
        processes: mfa_processes(&set, &chain),
    };
    let events = Events {
        printer: ctx.printer.clone(),
    };
    let session = ProjectSession::new(
        StsService::new(context.clone()),
        CredentialCache::in_home(&ctx.home),
        project,
        chain,
        Arc::new(mfa),
        Arc::new(events),
        options,
    );
    Ok((Arc::new(session), region, context))
}

/// Credentials for `auth`, obtained for the project rooted at `root` (which may not be initialised yet).
/// Any MFA prompt happens here, before the caller starts a spinner.
pub async fn obtain(
    ctx: &Ctx,
    root: &Path,
    auth: &PendingAuth,
    use_: Use,
) -> anyhow::Result<Session> {
    match auth {
        PendingAuth::Profile(name) => {
            let (session, region, context) = profile_session(ctx, root, name, use_).await?;
            let obtained = session.credentials().await?;
            match obtained.origin {
                Origin::Cache => ctx.printer.debug(format!(
                    "using the cached credentials of profile {name} for this project"
                )),
                Origin::Sts => ctx.printer.debug(format!(
                    "obtained credentials for profile {name} from STS and cached them"
                )),
                Origin::Base => ctx
                    .printer
                    .debug(format!("using the credentials of profile {name}")),
            }
            Ok(Session {
                credentials: obtained.credentials,
                region,
                context,
                provider: session.provider(),
                session: Some(session.clone()),
                profile: Some(name.clone()),
            })
        }
        PendingAuth::AccessKeys(keys) => Ok(Session::fixed(
            keys.credentials.clone(),
            keys.region.clone(),
            ctx.aws_context(None).await,
        )),
        PendingAuth::Stored(path) => {
            let keys = AccessKeysFile::read(path)?;
            Ok(Session::fixed(
                keys.credentials,
                keys.region,
                ctx.aws_context(None).await,
            ))
        }
        PendingAuth::General => {
            let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            let no_credentials = || {
                UserError::new(
                    "no AWS credentials were found",
                    "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile with `amplify-rs configure project`",
                )
            };
            let provider = config.credentials_provider().ok_or_else(no_credentials)?;
            let sdk = provider
                .provide_credentials()
                .await
                .map_err(|e| anyhow::Error::new(e).context(no_credentials()))?;
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
            let context = ctx.aws_context(None).await;
            Ok(Session {
                credentials,
                region,
                context,
                provider,
                session: None,
                profile: None,
            })
        }
    }
}

/// Who the credentials are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// amplify-rs's own calls: reused while more than five minutes remain, renewed as they go.
    Own,
    /// Another program (`aws credentials`): it cannot renew them through us, and the AWS CLI runs its
    /// credential_process again below 15 minutes, so only credentials with more than 15 minutes left go out.
    Export,
}

impl Use {
    fn extra_margin(self) -> std::time::Duration {
        match self {
            Use::Own => std::time::Duration::ZERO,
            Use::Export => std::time::Duration::from_secs(10 * 60),
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

struct Events {
    printer: Arc<Printer>,
}

impl SessionEvents for Events {
    fn waiting_for_other_process(&self, holder: Option<u32>) {
        let who = holder
            .map(|pid| format!(" (process {pid})"))
            .unwrap_or_default();
        self.printer.info(format!(
            "Waiting for another amplify-rs{who} that is getting this project's credentials..."
        ));
    }

    fn cache_warning(&self, warning: &CacheWarning) {
        self.printer.warn(warning.to_string());
    }
}

/// MFA codes from the flag or variable, a profile's `mfa_process`, else the person at the terminal.
struct CliMfa {
    printer: Arc<Printer>,
    /// The code of `--mfa-code` / `AMPLIFY_RS_MFA_CODE`. STS takes a code once, so it is handed out once; a
    /// second need (a renewal, a second hop with MFA) goes to the other sources.
    given: std::sync::Mutex<Given>,
    /// `mfa_process` commands by MFA device.
    processes: HashMap<String, String>,
}

enum Given {
    None,
    Unused(Secret),
    Used,
}

impl CliMfa {
    fn code_from_process(
        &self,
        command: &str,
        request: &MfaRequest<'_>,
    ) -> Result<Secret, MfaError> {
        let unavailable = |reason: String| MfaError::Unavailable {
            reason,
            hint: format!(
                "check the mfa_process of profile {}: it must print the 6-digit code and exit 0",
                request.profile
            ),
        };
        // stdin and stderr stay the user's, for a password manager that asks for a PIN; stdout is the code.
        let output = self.printer.suspend(|| {
            std::process::Command::new("sh")
                .arg("-c")
                .arg(command)
                .stdin(std::process::Stdio::inherit())
                .stderr(std::process::Stdio::inherit())
                .output()
        });
        let output = output.map_err(|e| {
            unavailable(format!(
                "cannot run the mfa_process of profile {}: {e}",
                request.profile
            ))
        })?;
        if !output.status.success() {
            return Err(unavailable(format!(
                "the mfa_process of profile {} failed ({})",
                request.profile, output.status
            )));
        }
        let code = String::from_utf8_lossy(&output.stdout).trim().to_string();
        validate_code(&code).map_err(|why| {
            unavailable(format!(
                "the mfa_process of profile {} printed something that is not an MFA code ({why})",
                request.profile
            ))
        })?;
        Ok(Secret::new(code))
    }
}

impl MfaCodeSource for CliMfa {
    fn code(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        let (first_use, was_given) = {
            let mut given = self.given.lock().expect("MFA lock");
            match std::mem::replace(&mut *given, Given::Used) {
                Given::Unused(code) => (Some(code), true),
                Given::Used => (None, true),
                Given::None => {
                    *given = Given::None;
                    (None, false)
                }
            }
        };
        if let Some(code) = first_use {
            return match validate_code(code.expose()) {
                Ok(()) => Ok(code),
                Err(why) => Err(MfaError::Unavailable {
                    reason: format!(
                        "the MFA code given with --mfa-code or AMPLIFY_RS_MFA_CODE is not valid: {why}"
                    ),
                    hint: "pass the 6 digits your MFA device shows".into(),
                }),
            };
        }
        if was_given
            && !self.processes.contains_key(request.mfa_serial)
            && !self.printer.is_interactive()
        {
            return Err(match (request.rejected_because, request.reason) {
                (Some(reason), _) => MfaError::Unavailable {
                    reason: format!("STS rejected the MFA code given with --mfa-code or AMPLIFY_RS_MFA_CODE: {reason}"),
                    hint: "pass the code your MFA device shows now; each code can be used once".into(),
                },
                (None, why) => MfaError::Unavailable {
                    reason: format!(
                        "profile {} needs a second MFA code ({}), and the one given with --mfa-code or AMPLIFY_RS_MFA_CODE is used up",
                        request.profile,
                        match why {
                            MfaReason::Renew { .. } => "its session is about to expire",
                            MfaReason::Obtain => "another hop of its chain asks for one",
                        }
                    ),
                    hint: "for long runs without a terminal, give the profile an mfa_process, use an MFA session (amplify_rs_mfa_session = true), or a longer duration_seconds".into(),
                },
            });
        }
        if let Some(command) = self.processes.get(request.mfa_serial) {
            if let Some(reason) = request.rejected_because {
                self.printer.warn(format!(
                    "STS rejected the code from mfa_process: {reason} Running it again."
                ));
            }
            return self.code_from_process(command, request);
        }
        if !self.printer.is_interactive() {
            return Err(MfaError::Unavailable {
                reason: format!(
                    "profile {} needs an MFA code from {} and there is no terminal to ask for it",
                    request.profile, request.mfa_serial
                ),
                hint: "pass --mfa-code CODE, or set AMPLIFY_RS_MFA_CODE (which stays out of the process list), or give the profile an mfa_process".into(),
            });
        }
        if let Some(reason) = request.rejected_because {
            self.printer.warn(format!(
                "STS rejected the code: {reason} Try the next code your device shows."
            ));
        } else {
            if let MfaReason::Renew { expiring } = request.reason {
                let at = expiring
                    .format(&time::macros::format_description!(
                        "[hour]:[minute]:[second] UTC"
                    ))
                    .unwrap_or_default();
                self.printer.note(format!(
                    "The session of profile {} expires at {at}, and nothing cached can renew it without a new MFA code.",
                    request.profile
                ));
            }
            match request.role_arn {
                Some(role_arn) => {
                    self.printer.info(format!(
                        "Profile {} is configured to assume role",
                        request.profile
                    ));
                    self.printer.info(format!("  {role_arn}"));
                    self.printer
                        .info("It requires MFA authentication. The MFA device is");
                }
                None => self.printer.info(format!(
                    "Profile {} starts an MFA session with the MFA device",
                    request.profile
                )),
            }
            self.printer.info(format!("  {}", request.mfa_serial));
        }
        let prompter = Prompter::new(&self.printer);
        match prompter.secret("Enter the MFA token code:", |code| {
            validate_code(code).map_err(str::to_string)
        }) {
            Ok(code) => Ok(Secret::new(code)),
            Err(error) => Err(MfaError::Unavailable {
                reason: format!("cannot read the MFA code: {error:#}"),
                hint: "pass --mfa-code CODE, or set AMPLIFY_RS_MFA_CODE".into(),
            }),
        }
    }
}
