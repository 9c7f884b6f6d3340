//! The original Amplify CLI (`@aws-amplify/cli-internal` 14.2.2 from npm) as a test peer, next to moto:
//! installed by `cargo xtask setup` into a cache folder outside the checkout, run against the test's moto with
//! the test's HOME. A missing install fails the test that needs it, with what to run.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::context::{CommandOutput, TestContext};

/// Where `cargo xtask setup` installs the test peers that live outside the checkout: `$AMPLIFY_RS_TEST_PEERS`,
/// else `$XDG_CACHE_HOME/amplify-rs/test-peers`, else `~/.cache/amplify-rs/test-peers` (the same rule as
/// `xtask/src/setup.rs`).
fn peers_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("AMPLIFY_RS_TEST_PEERS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("amplify-rs")
        .join("test-peers")
}

/// The original's `amplify` program.
pub fn original_cli() -> PathBuf {
    let path = peers_dir().join("amplify-cli-14.2.2/node_modules/.bin/amplify");
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask setup` (or `cargo xtask test`), which installs the original Amplify CLI from npm",
        path.display()
    );
    path
}

/// The variables the original needs against moto (test-peers.md): no Amplify service, no scripts, CI mode.
pub const ORIGINAL_ENV: [(&str, &str); 3] = [
    ("CLI_DEV_INTERNAL_DISABLE_AMPLIFY_APP_CREATION", "1"),
    ("AMPLIFY_CLI_DISABLE_SCRIPTING_FEATURES", "1"),
    ("CI", "1"),
];

impl TestContext {
    /// The original `amplify` with this test's HOME, moto and environment, in the project folder.
    pub fn original(&self, args: &[&str]) -> Command {
        let mut command = self.command_of(&original_cli(), args);
        command.envs(ORIGINAL_ENV);
        command
    }

    /// `amplify-rs exec -- amplify ARGS`: the original run through amplify-rs with the project's session.
    pub fn exec_original(&self, args: &[&str]) -> Command {
        let original = original_cli();
        let mut all = vec!["exec", "--", original.to_str().expect("a UTF-8 path")];
        all.extend_from_slice(args);
        let mut command = self.command(&all);
        command.envs(ORIGINAL_ENV);
        command
    }

    /// Runs the original without a terminal, stdin closed.
    pub fn run_original(&self, args: &[&str]) -> CommandOutput {
        CommandOutput::run(self.original(args).stdin(Stdio::null()))
    }
}
