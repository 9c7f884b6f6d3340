//! The test peers in `.venv`: created with the machine's `python3 -m venv`, filled from PyPI with the pinned
//! requirements. A stamp file holding the requirements' text makes the task a no-op until they change.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context as _;

use crate::{root, run_checked};

pub fn venv() -> PathBuf {
    root().join(".venv")
}

pub fn run() -> anyhow::Result<()> {
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
