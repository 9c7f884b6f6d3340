//! `cargo xtask soak`: the reliability suite run longer and wider than CI runs it. Each step is an ordinary
//! test of the workspace with its size turned up through an environment variable, so what CI checks in
//! seconds is checked here in minutes. The results (what ran, how many times, how long, whether it held) are
//! written between the markers of `docs/reliability.md`.

use std::process::Command;
use std::time::Instant;

use anyhow::bail;

use crate::{cargo, root, setup};

struct Step {
    what: &'static str,
    package: &'static str,
    test: &'static str,
    filter: &'static str,
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step {
        what: "32 processes at once on a cold cache",
        package: "amplify-cli",
        test: "it",
        filter: "many_processes_on_a_cold_cache",
        env: &[("AMPLIFY_RS_CONCURRENCY", "32")],
    },
    Step {
        what: "64 processes at once on a cold cache",
        package: "amplify-cli",
        test: "it",
        filter: "many_processes_on_a_cold_cache",
        env: &[("AMPLIFY_RS_CONCURRENCY", "64")],
    },
    Step {
        what: "8 processes in pseudo-terminals, one MFA prompt",
        package: "amplify-cli",
        test: "it",
        filter: "eight_processes",
        env: &[],
    },
    Step {
        what: "200 headless inits through the fault proxy, faults on 15% of calls",
        package: "amplify-cli",
        test: "it",
        filter: "headless_inits_under_random_faults",
        env: &[("AMPLIFY_RS_CHAOS_RUNS", "200")],
    },
    Step {
        what: "cache writer killed with SIGKILL, 10,000 times",
        package: "amplify-cache",
        test: "kill_loop",
        filter: "",
        env: &[("AMPLIFY_RS_KILL_LOOP_ITERATIONS", "10000")],
    },
    Step {
        what: "init killed with SIGKILL, 2,000 times",
        package: "amplify-cli",
        test: "it",
        filter: "init_killed",
        env: &[("AMPLIFY_RS_INIT_KILLS", "2000")],
    },
    Step {
        what: "profile parser fuzzed, 500,000 file pairs",
        package: "amplify-profile",
        test: "fuzz",
        filter: "",
        env: &[("AMPLIFY_RS_FUZZ_CASES", "500000")],
    },
    Step {
        what: "project files fuzzed, 200,000 mutations",
        package: "amplify-project",
        test: "fuzz",
        filter: "",
        env: &[("AMPLIFY_RS_FUZZ_CASES", "200000")],
    },
    Step {
        what: "cache.json reading fuzzed, 100,000 files",
        package: "amplify-cache",
        test: "fuzz",
        filter: "",
        env: &[("AMPLIFY_RS_FUZZ_CASES", "100000")],
    },
    Step {
        what: "parser against botocore, 50,000 cases",
        package: "amplify-profile",
        test: "differential",
        filter: "",
        env: &[("AMPLIFY_RS_DIFF_CASES", "50000")],
    },
];

const BEGIN: &str = "<!-- soak-results-begin -->";
const END: &str = "<!-- soak-results-end -->";

pub fn run() -> anyhow::Result<()> {
    setup::run()?;
    // Build every test binary first, so the times below are the tests' own.
    let mut build = cargo();
    build.args([
        "test",
        "--release",
        "--no-run",
        "-p",
        "amplify-cli",
        "-p",
        "amplify-cache",
        "-p",
        "amplify-profile",
        "-p",
        "amplify-project",
    ]);
    crate::run_checked(&mut build)?;
    let mut rows = Vec::new();
    let mut failed = 0;
    for step in STEPS {
        eprintln!("soak: {}", step.what);
        // The same command without running first: one package's features can differ from the three built
        // together above, and a rebuild must not count in the step's time.
        crate::run_checked(cargo().args([
            "test",
            "--release",
            "-p",
            step.package,
            "--test",
            step.test,
            "--no-run",
        ]))?;
        let mut command = cargo();
        command.args(["test", "--release", "-p", step.package, "--test", step.test]);
        if !step.filter.is_empty() {
            command.arg(step.filter);
        }
        command.arg("--").arg("--nocapture");
        for (k, v) in step.env {
            command.env(k, v);
        }
        let start = Instant::now();
        let status = command.status()?;
        let seconds = start.elapsed().as_secs_f64();
        if !status.success() {
            failed += 1;
        }
        let settings: Vec<String> = step.env.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
        rows.push(format!(
            "| {} | `cargo test --release -p {} --test {} {}` {} | {:.0} s | {} |",
            step.what,
            step.package,
            step.test,
            step.filter,
            settings.join(" "),
            seconds,
            if status.success() { "held" } else { "FAILED" }
        ));
    }
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let table = format!(
        "{BEGIN}\nLast `cargo xtask soak`: {date}, {} cores.\n\n| what | how | time | result |\n|---|---|---|---|\n{}\n{END}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        rows.join("\n")
    );
    let path = root().join("docs/reliability.md");
    let doc = fs_err::read_to_string(&path)?;
    let updated = match (doc.find(BEGIN), doc.find(END)) {
        (Some(start), Some(end)) => format!("{}{table}{}", &doc[..start], &doc[end + END.len()..]),
        _ => format!("{doc}\n{table}\n"),
    };
    fs_err::write(&path, updated)?;
    println!("wrote the results into docs/reliability.md");
    if failed > 0 {
        bail!("{failed} soak steps failed");
    }
    Ok(())
}
