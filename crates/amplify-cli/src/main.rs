//! `amplify-rs`: the thin binary. It reads the command line, sets up output and logging, runs one command
//! on a single-threaded runtime, and turns a failure into a message and an exit code. The questions and the
//! order of steps live in `commands`, the terminal's machinery in `amplify-term`; everything else is in the
//! library crates.

mod auth;
mod cli;
mod commands;
mod context;
mod errors;
mod terminal;

use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{AwsCommand, Cli, Command, ConfigCommand, ConfigureArgs, ConfigureCommand};
use crate::context::{Ctx, OnBadSettings};

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with success; a wrong command line is a usage error.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                errors::code::USAGE
            } else {
                errors::code::OK
            });
        }
    };
    if !cli.command.reads_only() {
        amplify_term::interrupt::install_handler();
    }
    if cli.global.verbose {
        init_logging();
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => errors::report(&error),
    }
}

/// Runs the command; its exit code (0, or the program's for `exec`).
fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Command::Exec(args) = &cli.command {
        let env = amplify_creds::env::Env::from_process();
        let ctx = Ctx::new(&cli.global, env, cli.command.project_dir())?;
        return runtime()?.block_on(commands::exec::run(&ctx, args));
    }
    run_command(cli).map(|()| errors::code::OK)
}

fn run_command(cli: Cli) -> anyhow::Result<()> {
    let env = amplify_creds::env::Env::from_process();
    let ctx = || Ctx::new(&cli.global, env.clone(), cli.command.project_dir());
    match &cli.command {
        Command::Completions { shell } => commands::meta::completions(*shell),
        Command::GenerateReference => commands::meta::reference(),
        Command::Awscloudformation(AwsCommand::Profiles(args)) => {
            commands::profiles::run(&ctx()?, args)
        }
        Command::Awscloudformation(AwsCommand::ResetCache(args)) => {
            commands::reset_cache::run(&ctx()?, args)
        }
        Command::Init(args) => {
            let ctx = ctx()?;
            runtime()?.block_on(commands::init::run(&ctx, args))
        }
        Command::Configure(ConfigureArgs {
            command: Some(ConfigureCommand::Project(args)),
        }) => {
            let ctx = ctx()?;
            runtime()?.block_on(commands::configure::project(&ctx, &args.headless))
        }
        Command::Configure(ConfigureArgs { command: None }) => {
            commands::configure::new_user(&ctx()?)
        }
        Command::Awscloudformation(AwsCommand::Credentials(args)) => {
            let ctx = ctx()?;
            runtime()?.block_on(commands::aws::credentials(&ctx, args))
        }
        Command::Awscloudformation(AwsCommand::Whoami(args)) => {
            let ctx = ctx()?;
            runtime()?.block_on(commands::aws::whoami(&ctx, args))
        }
        Command::Config(command) => {
            // `set` and `unset` are how wrong settings get fixed: they only warn about them.
            let on_bad = match command {
                ConfigCommand::Set(_) | ConfigCommand::Unset(_) => OnBadSettings::Warn,
                ConfigCommand::List | ConfigCommand::Get(_) => OnBadSettings::Stop,
            };
            let ctx = Ctx::build(&cli.global, env.clone(), None, on_bad)?;
            commands::config::run(&ctx, command)
        }
        Command::Exec(_) => unreachable!("run handles exec"),
    }
}

/// One thread is enough: the work is a few network calls in a row, and prompts block anyway.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// A panic is a bug: say so plainly, with where it happened, and exit 70 instead of printing Rust's
/// message and backtrace at the user. The message is left out: it could hold a value of the user's.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        amplify_term::stderr_line(&format!(
            "{} amplify-rs stopped on an internal error{place}. This is a bug: please report it with the command you ran.",
            console::style("error:").red().bold()
        ));
        std::process::exit(i32::from(errors::code::INTERNAL));
    }));
}

/// `--verbose` logs this project's crates at debug level on stderr. The AWS SDK's own logs stay at warn:
/// at debug they would print request details. Without it nothing is logged, and no logger is set up.
fn init_logging() {
    let filter = "warn,amplify_aws=info,amplify_sts=debug,amplify_stack=debug,amplify_project=debug,amplify_fs=debug,amplify_rs=debug";
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(console::colors_enabled_stderr())
        .without_time()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}
