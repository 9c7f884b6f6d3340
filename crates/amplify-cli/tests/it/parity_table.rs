//! The parity table: every headless form of the original's `init` and `configure project` in
//! `fixtures/parity/` run with amplify-rs, and the files it writes compared field by field with what the
//! original wrote for the same input (recorded by `cargo xtask record-parity`). A field may differ only
//! where docs/differences.md says so: the allowances below (every scenario) and in each `scenario.json`,
//! each naming its row; an allowance that no longer matches a difference fails too.

use std::collections::BTreeSet;

use amplify_test_support::parity::{differences, scenarios, snapshot};

use crate::common::*;

/// Differences of every scenario: the place (a file, or `file#/pointer`; a trailing `*` matches a prefix)
/// and the row of docs/differences.md that allows it.
const EVERYWHERE: &[(&str, &str)] = &[
    (
        "amplify/README.md",
        "`amplify/README.md`, `amplify/hooks/` ... not written",
    ),
    (
        "amplify/hooks/*",
        "`amplify/README.md`, `amplify/hooks/` ... not written",
    ),
    (
        "amplify/backend/types/*",
        "`amplify/README.md`, `amplify/hooks/` ... not written",
    ),
    (
        "amplify/.config/local-env-info.json#/defaultEditor",
        "`defaultEditor`: stores the id; and `configure project --amplify '{\"defaultEditor\":...}'`",
    ),
    (
        "amplify/.config/project-config.json#/whyContinueWithGen1",
        "Gen 2 recommendation, \"Why Gen 1?\", usage-data question: not asked",
    ),
];

fn matches(pattern: &str, place: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => place.starts_with(prefix),
        None => pattern == place,
    }
}

#[test]
fn every_headless_form_writes_what_the_original_writes() {
    let all = scenarios();
    assert!(all.len() >= 10, "the table has {} scenarios", all.len());
    let mut failures = Vec::new();
    for scenario in &all {
        let mut ctx = seeded();
        for (key, value) in &scenario.env {
            ctx = ctx.env(key, value);
        }
        scenario.prepare(&ctx);
        for args in scenario.before.iter().chain([&scenario.command]) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = ctx.run(&args);
            assert_eq!(
                out.code,
                Some(0),
                "{}: amplify-rs {}\n{}",
                scenario.name,
                args.join(" "),
                out.all()
            );
        }
        let found = differences(&scenario.expected(), &snapshot(&ctx));
        let mut used = BTreeSet::new();
        for (place, what) in found {
            let file = place.split('#').next().unwrap_or_default();
            let allowed = EVERYWHERE
                .iter()
                .map(|(pattern, _)| (*pattern).to_string())
                .chain(scenario.allowed.keys().cloned())
                .find(|pattern| matches(pattern, &place) || matches(pattern, file));
            match allowed {
                Some(pattern) => {
                    used.insert(pattern);
                }
                None => failures.push(format!("{}: {place}: {what}", scenario.name)),
            }
        }
        for pattern in scenario.allowed.keys().filter(|p| !used.contains(*p)) {
            failures.push(format!(
                "{}: the allowance {pattern} matches no difference any more: remove it",
                scenario.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences from the original that docs/differences.md does not allow:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
