//! The command line, as clap reads it. Flags keep the original's names where scripts use them
//! (`--amplify`, `--frontend`, `--providers`, `--yes`); every prompt has a flag or variable for scripts.

use amplify_creds::Secret;
use amplify_project::headless::{HeadlessFlags, read_flags};
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "amplify-rs",
    version,
    about = "Initialise and configure Amplify projects that deploy through an IAM role with MFA",
    long_about = "Initialise and configure Amplify projects that deploy into another AWS account through an IAM role, \
with MFA and an external ID, the way the AWS CLI reads ~/.aws/config. Temporary credentials are cached per project \
in ~/.amplify/awscloudformation/cache.json.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The MFA code and `--providers` (which may hold a secret key) are [`Secret`]s: no `{:?}` shows them.
#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// Print only warnings and errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log each AWS call (never with secrets) and each file written.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// The MFA code, for runs without a terminal. Prefer the variable: a flag shows in `ps`.
    #[arg(
        long,
        global = true,
        env = "AMPLIFY_RS_MFA_CODE",
        hide_env_values = true,
        value_name = "CODE"
    )]
    pub mfa_code: Option<Secret>,
    /// Exchange the source keys for an MFA session (GetSessionToken) and assume roles from it, so that
    /// switching roles that share an MFA device asks for one code per session. Also
    /// `AMPLIFY_RS_MFA_SESSION=1`, the setting `mfa.session = true` and the profile key
    /// `amplify_rs_mfa_session = true`.
    #[arg(long, global = true)]
    pub mfa_session: bool,
    /// Colours: auto (when the output is a terminal), always or never. Also `NO_COLOR` and the setting
    /// `ui.color`.
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorWhen>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    pub fn as_str(self) -> &'static str {
        match self {
            ColorWhen::Auto => "auto",
            ColorWhen::Always => "always",
            ColorWhen::Never => "never",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Initialise a project in this folder, or add an environment to the project here.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// Set up a new IAM user's keys in a profile; `configure project` changes a project's settings.
    #[command(
        after_help = "Without a subcommand: asks for the region, the access keys of an IAM user created in the console,\nand a profile name, then writes the keys into ~/.aws/credentials and the region into ~/.aws/config,\nchanging no other line of either file."
    )]
    Configure(ConfigureArgs),
    /// Commands of the awscloudformation provider.
    #[command(subcommand, name = "awscloudformation", visible_aliases = ["aws", "awscfn"])]
    Awscloudformation(AwsCommand),
    /// Run a program with the project's AWS session (the original CLI's `amplify push` among them).
    #[command(after_help = EXEC_EXAMPLES)]
    Exec(ExecArgs),
    /// Show or change amplify-rs's own settings: your settings file, or the project's amplify-rs.toml.
    #[command(subcommand, after_help = CONFIG_EXAMPLES)]
    Config(ConfigCommand),
    /// Print a completion script for your shell.
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the command reference in Markdown (docs/reference.md is made with it).
    #[command(hide = true)]
    GenerateReference,
}

const COMPLETION_EXAMPLES: &str = r#"Examples:
  amplify-rs completions bash > ~/.local/share/bash-completion/completions/amplify-rs
  amplify-rs completions zsh > "${fpath[1]}/_amplify-rs"
  amplify-rs completions fish > ~/.config/fish/completions/amplify-rs.fish"#;

/// The original's headless flags, under every name it accepts them, shared by `init` and
/// `configure project`.
#[derive(Args, Debug)]
pub struct HeadlessArgs {
    /// Project settings as JSON: {"projectName","envName","defaultEditor"}. Also --amplify-config, --amplifyConfig.
    #[arg(long, short = 'a', value_name = "JSON", aliases = ["amplify-config", "amplifyConfig"])]
    pub amplify: Option<String>,
    /// Frontend settings as JSON: {"frontend","framework","config":{"SourceDir","DistributionDir","BuildCommand","StartCommand"}}. Also --frontend-config, --frontendConfig.
    #[arg(long, short = 'f', value_name = "JSON", aliases = ["frontend-config", "frontendConfig"])]
    pub frontend: Option<String>,
    /// Provider settings as JSON: {"awscloudformation":{"configLevel","useProfile","profileName","accessKeyId","secretAccessKey","region"}}. Also --provider, --providers-config, --providersConfig.
    #[arg(long, short = 'p', value_name = "JSON", aliases = ["provider", "providers-config", "providersConfig"])]
    pub providers: Option<Secret>,
    /// Accept the defaults and ask nothing.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

impl HeadlessArgs {
    /// The three JSON flags read with the original's rules and leniency (a javascript frontend given in part
    /// is completed from `base`); what the leniency replaced is said as a warning.
    pub fn read(
        &self,
        ctx: &crate::context::Ctx,
        base: &amplify_project::Frontend,
    ) -> anyhow::Result<HeadlessFlags> {
        let flags = read_flags(
            self.amplify.as_deref(),
            self.frontend.as_deref(),
            self.providers.as_ref().map(Secret::expose),
            base,
        )?;
        for warning in &flags.warnings {
            ctx.printer.warn(warning);
        }
        Ok(flags)
    }
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[command(flatten)]
    pub headless: HeadlessArgs,
    /// The environment's name; wins over the envName of --amplify, as in the original.
    #[arg(long = "envName", value_name = "NAME")]
    pub env_name: Option<String>,
    /// The Amplify app's id. amplify-rs creates no Amplify app: in a project that records another app id
    /// this is refused (as the original refuses it, unless AMPLIFY_SKIP_APP_ID_MISMATCH_CHECK=true), else ignored.
    #[arg(long = "appId", value_name = "ID")]
    pub app_id: Option<String>,
    /// The IAM policy that bounds the roles of the new environment (its root stack's, and every role the
    /// original's `amplify push` deploys there); kept in team-provider-info.json. A new environment without
    /// it takes the current environment's; "" for none.
    #[arg(long = "permissions-boundary", value_name = "ARN")]
    pub permissions_boundary: Option<String>,
    #[command(flatten)]
    pub ignored: IgnoredInitFlags,
}

/// Flags the original's init accepts and does nothing with here: accepted so that scripts written for it
/// run unchanged, and ignored (docs/differences.md).
#[derive(Debug, Args)]
pub struct IgnoredInitFlags {
    #[arg(long = "forcePush", hide = true)]
    pub force_push: bool,
    #[arg(long, hide = true)]
    pub debug: bool,
    #[arg(long, hide = true, value_name = "JSON")]
    /// The original's categories may hold an identity provider's secrets.
    pub categories: Option<Secret>,
    #[arg(long, hide = true, value_name = "JSON")]
    pub codegen: Option<String>,
}

const INIT_EXAMPLES: &str = r#"Examples:
  # Interactive: answer the questions, pick the role profile, type the MFA code.
  amplify-rs init

  # Headless, for CI: the MFA code comes from the environment.
  AMPLIFY_RS_MFA_CODE=123456 amplify-rs init --yes \
    --amplify '{"projectName":"myapp","envName":"dev","defaultEditor":"vscode"}' \
    --frontend '{"frontend":"javascript","framework":"react","config":{"SourceDir":"src","DistributionDir":"build","BuildCommand":"npm run-script build","StartCommand":"npm run-script start"}}' \
    --providers '{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}'

  # Inside a project: add the environment "prod".
  amplify-rs init --amplify '{"envName":"prod"}' --providers '{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}' --yes"#;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Every setting: its value here, and where that value comes from.
    List,
    /// One setting's value, as amplify-rs would use it here (text without quotes, for scripts).
    Get(ConfigKey),
    /// Write a setting into your settings file, or the project's with --project, keeping the file's
    /// comments, order and spacing.
    Set(ConfigSet),
    /// Remove a setting from your settings file, or the project's with --project.
    Unset(ConfigUnset),
}

#[derive(Debug, Args)]
pub struct ConfigKey {
    /// The setting (section.key).
    #[arg(value_name = "KEY", value_parser = setting_names())]
    pub key: String,
}

#[derive(Debug, Args)]
pub struct ConfigSet {
    /// The setting (section.key).
    #[arg(value_name = "KEY", value_parser = setting_names())]
    pub key: String,
    /// Its value: a number, true or false, or text (docs/settings.md says which).
    #[arg(value_name = "VALUE", allow_hyphen_values = true)]
    pub value: String,
    /// Write into the project's amplify-rs.toml (committed, shared with the team) instead of your file.
    #[arg(long)]
    pub project: bool,
}

#[derive(Debug, Args)]
pub struct ConfigUnset {
    /// The setting (section.key).
    #[arg(value_name = "KEY", value_parser = setting_names())]
    pub key: String,
    /// Remove it from the project's amplify-rs.toml instead of your file.
    #[arg(long)]
    pub project: bool,
}

fn setting_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(amplify_settings::keys::DEFINITIONS.map(|d| d.name))
}

const CONFIG_EXAMPLES: &str = r#"Each setting comes from the first of: a flag, a variable, the project's amplify-rs.toml, your
$XDG_CONFIG_HOME/amplify-rs/config.toml (else ~/.config/amplify-rs/config.toml), a profile's own key in
~/.aws/config, the default. A project file cannot set mfa.process. docs/settings.md lists every setting.

Examples:
  amplify-rs config list                            # every setting, its value and where it comes from
  amplify-rs config get aws.timeout
  amplify-rs config set aws.timeout 60              # in your file
  amplify-rs config set mfa.process 'ykman oath accounts code -s AWS'
  amplify-rs config set init.default_profile bizcorprole --project   # for the team, in amplify-rs.toml
  amplify-rs config unset aws.timeout"#;

#[derive(Debug, Args)]
pub struct ConfigureArgs {
    #[command(subcommand)]
    pub command: Option<ConfigureCommand>,
}

impl Command {
    /// The folder `--project DIR` names, for the commands that take it: its project's settings apply.
    pub fn project_dir(&self) -> Option<&std::path::Path> {
        let arg = match self {
            Command::Awscloudformation(AwsCommand::ResetCache(arg)) => arg,
            Command::Awscloudformation(AwsCommand::Credentials(args)) => &args.session.project,
            Command::Awscloudformation(AwsCommand::Whoami(args)) => &args.project,
            Command::Exec(args) => &args.session.project,
            _ => return None,
        };
        arg.project.as_deref()
    }

    /// Whether the command only reads and prints, never prompting or writing: Ctrl-C then simply ends it,
    /// as it ends `cat`, and no handler (a thread) is started for it.
    pub fn reads_only(&self) -> bool {
        matches!(
            self,
            Command::Awscloudformation(AwsCommand::Profiles(_))
                | Command::Config(ConfigCommand::List | ConfigCommand::Get(_))
                | Command::Completions { .. }
                | Command::GenerateReference
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum ConfigureCommand {
    /// Change the project's name, editor, frontend, AWS profile or container-based deployments; with
    /// --amplify, --frontend, --providers or --yes, without questions.
    #[command(after_help = CONFIGURE_PROJECT_EXAMPLES)]
    Project(ConfigureProjectArgs),
}

#[derive(Debug, Args)]
pub struct ConfigureProjectArgs {
    #[command(flatten)]
    pub headless: HeadlessArgs,
}

const CONFIGURE_PROJECT_EXAMPLES: &str = r#"Examples:
  amplify-rs configure project                 # the questions
  # Headless: the given settings change, the others stay.
  amplify-rs configure project --yes \
    --amplify '{"projectName":"myapp","defaultEditor":"vscode"}' \
    --frontend '{"frontend":"javascript","framework":"react"}' \
    --providers '{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}'"#;

#[derive(Debug, Subcommand)]
pub enum AwsCommand {
    /// Delete this project's cached temporary credentials (and no other project's).
    #[command(visible_alias = "resetCache")]
    ResetCache(ProjectArg),
    /// Print the project's credentials for other programs (from the cache while they are valid).
    #[command(after_help = CREDENTIALS_EXAMPLES)]
    Credentials(CredentialsArgs),
    /// Show whose credentials the project uses (STS GetCallerIdentity).
    Whoami(SessionArgs),
    /// List the profiles of ~/.aws/config and ~/.aws/credentials, or show one profile's chain.
    #[command(after_help = PROFILES_EXAMPLES)]
    Profiles(ProfilesArgs),
}

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// Show this profile's chain in detail: where each hop's settings are written.
    pub name: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Explain every problem of the files (file:line, profile, what to change); exit 1 if any profile cannot be used.
    #[arg(long, conflicts_with = "name")]
    pub check: bool,
}

const PROFILES_EXAMPLES: &str = r#"Examples:
  amplify-rs aws profiles                 # every profile, with its kind and chain
  amplify-rs aws profiles bizcorprole     # one profile's chain, hop by hop
  amplify-rs aws profiles --check         # what is wrong with the files, and how to fix it
  amplify-rs aws profiles --json | jq '.[] | select(.mfa)'"#;

#[derive(Debug, Args)]
pub struct ProjectArg {
    /// The project's folder (default: the project holding the current folder).
    #[arg(long, value_name = "DIR")]
    pub project: Option<std::path::PathBuf>,
}

/// Whose session: an environment of a project, or a profile.
#[derive(Debug, Args)]
pub struct SessionArgs {
    #[command(flatten)]
    pub project: ProjectArg,
    /// The environment (default: the project's current one).
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// A profile of ~/.aws instead of the environment's AWS setting; outside a project, the profile alone.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub session: SessionArgs,
    /// The program and its arguments.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<String>,
}

const EXEC_EXAMPLES: &str = r#"The program gets the session in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_REGION, AWS_DEFAULT_REGION and AWS_CREDENTIAL_EXPIRATION; when the session comes from a profile, it also gets
private copies of the AWS files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE) in which that profile is the
session, renewed by amplify-rs, so programs that read the profile (the original Amplify CLI does) use it too.
The copies are removed when the program ends. amplify-rs exits with the program's status.

Examples:
  amplify-rs exec -- amplify push --yes      # the original CLI, with the role and MFA session of this project
  amplify-rs exec -- aws sts get-caller-identity
  amplify-rs exec --env prod -- amplify status
  amplify-rs exec --profile bizcorprole -- aws s3 ls   # outside a project"#;

#[derive(Debug, Args)]
pub struct CredentialsArgs {
    /// `process`: the JSON the AWS CLI's credential_process reads; `env`: shell export lines; `json`: all fields.
    #[arg(long, value_enum, default_value_t = CredentialsFormat::Process)]
    pub format: CredentialsFormat,
    #[command(flatten)]
    pub session: SessionArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CredentialsFormat {
    Process,
    Env,
    Json,
}

const CREDENTIALS_EXAMPLES: &str = r#"Examples:
  # Let the AWS CLI and SDKs use the project's session, in ~/.aws/config:
  [profile myapp-dev]
  credential_process = amplify-rs aws credentials --format process --project /home/dev/myapp

  # Or in this shell:
  eval "$(amplify-rs aws credentials --format env)""#;

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    /// A command line printed with `{:?}` (a log line, a panic) shows no MFA code, no secret key of
    /// `--providers` and no identity provider's secret of `--categories`.
    #[test]
    fn the_secrets_of_a_command_line_never_reach_debug() {
        let cli = super::Cli::try_parse_from([
            "amplify-rs",
            "--mfa-code",
            "123456",
            "init",
            "--providers",
            r#"{"awscloudformation":{"accessKeyId":"AKIA","secretAccessKey":"KEYSECRET"}}"#,
            "--categories",
            r#"{"auth":{"facebookAppSecretUserPool":"APPSECRET"}}"#,
        ])
        .expect("a valid command line");
        let printed = format!("{cli:?}");
        for secret in ["123456", "KEYSECRET", "APPSECRET"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("REDACTED"), "{printed}");
    }
}
