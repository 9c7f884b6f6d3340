//! `cargo xtask record-parity [NAME...]`: runs every scenario of `fixtures/parity/` (or those named) with the
//! original Amplify CLI against a moto server of its own, in a temporary HOME with the seed's profiles, and
//! records what it wrote as the scenario's `expected.json`, which the table test
//! (`crates/amplify-cli/tests/it/parity_table.rs`) holds amplify-rs to. Needs `cargo xtask setup` first.

use std::process::Stdio;

use amplify_test_support::TestContext;
use amplify_test_support::parity::{scenarios, snapshot};
use anyhow::bail;

pub fn run(names: &[String]) -> anyhow::Result<()> {
    for scenario in scenarios() {
        if !names.is_empty() && !names.contains(&scenario.name) {
            continue;
        }
        eprintln!("recording {}", scenario.name);
        let mut ctx = TestContext::new("amplify-rs")
            .with_seed_profiles()
            .with_moto();
        for (key, value) in &scenario.env {
            ctx = ctx.env(key, value);
        }
        scenario.prepare(&ctx);
        for args in scenario.before.iter().chain([&scenario.command]) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = ctx.original(&args).stdin(Stdio::null()).output()?;
            if !output.status.success() {
                bail!(
                    "{}: the original's `amplify {}` failed ({}):\n{}{}",
                    scenario.name,
                    args.join(" "),
                    output.status,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
        scenario.record(&snapshot(&ctx));
    }
    Ok(())
}
