//! The parity table: one folder per scenario under `fixtures/parity/`, each a headless form of the original's
//! `init` or `configure project` (`scenario.json`: the command, whether it runs in a new folder or in a project
//! that a first command made, and the differences docs/differences.md allows) and what the original wrote
//! for it (`expected.json`, recorded by `cargo xtask record-parity`). The recorder and the table test
//! (`crates/amplify-cli/tests/it/parity_table.rs`) share this module: the same scenarios, the same
//! snapshot of a project folder, the same normalisation of what differs by nature (paths, random stack
//! names and ids, keys files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::context::{TestContext, repo_root};

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub dir: PathBuf,
    /// The command under test, without the program (`["init", "--yes", ...]`).
    pub command: Vec<String>,
    /// Commands run first by the same program (an `init` that makes the project a later command changes).
    pub before: Vec<Vec<String>>,
    /// Variables for every command of the scenario.
    pub env: Vec<(String, String)>,
    /// `file#/json/pointer` (or a whole `file`) -> the row of docs/differences.md that allows it to differ.
    pub allowed: BTreeMap<String, String>,
    /// IAM policies (names) that exist in the account before the commands run.
    pub policies: Vec<String>,
}

/// The folder of the table.
pub fn table_dir() -> PathBuf {
    repo_root().join("fixtures/parity")
}

/// Every scenario, by name.
pub fn scenarios() -> Vec<Scenario> {
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(table_dir())
        .expect("fixtures/parity")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("scenario.json").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter().map(|dir| Scenario::read(&dir)).collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("a string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

impl Scenario {
    fn read(dir: &Path) -> Scenario {
        let text = fs_err::read_to_string(dir.join("scenario.json")).unwrap();
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join("scenario.json").display()));
        let object = |key: &str| value.get(key).and_then(Value::as_object).cloned();
        Scenario {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir: dir.to_path_buf(),
            command: strings(&value["command"]),
            before: value
                .get("before")
                .and_then(Value::as_array)
                .map(|all| all.iter().map(strings).collect())
                .unwrap_or_default(),
            env: object("env")
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                .collect(),
            policies: strings(value.get("policies").unwrap_or(&Value::Null)),
            allowed: object("allowed")
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                .collect(),
        }
    }

    /// The scenario's account as its commands expect it: its IAM policies created in `ctx`'s moto.
    pub fn prepare(&self, ctx: &TestContext) {
        for name in &self.policies {
            ctx.moto().call(
                "iam",
                &[
                    ("Action", "CreatePolicy"),
                    ("PolicyName", name),
                    (
                        "PolicyDocument",
                        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                    ),
                ],
            );
        }
    }

    /// What the original wrote, as recorded.
    pub fn expected(&self) -> BTreeMap<String, Value> {
        let path = self.dir.join("expected.json");
        let text = fs_err::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run `cargo xtask record-parity` (it runs the original CLI against moto)",
                path.display()
            )
        });
        serde_json::from_str(&text).unwrap()
    }

    /// Records `snapshot` as what the original writes.
    pub fn record(&self, snapshot: &BTreeMap<String, Value>) {
        let text = serde_json::to_string_pretty(snapshot).unwrap() + "\n";
        fs_err::write(self.dir.join("expected.json"), text).unwrap();
    }
}

/// Files of a project that say nothing about the command's settings: the deployed state, logs, the
/// original's own caches.
fn ignored(relative: &str) -> bool {
    relative.starts_with("amplify/#current-cloud-backend/")
        || relative.starts_with("amplify/backend/awscloudformation/")
        || relative.starts_with("amplify/logs/")
        || relative.starts_with("node_modules/")
}

/// The project folder of `ctx` as data: each file (relative path) as JSON when it parses, else as text,
/// with what differs by nature replaced by placeholders (see [`normalise`]).
pub fn snapshot(ctx: &TestContext) -> BTreeMap<String, Value> {
    let root = ctx.project_dir();
    let mut files = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs_err::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(&root).unwrap().display().to_string();
            if ignored(&relative) {
                continue;
            }
            let text = fs_err::read_to_string(&path).unwrap_or_default();
            let value = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
            files.insert(relative, value);
        }
    }
    let replacements = replacements(ctx, &files);
    files
        .into_iter()
        .map(|(path, value)| (path, normalise(value, &replacements)))
        .collect()
}

/// The values to replace, longest first: the stacks' ids and names (random), the keys files' paths
/// (random), the project's and HOME's paths.
fn replacements(ctx: &TestContext, files: &BTreeMap<String, Value>) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Some(Value::Object(envs)) = files.get("amplify/team-provider-info.json") {
        for (env, entry) in envs {
            let cfn = &entry["awscloudformation"];
            if let Some(id) = cfn["StackId"].as_str() {
                pairs.push((id.to_string(), format!("[STACK-ID:{env}]")));
            }
            if let Some(name) = cfn["StackName"].as_str() {
                pairs.push((name.to_string(), format!("[STACK:{env}]")));
            }
        }
    }
    if let Some(Value::Object(envs)) = files.get("amplify/.config/local-aws-info.json") {
        for (env, entry) in envs {
            if let Some(path) = entry["awsConfigFilePath"].as_str() {
                pairs.push((path.to_string(), format!("[KEYS-FILE:{env}]")));
            }
        }
    }
    for (path, name) in [
        (ctx.project_dir(), "[PROJECT]"),
        (ctx.home().to_path_buf(), "[HOME]"),
    ] {
        if let Ok(canonical) = fs_err::canonicalize(&path) {
            pairs.push((canonical.display().to_string(), name.to_string()));
        }
        pairs.push((path.display().to_string(), name.to_string()));
    }
    pairs.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    pairs
}

/// `value` with every string's occurrences of a replacement's text replaced.
pub fn normalise(value: Value, replacements: &[(String, String)]) -> Value {
    match value {
        Value::String(mut text) => {
            for (from, to) in replacements {
                if !from.is_empty() {
                    text = text.replace(from.as_str(), to);
                }
            }
            Value::String(text)
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| normalise(v, replacements))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, normalise(v, replacements)))
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

/// Every difference between `expected` and `actual`, field by field: `file#/pointer: ...`.
pub fn differences(
    expected: &BTreeMap<String, Value>,
    actual: &BTreeMap<String, Value>,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (file, theirs) in expected {
        match actual.get(file) {
            None => found.push((file.clone(), "written by the original only".to_string())),
            Some(ours) => compare(&format!("{file}#"), theirs, ours, &mut found),
        }
    }
    for file in actual.keys().filter(|f| !expected.contains_key(*f)) {
        found.push((file.clone(), "written by amplify-rs only".to_string()));
    }
    found
}

fn compare(at: &str, theirs: &Value, ours: &Value, found: &mut Vec<(String, String)>) {
    match (theirs, ours) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{at}/{key}");
                match b.get(key) {
                    None => found.push((here, format!("missing; the original has {value}"))),
                    Some(other) => compare(&here, value, other, found),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                found.push((format!("{at}/{key}"), format!("only here: {}", b[key])));
            }
            let (order_a, order_b): (Vec<_>, Vec<_>) = (
                a.keys().filter(|k| b.contains_key(*k)).collect(),
                b.keys().filter(|k| a.contains_key(*k)).collect(),
            );
            if order_a != order_b {
                found.push((
                    format!("{at} (key order)"),
                    format!("the original's {order_a:?}, here {order_b:?}"),
                ));
            }
        }
        (a, b) if a != b => found.push((at.to_string(), format!("the original has {a}, here {b}"))),
        _ => {}
    }
}
