//! The rules of the AWS SDKs' two shared conformance suites (the profile parser's and the assume-role
//! chain's), as our own cases in `fixtures/chain-conformance/<case>/`: the files of a fake home, maybe the
//! environment, and `expected.json` with the expected reading, chain or error (the format is in that
//! folder's README). Each case must give its expected outcome in amplify-rs AND in botocore, asked through
//! `botocore_chains.py`: where botocore and the SDK spec differ, the case follows botocore, and says so.
//!
//! `every_rule_of_the_sdk_suites_has_a_case` checks that the cases cover every rule listed in
//! `sdk-rules.txt`, and that docs/profiles.md gives the counts this test computes.

#![allow(clippy::print_stderr)]

mod oracle;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use amplify_profile::{FileLocations, LoadError, ProfileSet, profile_from_env};
use oracle::{OracleCase, ask_botocore, comparable, ours, parsed_json, repo_root};
use serde_json::{Value, json};

/// The keys an `expected.json` may have.
const KEYS: &[&str] = &[
    "about",
    "covers",
    "sdk",
    "profile",
    "parsed",
    "parse_error",
    "chain",
    "error",
    "warnings",
    "botocore",
    "difference",
];
/// The keys of an expected error that are ours alone: botocore gives the others too.
const OUR_ERROR_KEYS: &[&str] = &["location", "message", "hint"];
/// How many rules each suite has.
const SUITES: &[(&str, usize)] = &[("profile-parser", 65), ("assume-role", 28)];

struct Fixture {
    name: String,
    dir: PathBuf,
    config: Option<String>,
    credentials: Option<String>,
    env: BTreeMap<String, String>,
    expected: Value,
}

impl Fixture {
    fn files(&self) -> FileLocations {
        FileLocations {
            config: self.dir.join("config"),
            credentials: self.dir.join("credentials"),
        }
    }

    /// The profile the case resolves: `profile`, else the one the environment selects, else `default`.
    fn profile(&self) -> String {
        match self.expected.get("profile").and_then(Value::as_str) {
            Some(name) => name.to_string(),
            None => profile_from_env(|name| self.env.get(name).cloned())
                .unwrap_or_else(|| "default".into()),
        }
    }

    /// A path of the case as the expectations write it: relative to the case's folder.
    fn relative(&self, text: &str) -> String {
        text.replace(&format!("{}/", self.dir.display()), "")
    }
}

fn fixtures_dir() -> PathBuf {
    repo_root().join("fixtures/chain-conformance")
}

fn fixtures() -> Vec<Fixture> {
    let mut all = Vec::new();
    for entry in fs_err::read_dir(fixtures_dir()).expect("the fixtures folder") {
        let dir = entry.expect("a folder entry").path();
        if !dir.is_dir() {
            continue;
        }
        let read = |name: &str| fs_err::read_to_string(dir.join(name)).ok();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: Value = serde_json::from_str(
            &read("expected.json").unwrap_or_else(|| panic!("{name} has no expected.json")),
        )
        .unwrap_or_else(|e| panic!("{name}/expected.json: {e}"));
        let env = read("env")
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let (k, v) = line
                    .split_once('=')
                    .unwrap_or_else(|| panic!("{name}/env: `{line}` is not NAME=value"));
                assert!(
                    ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"].contains(&k),
                    "{name}/env: {k} is not a variable the cases use"
                );
                (k.to_string(), v.to_string())
            })
            .collect();
        all.push(Fixture {
            name,
            config: read("config"),
            credentials: read("credentials"),
            env,
            expected,
            dir,
        });
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!all.is_empty(), "no cases in {}", fixtures_dir().display());
    all
}

#[test]
fn every_case_gives_botocore_s_outcome_and_ours() {
    let fixtures = fixtures();
    let cases: Vec<OracleCase> = fixtures
        .iter()
        .enumerate()
        .map(|(id, f)| OracleCase {
            id,
            config: f.config.clone(),
            credentials: f.credentials.clone(),
            profiles: vec![f.profile()],
        })
        .collect();
    let answers = ask_botocore(&cases);
    let mut problems = Vec::new();
    for (id, fixture) in fixtures.iter().enumerate() {
        for problem in check(fixture, &answers[&id]) {
            problems.push(format!("{}: {problem}", fixture.name));
        }
    }
    eprintln!(
        "conformance: {} cases, {} problems",
        fixtures.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n\n"));
}

/// What is wrong with a case, in amplify-rs or in botocore.
fn check(f: &Fixture, botocore: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let expected = &f.expected;
    for key in expected.as_object().expect("an object").keys() {
        if !KEYS.contains(&key.as_str()) {
            problems.push(format!("expected.json has an unknown key `{key}`"));
        }
    }
    let loaded = ProfileSet::load(&f.files());
    if let Some(parse_error) = expected.get("parse_error") {
        check_parse_error(f, parse_error, loaded.err(), botocore, &mut problems);
        return problems;
    }
    let set = match loaded {
        Ok(set) => set,
        Err(e) => return vec![format!("amplify-rs cannot read the files: {e}")],
    };
    if botocore.get("parse_error").is_some() {
        problems.push(format!("botocore cannot read the files: {botocore}"));
        return problems;
    }
    let warnings: Vec<Value> = set
        .warnings()
        .iter()
        .map(|w| Value::String(f.relative(&w.to_string())))
        .collect();
    let expected_warnings = expected.get("warnings").cloned().unwrap_or(json!([]));
    if Value::Array(warnings.clone()) != expected_warnings {
        problems.push(format!(
            "warnings: ours {warnings:#?}, expected {expected_warnings:#?}"
        ));
    }
    if let Some(parsed) = expected.get("parsed") {
        if parsed_json(&set) != *parsed {
            problems.push(format!(
                "amplify-rs reads {:#}, expected {parsed:#}",
                parsed_json(&set)
            ));
        }
        if botocore["parsed"] != *parsed {
            problems.push(format!(
                "botocore reads {:#}, expected {parsed:#}",
                botocore["parsed"]
            ));
        }
    }
    if expected.get("chain").is_some() || expected.get("error").is_some() {
        check_outcome(f, &set, botocore, &mut problems);
    }
    problems
}

fn check_parse_error(
    f: &Fixture,
    expected: &Value,
    ours: Option<LoadError>,
    botocore: &Value,
    problems: &mut Vec<String>,
) {
    if botocore["parse_error"]["file"] != expected["file"] {
        problems.push(format!(
            "botocore: {botocore}, expected it to refuse the {} file",
            expected["file"]
        ));
    }
    let Some(LoadError::Parse(error)) = ours else {
        problems.push(format!(
            "amplify-rs: {ours:?}, expected a parse error in the {} file",
            expected["file"]
        ));
        return;
    };
    let file = error.location.path.file_name().unwrap().to_string_lossy();
    let kind = format!("{:?}", error.kind);
    let kind = kind.split([' ', '{']).next().unwrap_or_default();
    if json!(file) != expected["file"]
        || json!(error.location.line) != expected["line"]
        || json!(kind) != expected["kind"]
    {
        problems.push(format!(
            "amplify-rs refuses {file} line {} ({kind}), expected {expected}",
            error.location.line
        ));
    }
    contains(
        problems,
        "message",
        &f.relative(&error.to_string()),
        &expected["message"],
    );
    contains(
        problems,
        "hint",
        &f.relative(&error.hint()),
        &expected["hint"],
    );
}

fn check_outcome(f: &Fixture, set: &ProfileSet, botocore: &Value, problems: &mut Vec<String>) {
    let expected = &f.expected;
    let profile = f.profile();
    let ours = ours(set, &profile);
    let theirs = comparable(&botocore["chains"][&profile]);
    let wanted_by_both = match (expected.get("chain"), expected.get("error")) {
        (Some(chain), _) => json!({ "chain": chain }),
        (None, Some(error)) => {
            let mut error = error.clone();
            for key in OUR_ERROR_KEYS {
                error.as_object_mut().expect("an object").remove(*key);
            }
            json!({ "error": error })
        }
        (None, None) => unreachable!("checked by the caller"),
    };
    if ours != wanted_by_both {
        problems.push(format!(
            "amplify-rs gives {ours:#}\nexpected {wanted_by_both:#}"
        ));
    }
    let wanted_from_botocore = match expected.get("botocore") {
        Some(error) => json!({ "error": error }),
        None => wanted_by_both,
    };
    if theirs != wanted_from_botocore {
        problems.push(format!(
            "botocore gives {theirs:#}\nexpected {wanted_from_botocore:#}"
        ));
    }
    if let (Some(error), Err(ours)) = (expected.get("error"), set.resolve(&profile)) {
        let location = ours.location().map(|l| f.relative(&l.to_string()));
        if json!(location) != error["location"] {
            problems.push(format!(
                "the error is at {location:?}, expected {}",
                error["location"]
            ));
        }
        contains(
            problems,
            "message",
            &f.relative(&ours.to_string()),
            &error["message"],
        );
        contains(problems, "hint", &f.relative(&ours.hint()), &error["hint"]);
        if ours.profile().is_empty() {
            problems.push("the error names no profile".into());
        }
    }
}

/// Each expected piece must be in `text`.
fn contains(problems: &mut Vec<String>, what: &str, text: &str, pieces: &Value) {
    let pieces = pieces.as_array().cloned().unwrap_or_default();
    if pieces.is_empty() {
        problems.push(format!("expected.json gives no `{what}` to look for"));
    }
    for piece in pieces {
        let piece = piece.as_str().expect("a string");
        if !text.contains(piece) {
            problems.push(format!("the {what} `{text}` does not contain `{piece}`"));
        }
    }
}

#[test]
fn every_rule_of_the_sdk_suites_has_a_case() {
    let rules_file = fixtures_dir().join("sdk-rules.txt");
    let rules: Vec<String> = fs_err::read_to_string(&rules_file)
        .expect("sdk-rules.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once(' ').map_or(l, |(id, _)| id).to_string())
        .collect();
    for (suite, count) in SUITES {
        let listed = rules
            .iter()
            .filter(|r| r.starts_with(&format!("{suite}#")))
            .count();
        assert_eq!(
            listed, *count,
            "sdk-rules.txt lists {listed} rules of {suite}"
        );
    }
    let fixtures = fixtures();
    let mut covered: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut differing: BTreeSet<&str> = BTreeSet::new();
    for f in &fixtures {
        let covers = f.expected.get("covers").and_then(Value::as_array);
        let sdk = f.expected.get("sdk").and_then(Value::as_str);
        for rule in covers.into_iter().flatten() {
            let rule = rule.as_str().expect("a rule id");
            assert!(
                rules.iter().any(|r| r == rule),
                "{}: covers `{rule}`, which sdk-rules.txt does not list",
                f.name
            );
            let rule = rules.iter().find(|r| *r == rule).unwrap().as_str();
            covered.entry(rule).or_default().push(&f.name);
            match sdk {
                Some("same") => {}
                Some(why) if why.starts_with("differs: ") => {
                    differing.insert(rule);
                }
                other => panic!(
                    "{}: `sdk` must be \"same\" or \"differs: WHY\", not {other:?}",
                    f.name
                ),
            }
        }
        if let Some(difference) = f.expected.get("difference").and_then(Value::as_str) {
            let table = fs_err::read_to_string(repo_root().join("docs/differences.md")).unwrap();
            assert!(
                table.contains(difference),
                "{}: docs/differences.md has no row `{difference}`",
                f.name
            );
        }
    }
    // The cases docs/differences.md names must exist.
    let differences = fs_err::read_to_string(repo_root().join("docs/differences.md")).unwrap();
    for word in differences.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let is_case = ["role-", "parser-", "botocore-"]
            .iter()
            .any(|prefix| word.starts_with(prefix) && word.len() > prefix.len());
        assert!(
            !is_case || fixtures.iter().any(|f| f.name == word),
            "docs/differences.md names the case `{word}`, which is not in fixtures/chain-conformance"
        );
    }
    let missing: Vec<&String> = rules
        .iter()
        .filter(|r| !covered.contains_key(r.as_str()))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
    let claim = format!(
        "{} cases cover all {} rules of the two suites ({} parser rules, {} assume-role rules); on {} of those rules botocore's outcome differs from the SDK spec's, and the cases follow botocore",
        fixtures.len(),
        rules.len(),
        SUITES[0].1,
        SUITES[1].1,
        differing.len()
    );
    eprintln!("{claim}");
    let docs = fs_err::read_to_string(repo_root().join("docs/profiles.md")).unwrap();
    assert!(docs.contains(&claim), "docs/profiles.md must say: {claim}");
}
