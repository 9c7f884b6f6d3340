//! The test peers: moto and the AWS CLI in `.venv` (the machine's `python3 -m venv`, filled from PyPI with the
//! pinned requirements), and the original Amplify CLI from npm (`xtask/original-cli/package.json`, about
//! 1.4 GB and two minutes) in a cache folder outside the checkout, shared by every clone:
//! `$AMPLIFY_RS_TEST_PEERS`, else `$XDG_CACHE_HOME/amplify-rs/test-peers`, else
//! `~/.cache/amplify-rs/test-peers`. A stamp file holding the pinned text makes each install a no-op until
//! it changes; a failed install fails the task (and so the tests): no test is skipped for want of a peer.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context as _;

use crate::{root, run_checked};

pub fn venv() -> PathBuf {
    root().join(".venv")
}

pub fn run() -> anyhow::Result<()> {
    python_peers()?;
    original_cli()
}

/// Where the test peers that live outside the checkout are kept.
pub fn peers_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("AMPLIFY_RS_TEST_PEERS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("amplify-rs").join("test-peers")
}

/// The original CLI's folder (its binary is `node_modules/.bin/amplify`).
pub fn original_cli_dir() -> PathBuf {
    peers_dir().join("amplify-cli-14.2.2")
}

fn original_cli() -> anyhow::Result<()> {
    let manifest = root().join("xtask/original-cli/package.json");
    let wanted = fs_err::read_to_string(&manifest)?;
    let dir = original_cli_dir();
    let stamp = dir.join(".amplify-rs-package");
    if fs_err::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str())
        && dir.join("node_modules/.bin/amplify").exists()
    {
        return Ok(());
    }
    eprintln!(
        "xtask: installing the original Amplify CLI into {} (about two minutes and 1.4 GB, once)",
        dir.display()
    );
    fs_err::create_dir_all(&dir)?;
    fs_err::write(dir.join("package.json"), &wanted)?;
    run_checked(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir),
    )
    .context("npm could not install the original Amplify CLI (Node.js and npm are needed)")?;
    fs_err::write(&stamp, wanted)?;
    Ok(())
}

fn python_peers() -> anyhow::Result<()> {
    let venv = venv();
    let requirements = root().join("xtask/requirements-test.txt");
    let wanted = fs_err::read_to_string(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let stamp = venv.join(".amplify-rs-requirements");
    if fs_err::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str())
        && venv.join("bin/moto_server").exists()
    {
        return Ok(());
    }
    eprintln!(
        "xtask: installing the test peers into {} (about a minute, once)",
        venv.display()
    );
    if !venv.join("bin/python").exists() {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run_checked(Command::new(&python).args(["-m", "venv"]).arg(&venv)).with_context(|| {
            format!("{python} -m venv failed: a Python 3.9 or later with the venv module is needed")
        })?;
    }
    run_checked(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    fs_err::write(&stamp, wanted)?;
    Ok(())
}
