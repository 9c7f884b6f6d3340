//! A differential test of our reading of `~/.aws/config` and `~/.aws/credentials` against botocore's, the
//! AWS CLI's library and therefore what users check their files with. A seeded generator (`common/mod.rs`,
//! shared with the document test) writes a corpus of file pairs covering the format's corners (delimiters,
//! comments, continuations, nested maps, duplicates, header forms, line ends, byte order marks, non-ASCII
//! text, broken lines); `botocore_oracle.py` reads the whole corpus in one Python process; each case must
//! then either fail in both (in the same file) or give the same profiles, keys and values. The few deliberate
//! differences are named in [`deliberate_difference`] and explained in `docs/profiles.md`.
//!
//! A second corpus (`chain_corpus/mod.rs`) is about credentials: role chains through every kind of source,
//! with the mistakes people make. `botocore_chains.py` asks botocore's own credential resolver which chain
//! it would build for every profile of each pair (or which error it stops at), and each must be ours.
//!
//! Replay a failure with `AMPLIFY_RS_DIFF_SEED=<seed> cargo test -p amplify-profile --test differential`;
//! `AMPLIFY_RS_DIFF_CASES=<n>` changes the size of both corpora (default 2000).

#![allow(clippy::disallowed_methods, clippy::too_many_lines)]
// tests may use std::fs and be long

// The seed and the summary go to stderr on purpose: cargo shows them when the test fails.
#![allow(clippy::print_stderr)]

mod chain_corpus;
mod common;
mod oracle;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use amplify_profile::parse::Value;
use amplify_profile::{FileLocations, ProfileSet};
use common::{Case, DEFAULT_SEED, REQUIRED_FEATURES, env_number, generate, repo_root};

const DEFAULT_CASES: usize = 2000;
const SHOWN_MISMATCHES: usize = 20;

// ---------------------------------------------------------------------------------------------------------
// The two readers' answers, in one shape.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Text(String),
    Map(BTreeMap<String, String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Profiles(BTreeMap<String, BTreeMap<String, Val>>),
    /// Which file failed (`config` or `credentials`) and, for the report, why.
    Error {
        file: String,
        detail: String,
    },
}

impl Outcome {
    fn agrees_with(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Profiles(a), Outcome::Profiles(b)) => a == b,
            (Outcome::Error { file: a, .. }, Outcome::Error { file: b, .. }) => a == b,
            _ => false,
        }
    }
}

/// Python's line count for a text read in universal-newlines mode.
fn line_count(text: &str) -> usize {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.split_inclusive('\n').count().max(1)
}

fn ours(case: &Case, files: &FileLocations) -> Result<Outcome, String> {
    let result = std::panic::catch_unwind(|| {
        ProfileSet::from_texts(files, case.config.as_deref(), case.credentials.as_deref())
    })
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("our parser panicked: {message}")
    })?;
    match result {
        Ok(set) => {
            let mut profiles = BTreeMap::new();
            for name in set.names() {
                let profile = set.get(name).ok_or("a listed profile cannot be got")?;
                let mut keys = BTreeMap::new();
                for (key, property) in profile.properties() {
                    let value = match &property.value {
                        Value::Text(text) => Val::Text(text.clone()),
                        Value::Map(pairs) => {
                            let map: BTreeMap<String, String> = pairs.iter().cloned().collect();
                            if map.len() != pairs.len() {
                                return Err(format!(
                                    "the nested map `{key}` of `{name}` repeats a key: {pairs:?}"
                                ));
                            }
                            Val::Map(map)
                        }
                    };
                    keys.insert(key.to_string(), value);
                }
                profiles.insert(name.to_string(), keys);
            }
            Ok(Outcome::Profiles(profiles))
        }
        Err(error) => {
            let (file, text) = if *error.location.path == *files.config {
                ("config", case.config.as_deref())
            } else if *error.location.path == *files.credentials {
                ("credentials", case.credentials.as_deref())
            } else {
                return Err(format!("our error names neither file: {error}"));
            };
            let lines = line_count(text.unwrap_or(""));
            if error.location.line == 0 || error.location.line > lines {
                return Err(format!(
                    "our error's line {} is outside the file's {lines} lines: {error}",
                    error.location.line
                ));
            }
            if !error.to_string().contains(&error.location.to_string()) {
                return Err(format!("our error does not say PATH:LINE: {error}"));
            }
            Ok(Outcome::Error {
                file: file.to_string(),
                detail: format!("{:?}", error.kind),
            })
        }
    }
}

/// Runs `botocore_oracle.py` once over every case; answers by id.
fn botocore(cases: &[Case]) -> BTreeMap<usize, Outcome> {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `cargo xtask setup` (the differential test needs botocore)",
        python.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/botocore_oracle.py");
    let input = serde_json::Value::Array(
        cases
            .iter()
            .map(|c| serde_json::json!({"id": c.id, "config": c.config, "credentials": c.credentials}))
            .collect(),
    );
    let mut child = Command::new(&python)
        .arg("-X")
        .arg("utf8")
        .arg(&script)
        .env("PYTHONUTF8", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}; run `cargo xtask setup`",
                python.display()
            )
        });
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(input.to_string().as_bytes())
            .expect("the oracle reads its input");
    });
    let output = child.wait_with_output().expect("the oracle runs");
    writer.join().expect("the writer thread ends");
    assert!(
        output.status.success(),
        "botocore_oracle.py failed ({}); if botocore is missing, run `cargo xtask setup`:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut answers = BTreeMap::new();
    for line in output.stdout.lines() {
        let line = line.expect("the oracle prints UTF-8");
        let answer: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the oracle printed a line that is not JSON ({e}): {line}"));
        let id = answer["id"].as_u64().expect("an id") as usize;
        let outcome = if let Some(profiles) = answer.get("profiles") {
            Outcome::Profiles(from_botocore(profiles))
        } else {
            Outcome::Error {
                file: answer["file"].as_str().unwrap_or("?").to_string(),
                detail: format!("{} ({})", answer["error"], answer["detail"]),
            }
        };
        answers.insert(id, outcome);
    }
    assert_eq!(
        answers.len(),
        cases.len(),
        "the oracle answered {} of {} cases",
        answers.len(),
        cases.len()
    );
    answers
}

fn from_botocore(profiles: &serde_json::Value) -> BTreeMap<String, BTreeMap<String, Val>> {
    let object = |v: &serde_json::Value| v.as_object().cloned().expect("a JSON object");
    object(profiles)
        .into_iter()
        .map(|(name, keys)| {
            let keys = object(&keys)
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        serde_json::Value::String(text) => Val::Text(text),
                        serde_json::Value::Object(map) => Val::Map(
                            map.into_iter()
                                .map(|(k, v)| (k, v.as_str().expect("a nested string").to_string()))
                                .collect(),
                        ),
                        other => {
                            panic!("botocore gave a value that is neither text nor map: {other}")
                        }
                    };
                    (key, value)
                })
                .collect();
            (name, keys)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Where we differ from botocore on purpose (each one explained in docs/profiles.md).

#[derive(Clone, Copy, Debug)]
struct Deliberate {
    /// The row of the table in docs/profiles.md.
    name: &'static str,
    why: &'static str,
    /// What botocore must read instead to give our answer.
    equivalent: fn(&Case) -> Case,
    /// Whether botocore's answer on the case itself still shows the difference (else the exception is stale).
    botocore_still_differs: fn(&Outcome) -> bool,
}

const BOM: Deliberate = Deliberate {
    name: "A UTF-8 byte order mark at the start of a file",
    why: "botocore reads the BOM as part of the first line and fails with MissingSectionHeaderError; \
          Windows editors write one, so we skip it and read the rest as botocore reads a file without it",
    equivalent: |case| Case {
        id: case.id,
        config: case.config.as_deref().map(strip_bom),
        credentials: case.credentials.as_deref().map(strip_bom),
    },
    botocore_still_differs: |outcome| matches!(outcome, Outcome::Error { .. }),
};

fn strip_bom(text: &str) -> String {
    text.strip_prefix('\u{feff}').unwrap_or(text).to_string()
}

const DELIBERATE: &[Deliberate] = &[BOM];

/// The deliberate difference `case` runs into, if any.
fn deliberate_difference(case: &Case) -> Option<Deliberate> {
    let bom = |text: &Option<String>| text.as_deref().is_some_and(|t| t.starts_with('\u{feff}'));
    (bom(&case.config) || bom(&case.credentials)).then_some(BOM)
}

#[test]
fn our_reading_of_the_aws_files_matches_botocore() {
    let started = Instant::now();
    let seed = env_number("AMPLIFY_RS_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("AMPLIFY_RS_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    eprintln!(
        "differential test: seed {seed} (replay with AMPLIFY_RS_DIFF_SEED={seed}), {count} cases"
    );

    let (cases, coverage) = generate(seed, count);
    let missing: Vec<&str> = REQUIRED_FEATURES
        .iter()
        .copied()
        .filter(|f| !coverage.contains_key(f))
        .collect();
    assert!(
        missing.is_empty(),
        "seed {seed}: the corpus of {count} cases does not cover {missing:?}; use more cases"
    );

    // botocore reads every case, and for a case with a deliberate difference also the input that should
    // give our answer (ids from `count` on).
    let mut oracle_input = cases.clone();
    let mut equivalents: BTreeMap<usize, (usize, Deliberate)> = BTreeMap::new();
    for case in &cases {
        if let Some(deliberate) = deliberate_difference(case) {
            let mut equivalent = (deliberate.equivalent)(case);
            equivalent.id = count + equivalents.len();
            equivalents.insert(case.id, (equivalent.id, deliberate));
            oracle_input.push(equivalent);
        }
    }
    let answers = botocore(&oracle_input);

    let files = FileLocations {
        config: "/differential/.aws/config".into(),
        credentials: "/differential/.aws/credentials".into(),
    };
    let mut mismatches = Vec::new();
    let mut deliberate_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut both_ok, mut both_err) = (0usize, 0usize);
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        let theirs = &answers[&case.id];
        let ours = match ours(case, &files) {
            Ok(outcome) => outcome,
            Err(problem) => {
                mismatches.push(report(seed, case, theirs, &problem, None));
                continue;
            }
        };
        if let Some((equivalent_id, deliberate)) = equivalents.get(&case.id) {
            *deliberate_counts.entry(deliberate.name).or_default() += 1;
            // The difference must still exist (else the exception is stale) ...
            if !(deliberate.botocore_still_differs)(theirs) {
                mismatches.push(report(
                    seed,
                    case,
                    theirs,
                    &format!("{ours:?}"),
                    Some(&format!(
                        "botocore no longer behaves as documented: review the deliberate difference `{}`",
                        deliberate.name
                    )),
                ));
            }
            // ... and we must read the case as botocore reads its equivalent.
            let theirs = &answers[equivalent_id];
            if !theirs.agrees_with(&ours) {
                mismatches.push(report(
                    seed,
                    case,
                    theirs,
                    &format!("{ours:?}"),
                    Some(&format!(
                        "compared with botocore's reading of the case without `{}` ({})",
                        deliberate.name, deliberate.why
                    )),
                ));
            }
            continue;
        }
        if theirs.agrees_with(&ours) {
            match ours {
                Outcome::Profiles(_) => both_ok += 1,
                Outcome::Error { .. } => {
                    both_err += 1;
                    if let Outcome::Error { detail, .. } = theirs {
                        *refusals.entry(detail.clone()).or_default() += 1;
                    }
                }
            }
        } else {
            mismatches.push(report(seed, case, theirs, &format!("{ours:?}"), None));
        }
    }

    eprintln!(
        "differential test: {} cases agree ({both_ok} read, {both_err} refused by both), deliberate differences: {deliberate_counts:?}, {} mismatches, {:.2?}",
        both_ok + both_err,
        mismatches.len(),
        started.elapsed()
    );
    eprintln!("botocore's refusals: {refusals:?}");
    eprintln!("coverage (files per feature): {coverage:?}");
    assert!(
        mismatches.is_empty(),
        "{} of {count} cases differ from botocore (seed {seed}; replay with AMPLIFY_RS_DIFF_SEED={seed}). The first {}:\n\n{}",
        mismatches.len(),
        SHOWN_MISMATCHES.min(mismatches.len()),
        mismatches
            .iter()
            .take(SHOWN_MISMATCHES)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // A corpus where nearly everything fails to parse would compare little.
    assert!(
        both_ok * 2 > count,
        "only {both_ok} of {count} cases parse: the generator breaks too many files"
    );
    assert!(
        both_err * 20 > count,
        "only {both_err} of {count} cases are refused: too few broken files"
    );
}

fn report(seed: u64, case: &Case, theirs: &Outcome, ours: &str, note: Option<&str>) -> String {
    format!(
        "--- seed {seed}, case {}{}\n  config:      {:?}\n  credentials: {:?}\n  botocore:    {theirs:?}\n  ours:        {ours}\n",
        case.id,
        note.map(|n| format!(" ({n})")).unwrap_or_default(),
        case.config,
        case.credentials,
    )
}

#[test]
fn every_deliberate_difference_is_documented() {
    let docs = repo_root().join("docs/profiles.md");
    let text = std::fs::read_to_string(&docs)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", docs.display()));
    for deliberate in DELIBERATE {
        assert!(
            text.contains(deliberate.name),
            "{} does not list the deliberate difference `{}` ({})",
            docs.display(),
            deliberate.name,
            deliberate.why
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Chains.

/// What a chain outcome is, for the coverage check: the base's kind, the error's kind, two hops or more.
fn outcome_kinds(outcome: &serde_json::Value) -> Vec<String> {
    let mut kinds = Vec::new();
    if let Some(kind) = outcome["chain"]["base"]["kind"].as_str() {
        kinds.push(format!("base:{kind}"));
        let hops = outcome["chain"]["hops"].as_array().map_or(0, Vec::len);
        kinds.push(format!("hops:{}", hops.min(3)));
    }
    if let Some(kind) = outcome["error"]["kind"].as_str() {
        kinds.push(format!("error:{kind}"));
        if let Some(parameter) = outcome["error"]["parameter"].as_str() {
            kinds.push(format!("parameter:{parameter}"));
        }
    }
    kinds
}

/// Every outcome the chain corpus must reach (in botocore's answers), so a generator that stops
/// producing one is noticed.
const REQUIRED_OUTCOMES: &[&str] = &[
    "base:static",
    "base:process",
    "base:credential_source",
    "base:sso",
    "base:web_identity",
    "hops:0",
    "hops:1",
    "hops:2",
    "hops:3",
    "error:profile_not_found",
    "error:source_profile_not_found",
    "error:both_sources",
    "error:no_source",
    "error:invalid_credential_source",
    "error:no_credentials",
    "error:source_no_credentials",
    "error:partial_keys",
    "error:loop",
    "error:web_identity_no_role_arn",
    "error:sso_missing",
    "error:sso_session_not_found",
    "error:sso_conflict",
    "error:sso_session_incomplete",
    "error:unsupported",
    "error:invalid_parameter",
    "parameter:RoleArn",
    "parameter:RoleSessionName",
    "parameter:ExternalId",
    "parameter:SerialNumber",
    "parameter:DurationSeconds",
];

#[test]
fn our_chains_match_botocore() {
    let started = Instant::now();
    let seed = env_number("AMPLIFY_RS_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("AMPLIFY_RS_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let (cases, coverage) = chain_corpus::generate(seed, count);
    let oracle_cases: Vec<oracle::OracleCase> = cases
        .iter()
        .map(|c| oracle::OracleCase {
            id: c.id,
            config: c.config.clone(),
            credentials: c.credentials.clone(),
            profiles: c.profiles.clone(),
        })
        .collect();
    let answers = oracle::ask_botocore(&oracle_cases);
    let files = FileLocations {
        config: "/differential/.aws/config".into(),
        credentials: "/differential/.aws/credentials".into(),
    };
    let mut mismatches = Vec::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let (mut resolved, mut unreadable) = (0usize, 0usize);
    for case in &cases {
        let answer = &answers[&case.id];
        let set =
            ProfileSet::from_texts(&files, case.config.as_deref(), case.credentials.as_deref());
        let set = match (set, answer.get("parse_error")) {
            (Err(_), Some(_)) => {
                unreadable += 1;
                continue;
            }
            (Ok(set), None) if oracle::parsed_json(&set) == answer["parsed"] => set,
            (ours, _) => {
                mismatches.push(chain_report(
                    seed,
                    case,
                    "(the files)",
                    &answer.to_string(),
                    &format!("{:?}", ours.err()),
                ));
                continue;
            }
        };
        for name in &case.profiles {
            let theirs = oracle::comparable(&answer["chains"][name]);
            let ours = oracle::ours(&set, name);
            for kind in outcome_kinds(&theirs) {
                *outcomes.entry(kind).or_default() += 1;
            }
            if ours == theirs {
                resolved += 1;
            } else {
                mismatches.push(chain_report(
                    seed,
                    case,
                    name,
                    &format!("{theirs:#}"),
                    &format!("{ours:#}"),
                ));
            }
        }
    }
    eprintln!(
        "chain differential: seed {seed}, {count} cases, {resolved} profiles resolved alike, {unreadable} cases unreadable to both, {} mismatches, {:.2?}",
        mismatches.len(),
        started.elapsed()
    );
    eprintln!("chain outcomes (botocore's): {outcomes:?}");
    eprintln!("chain corpus features (cases): {coverage:?}");
    assert!(
        mismatches.is_empty(),
        "{} profiles resolve differently from botocore (seed {seed}; replay with AMPLIFY_RS_DIFF_SEED={seed}). The first {}:\n\n{}",
        mismatches.len(),
        SHOWN_MISMATCHES.min(mismatches.len()),
        mismatches
            .iter()
            .take(SHOWN_MISMATCHES)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let missing: Vec<&str> = REQUIRED_OUTCOMES
        .iter()
        .copied()
        .filter(|kind| !outcomes.contains_key(*kind))
        .collect();
    assert!(
        missing.is_empty(),
        "seed {seed}: {count} cases never reach {missing:?}; use more cases"
    );
}

fn chain_report(
    seed: u64,
    case: &chain_corpus::ChainCase,
    profile: &str,
    theirs: &str,
    ours: &str,
) -> String {
    format!(
        "--- seed {seed}, chain case {}, profile {profile}\n  config:      {:?}\n  credentials: {:?}\n  botocore:    {theirs}\n  ours:        {ours}\n",
        case.id, case.config, case.credentials,
    )
}
