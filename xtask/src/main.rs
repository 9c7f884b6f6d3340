//! Developer tasks, run as `cargo xtask <task>` (the alias is in `.cargo/config.toml`):
//!
//! - `setup`: the Python virtual environment `.venv` with moto (STS, IAM, S3, CloudFormation) and the AWS CLI,
//!   pinned in `xtask/requirements-test.txt`; done once, redone when that file changes.
//! - `lint`: `cargo fmt --check` and `cargo clippy --workspace --all-targets -- -D warnings`.
//! - `test`: `setup`, `lint`, then every test of the workspace (nextest when installed, else `cargo test`).
//! - `demo`: the seed's scenario for real on this machine: a local STS and CloudFormation, a temporary HOME
//!   with the seed's two profiles, and `amplify-rs init` in a terminal, MFA prompt included.
//! - `docs`: `docs/reference.md` from the command line's definition.
//! - `bench`: the benchmarks of `docs/performance.md`, next to their peers; `soak`: the long reliability
//!   runs of `docs/reliability.md`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod chart;
mod demo;
mod moto;
mod parity;
mod setup;
mod soak;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = args
        .split_first()
        .map(|(t, r)| (t.as_str(), r))
        .unwrap_or(("help", &[]));
    match task {
        "setup" => setup::run(),
        "lint" => lint(),
        "test" => test(rest),
        "demo" => demo::run(rest),
        "docs" => docs(),
        "bench" => bench::run(rest),
        "soak" => soak::run(),
        "record-parity" => parity::run(rest),
        "help" | "--help" | "-h" => {
            println!(
                "cargo xtask <task>\n\n  setup   install the test peers (moto, AWS CLI, the original Amplify CLI)\n  lint    cargo fmt --check and clippy with warnings denied\n  test    setup, lint, then run every test\n  demo    run `amplify-rs init` against a local STS and CloudFormation with the seed's profiles\n  docs    regenerate docs/reference.md\n  bench   benchmarks next to their peers and the floor (docs/performance.md) [--runs N] [--quick] [--only TEXT]\n  soak    long reliability runs (docs/reliability.md)\n  record-parity [NAME...]  record what the original CLI writes for each scenario of fixtures/parity/"
            );
            Ok(())
        }
        other => bail!("unknown task `{other}`: try `cargo xtask help`"),
    }
}

/// The workspace root: xtask's manifest folder is one level down.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

pub fn run_checked(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(())
}

fn has_nextest() -> bool {
    cargo()
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Formatting and clippy, warnings denied: CI fails on either.
fn lint() -> anyhow::Result<()> {
    run_checked(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run_checked(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]))
}

fn test(extra: &[String]) -> anyhow::Result<()> {
    setup::run()?;
    lint()?;
    if has_nextest() {
        run_checked(
            cargo()
                .args(["nextest", "run", "--workspace", "--no-fail-fast"])
                .args(extra),
        )?;
        run_checked(cargo().args(["test", "--workspace", "--doc"]))
    } else {
        run_checked(
            cargo()
                .args(["test", "--workspace", "--no-fail-fast"])
                .args(extra),
        )
    }
}

/// `docs/reference.md` from the binary's own definition of its command line.
fn docs() -> anyhow::Result<()> {
    run_checked(cargo().args(["build", "--quiet", "-p", "amplify-cli"]))?;
    let output = Command::new(root().join("target/debug/amplify-rs"))
        .arg("generate-reference")
        .output()?;
    if !output.status.success() {
        bail!(
            "amplify-rs generate-reference failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    fs_err::write(root().join("docs/reference.md"), &output.stdout)?;
    println!("wrote docs/reference.md");
    Ok(())
}
