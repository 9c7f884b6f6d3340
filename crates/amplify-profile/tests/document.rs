//! Tests of [`Document`], the lossless model of one shared file, through what a user would check: the bytes
//! of the file written and what the AWS CLI's reading of it gives.
//!
//! - Round trip: every AWS file under `fixtures/` and every file of the seeded corpus (`common/mod.rs`, the
//!   differential test's generator) writes back byte for byte, whether the reader accepts it or not.
//! - Edits against expected files: each folder of `fixtures/aws-files/` holds a scenario's `config` and
//!   `credentials`, an `edits.txt` listing operations, and `expected-config`/`expected-credentials`.
//! - The semantic property, on the fixtures' edits and on random edits over the corpus: after an edit, the
//!   file read again gives exactly the profiles it gave before plus the change, and the edit touched only the
//!   key's lines; an edit the document refuses leaves the text as it was.
//!
//! Replay a failure with `AMPLIFY_RS_EDIT_SEED=<seed> cargo test -p amplify-profile --test document`;
//! `AMPLIFY_RS_EDIT_CASES=<n>` changes the corpus size (default 2000).

#![allow(clippy::disallowed_methods, clippy::too_many_lines)]
// tests may use std::fs and be long

// The seed and the summary go to stderr on purpose: cargo shows them when the test fails.
#![allow(clippy::print_stderr)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use amplify_profile::parse::{self, Value};
use amplify_profile::{Document, EditError, FileKind, FileLocations, ParseError, ProfileSet};
use common::{DEFAULT_SEED, REQUIRED_FEATURES, Rng, env_number, generate, repo_root};

const DEFAULT_CASES: usize = 2000;
const EDITS_PER_FILE: usize = 6;

// ---------------------------------------------------------------------------------------------------------
// The reader's view of one file, and the check of one edit against it.

type Keys = BTreeMap<String, Value>;

/// What the AWS CLI's reading of one file gives: each profile's keys, and the `[DEFAULT]` keys a new section
/// inherits.
#[derive(Clone, Debug)]
struct Reading {
    profiles: BTreeMap<String, Keys>,
    defaults: Keys,
    /// The keys of each profile's own section (not inherited from `[DEFAULT]`).
    own: BTreeMap<String, BTreeSet<String>>,
}

fn files() -> FileLocations {
    FileLocations {
        config: "/test/.aws/config".into(),
        credentials: "/test/.aws/credentials".into(),
    }
}

fn path(kind: FileKind) -> PathBuf {
    match kind {
        FileKind::Config => files().config,
        FileKind::Credentials => files().credentials,
    }
}

fn read(kind: FileKind, text: &str) -> Result<Reading, ParseError> {
    let files = files();
    let set = match kind {
        FileKind::Config => ProfileSet::from_texts(&files, Some(text), None)?,
        FileKind::Credentials => ProfileSet::from_texts(&files, None, Some(text))?,
    };
    let parsed = parse::parse(&path(kind), text)?;
    let mut reading = Reading {
        profiles: BTreeMap::new(),
        defaults: parsed
            .defaults
            .iter()
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect(),
        own: BTreeMap::new(),
    };
    for name in set.names() {
        let profile = set.get(name).expect("a listed profile");
        let keys = profile
            .properties()
            .map(|(k, p)| (k.to_string(), p.value.clone()))
            .collect();
        reading.profiles.insert(name.to_string(), keys);
        // The section the profile was read from, found by its header's line.
        let line = profile.sections()[0].line;
        let section = parsed
            .sections
            .iter()
            .find(|s| s.line == line)
            .expect("the profile's section");
        let own = section.properties.iter().map(|p| p.key.clone()).collect();
        reading.own.insert(name.to_string(), own);
    }
    Ok(reading)
}

#[derive(Clone, Debug)]
enum Op {
    Set {
        profile: String,
        key: String,
        value: String,
    },
    Remove {
        profile: String,
        key: String,
    },
}

impl Op {
    fn profile(&self) -> &str {
        match self {
            Op::Set { profile, .. } | Op::Remove { profile, .. } => profile,
        }
    }

    fn key(&self) -> &str {
        match self {
            Op::Set { key, .. } | Op::Remove { key, .. } => key,
        }
    }
}

#[derive(Debug)]
enum Outcome {
    Set,
    Removed(bool),
    Refused(EditError),
}

/// Python's `str.isspace`, which the reader strips.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Why the rules of the document refuse `op`, if they do (the test's own statement of the rules in
/// `docs/profiles.md`): a bad key or value first, then a file the reader refuses, then a new profile's name
/// that cannot be a header.
fn expected_refusal(kind: FileKind, op: &Op, readable: bool, exists: bool) -> Option<&'static str> {
    let key = op.key();
    if key.is_empty()
        || key.contains(py_space)
        || key.contains(['=', ':', '['])
        || key.starts_with(['#', ';'])
    {
        return Some("InvalidKey");
    }
    if let Op::Set { value, .. } = op
        && (value.contains(['\n', '\r'])
            || value.starts_with(py_space)
            || value.ends_with(py_space))
    {
        return Some("InvalidValue");
    }
    if !readable {
        return Some("Unreadable");
    }
    if let Op::Set { .. } = op {
        let profile = op.profile();
        if !exists
            && (profile.is_empty()
                || profile.contains(['\n', '\r'])
                || (kind == FileKind::Credentials && profile == "DEFAULT"))
        {
            return Some("UnwritableProfile");
        }
    }
    None
}

fn variant(error: &EditError) -> &'static str {
    match error {
        EditError::InvalidKey { .. } => "InvalidKey",
        EditError::InvalidValue { .. } => "InvalidValue",
        EditError::UnwritableProfile { .. } => "UnwritableProfile",
        EditError::Unreadable { .. } => "Unreadable",
        EditError::WouldBreak { .. } => "WouldBreak",
        EditError::Unverified { .. } => "Unverified",
    }
}

/// A file's lines with their ends, as the reader splits them.
fn lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let at = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let end = if rest[at..].starts_with("\r\n") {
            at + 2
        } else {
            (at + 1).min(rest.len())
        };
        lines.push(&rest[..end]);
        rest = &rest[end..];
    }
    lines
}

fn content(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

fn indent(line: &str) -> usize {
    line.chars().take_while(|c| py_space(*c)).count()
}

/// The lines an edit changed: those of `before` and of `after` between their common first and last lines,
/// and the unchanged line above them.
struct Changed<'a> {
    old: Vec<&'a str>,
    new: Vec<&'a str>,
    above: Option<&'a str>,
}

fn changed<'a>(before: &'a str, after: &'a str) -> Changed<'a> {
    // A byte order mark is not part of the first line (and no edit adds or removes one).
    let bom = |text: &'a str| text.strip_prefix('\u{feff}').unwrap_or(text);
    let (old, new) = (lines(bom(before)), lines(bom(after)));
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let mut changed = Changed {
        old: old[prefix..old.len() - suffix].to_vec(),
        new: new[prefix..new.len() - suffix].to_vec(),
        above: prefix.checked_sub(1).map(|i| old[i]),
    };
    // Lines removed from between a line ended by a lone CR and a blank line ended by LF let the two ends
    // meet as one CRLF: the line above looks changed and the blank line gone, though neither was edited.
    if let ([first, .., last], [joined, ..]) = (&changed.old[..], &changed.new[..])
        && first.ends_with('\r')
        && *last == "\n"
        && joined.strip_prefix(*first) == Some("\n")
    {
        changed.above = Some(first);
        changed.old = changed.old[1..changed.old.len() - 1].to_vec();
        changed.new.remove(0);
    }
    changed
}

/// Whether `line` is the line of `key`, as the reader splits it.
fn is_key_line(line: &str, key: &str) -> bool {
    let text = content(line).trim_matches(py_space);
    text.split_once(['=', ':'])
        .is_some_and(|(k, _)| k.trim_end_matches(py_space).to_lowercase() == key.to_lowercase())
}

/// Checks that the removed lines are one key's: its line (unless it was written back unchanged, when it is
/// the line above them), then its value's continuation lines with the blank lines and comments among them.
fn is_key_span(changed: &Changed<'_>, key: &str) -> Result<(), String> {
    let Some(first) = changed.old.first() else {
        return Ok(());
    };
    // The key's line is the first changed one, or, when it was written back unchanged, the one above them
    // (either may look like the key's line: a nested map's inner line can name the same key).
    let mut candidates = Vec::new();
    if is_key_line(first, key) {
        candidates.push((*first, &changed.old[1..]));
    }
    if let Some(above) = changed
        .above
        .filter(|l| changed.new.is_empty() && is_key_line(l, key))
    {
        candidates.push((above, &changed.old[..]));
    }
    let mut problem = format!("the first changed line {first:?} is not the key's line");
    for (key_line, rest) in candidates {
        let stray = rest.iter().find(|line| {
            let text = content(line).trim_matches(py_space);
            let continuation = text.is_empty()
                || text.starts_with(['#', ';'])
                || indent(content(line)) > indent(content(key_line));
            !continuation
        });
        match stray {
            None => return Ok(()),
            Some(line) => {
                problem = format!("the changed line {line:?} is not part of the key's value")
            }
        }
    }
    Err(problem)
}

/// Applies `op` to `doc` and checks it: an accepted edit must give the reading before plus the change and
/// touch only the key's lines; a refused one must be refused for the documented reason and change nothing.
fn apply_checked(doc: &mut Document, op: &Op) -> Result<Outcome, String> {
    let kind = doc.kind();
    let before_text = doc.to_string();
    let before = read(kind, &before_text);
    let result = match op {
        Op::Set {
            profile,
            key,
            value,
        } => doc.set(profile, key, value).map(|()| Outcome::Set),
        Op::Remove { profile, key } => doc.remove(profile, key).map(Outcome::Removed),
    };
    let after_text = doc.to_string();
    let exists = before
        .as_ref()
        .is_ok_and(|r| r.profiles.contains_key(op.profile()));
    if before.is_ok()
        && doc.has_profile(op.profile()) != (exists || matches!(result, Ok(Outcome::Set)))
    {
        return Err(format!(
            "has_profile({:?}) disagrees with the reader",
            op.profile()
        ));
    }
    let outcome = match result {
        Err(error) => {
            if after_text != before_text {
                return Err(format!("refused ({error}) but the text changed"));
            }
            let expected = match expected_refusal(kind, op, before.is_ok(), exists) {
                Some(reason) => reason,
                // A nested map in [DEFAULT] that every section overrode, exposed by a new or emptied section.
                None if variant(&error) == "WouldBreak" && before_text.contains("DEFAULT") => {
                    "WouldBreak"
                }
                None => "no refusal",
            };
            if variant(&error) != expected {
                return Err(format!("refused with {error} (expected {expected})"));
            }
            let message = format!("{error} {}", error.hint());
            if !message.contains(&kind.to_string()) {
                return Err(format!(
                    "the error does not name the {kind} file: {message}"
                ));
            }
            return Ok(Outcome::Refused(error));
        }
        Ok(outcome) => outcome,
    };
    let before = before.map_err(|e| format!("an unreadable file was edited (reader: {e})"))?;
    if let Some(reason) = expected_refusal(kind, op, true, exists) {
        return Err(format!("accepted, but the rules say {reason}"));
    }
    let after = read(kind, &after_text).map_err(|e| format!("the edited file is refused: {e}"))?;
    if Document::new(kind, &after_text).to_string() != after_text {
        return Err("the edited text does not round-trip".into());
    }

    // The reading before plus the change.
    let mut expected = before.profiles.clone();
    let key = op.key().to_lowercase();
    let own_before = before
        .own
        .get(op.profile())
        .is_some_and(|own| own.contains(&key));
    match (op, &outcome) {
        (Op::Set { profile, value, .. }, _) => {
            expected
                .entry(profile.clone())
                .or_insert_with(|| before.defaults.clone())
                .insert(key.clone(), Value::Text(value.clone()));
        }
        (Op::Remove { profile, .. }, Outcome::Removed(removed)) => {
            if *removed != own_before {
                return Err(format!(
                    "remove returned {removed}, but the section had the key: {own_before}"
                ));
            }
            if *removed {
                let keys = expected.get_mut(profile).expect("a profile with the key");
                match before.defaults.get(&key) {
                    Some(inherited) => keys.insert(key.clone(), inherited.clone()),
                    None => keys.remove(&key),
                };
            }
        }
        (Op::Remove { .. }, _) => unreachable!("remove gives Removed"),
    }
    if after.profiles != expected {
        return Err(format!(
            "the reading after the edit is not the reading before plus the change:\n  expected {expected:?}\n  got      {:?}",
            after.profiles
        ));
    }

    // Only the key's lines were touched.
    let diff = changed(&before_text, &after_text);
    let (old, new) = (&diff.old, &diff.new);
    // The file's unended last line, given a line end before lines are added after it.
    let ended_last_line = |old: &[&str], new: &[&str]| {
        old.len() == 1
            && !old[0].ends_with(['\n', '\r'])
            && new.first().is_some_and(|line| {
                line.strip_prefix(old[0])
                    .is_some_and(|end| end == "\n" || end == "\r\n")
            })
    };
    match (op, &outcome) {
        (Op::Remove { .. }, Outcome::Removed(false)) => {
            if before_text != after_text {
                return Err("remove returned false but the text changed".into());
            }
        }
        (Op::Remove { .. }, _) => {
            if !new.is_empty() {
                return Err(format!("a removal added lines {new:?}"));
            }
            is_key_span(&diff, op.key())?;
        }
        (Op::Set { .. }, _) if own_before => {
            if new.len() > 1 {
                return Err(format!("replacing a value wrote {new:?}"));
            }
            is_key_span(&diff, op.key())?;
        }
        (Op::Set { .. }, _) => {
            // A new key line (after a new header, and a blank line, for a new section), and the old last
            // line given a line end if it had none.
            let fixed = usize::from(!old.is_empty());
            if !old.is_empty() && !ended_last_line(old, new) {
                return Err(format!("adding a key changed the lines {old:?}"));
            }
            let added = &new[fixed..];
            let allowed = if exists { 1..=1 } else { 2..=3 };
            if !allowed.contains(&added.len()) {
                return Err(format!("adding a key wrote the lines {added:?}"));
            }
            let last = added[added.len() - 1];
            if !is_key_line(last, &key) {
                return Err(format!("the added line {last:?} is not the key's"));
            }
        }
    }
    Ok(outcome)
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures.

fn fixtures() -> PathBuf {
    repo_root().join("fixtures")
}

/// Every AWS file under `fixtures/`: `config`, `credentials` and the expected files of edit scenarios.
fn aws_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs_err::read_dir(dir)
        .expect("a fixtures folder")
        .map(|e| e.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            aws_files(&path, found);
        } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            matches!(
                n,
                "config" | "credentials" | "expected-config" | "expected-credentials"
            )
        }) {
            found.push(path);
        }
    }
}

fn kind_of(path: &Path) -> FileKind {
    if path.to_string_lossy().ends_with("credentials") {
        FileKind::Credentials
    } else {
        FileKind::Config
    }
}

#[test]
fn every_fixture_file_writes_back_byte_for_byte() {
    let mut found = Vec::new();
    aws_files(&fixtures(), &mut found);
    assert!(
        found.len() >= 20,
        "only {} AWS files under {}",
        found.len(),
        fixtures().display()
    );
    for path in &found {
        let text = fs_err::read_to_string(path).expect("a UTF-8 fixture");
        let written = Document::new(kind_of(path), &text).to_string();
        assert!(
            written == text,
            "{} does not write back byte for byte",
            path.display()
        );
    }
    eprintln!("round trip: {} fixture files", found.len());
}

/// One line of `edits.txt`: `file | operation | profile | key | value`.
struct Step {
    line: usize,
    kind: FileKind,
    operation: String,
    op: Op,
}

fn steps(path: &Path) -> Vec<Step> {
    let text = fs_err::read_to_string(path).unwrap();
    let mut steps = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(5, '|').map(str::trim).collect();
        let where_ = format!("{}:{}", path.display(), index + 1);
        assert!(fields.len() >= 4, "{where_}: too few fields");
        let kind = match fields[0] {
            "config" => FileKind::Config,
            "credentials" => FileKind::Credentials,
            other => panic!("{where_}: unknown file {other:?}"),
        };
        let (profile, key) = (fields[2].to_string(), fields[3].to_string());
        let op = match fields[1] {
            "set" | "refuse-set" => Op::Set {
                profile,
                key,
                value: fields.get(4).expect("a value").to_string(),
            },
            "remove" | "remove-absent" | "refuse-remove" => Op::Remove { profile, key },
            other => panic!("{where_}: unknown operation {other:?}"),
        };
        steps.push(Step {
            line: index + 1,
            kind,
            operation: fields[1].to_string(),
            op,
        });
    }
    steps
}

#[test]
fn edits_give_the_expected_files() {
    let root = fixtures().join("aws-files");
    let mut scenarios: Vec<PathBuf> = fs_err::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    scenarios.sort();
    assert!(
        scenarios.len() >= 6,
        "too few scenarios in {}",
        root.display()
    );
    let (mut edits, mut compared) = (0usize, 0usize);
    for scenario in &scenarios {
        let edits_file = scenario.join("edits.txt");
        let steps = steps(&edits_file);
        assert!(!steps.is_empty(), "{} lists no edits", edits_file.display());
        for (kind, name) in [
            (FileKind::Config, "config"),
            (FileKind::Credentials, "credentials"),
        ] {
            let input = scenario.join(name);
            let expected_path = scenario.join(format!("expected-{name}"));
            let mine: Vec<&Step> = steps.iter().filter(|s| s.kind == kind).collect();
            if !input.exists() && mine.is_empty() {
                continue;
            }
            let text = if input.exists() {
                fs_err::read_to_string(&input).unwrap()
            } else {
                String::new()
            };
            let mut doc = Document::new(kind, &text);
            for step in mine {
                let outcome = apply_checked(&mut doc, &step.op).unwrap_or_else(|problem| {
                    panic!("{}:{}: {problem}", edits_file.display(), step.line)
                });
                let ok = matches!(
                    (step.operation.as_str(), &outcome),
                    ("set", Outcome::Set)
                        | ("remove", Outcome::Removed(true))
                        | ("remove-absent", Outcome::Removed(false))
                        | ("refuse-set" | "refuse-remove", Outcome::Refused(_))
                );
                assert!(
                    ok,
                    "{}:{}: {} gave {outcome:?}",
                    edits_file.display(),
                    step.line,
                    step.operation
                );
                edits += 1;
            }
            let expected = fs_err::read_to_string(&expected_path).unwrap_or_else(|e| {
                panic!("{e}: each file a scenario has or edits needs its expected file")
            });
            let got = doc.to_string();
            assert!(
                got == expected,
                "{}: the edits of {} give\n{got:?}\nnot\n{expected:?}",
                expected_path.display(),
                edits_file.display()
            );
            compared += 1;
        }
    }
    eprintln!(
        "edits: {edits} edits in {} scenarios, {compared} files compared byte for byte",
        scenarios.len()
    );
}

// ---------------------------------------------------------------------------------------------------------
// The corpus.

fn seed_and_count() -> (u64, usize) {
    let seed = env_number("AMPLIFY_RS_EDIT_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("AMPLIFY_RS_EDIT_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    eprintln!(
        "document test: seed {seed} (replay with AMPLIFY_RS_EDIT_SEED={seed}), {count} cases"
    );
    (seed, count)
}

/// The corpus's files, each with its kind.
fn corpus(seed: u64, count: usize) -> Vec<(usize, FileKind, String)> {
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
    let mut files = Vec::new();
    for case in cases {
        if let Some(text) = case.config {
            files.push((case.id, FileKind::Config, text));
        }
        if let Some(text) = case.credentials {
            files.push((case.id, FileKind::Credentials, text));
        }
    }
    files
}

#[test]
fn every_corpus_file_writes_back_byte_for_byte() {
    let (seed, count) = seed_and_count();
    let files = corpus(seed, count);
    let mut refused = 0usize;
    for (id, kind, text) in &files {
        let written = Document::new(*kind, text).to_string();
        assert!(
            written == *text,
            "seed {seed}, case {id}: the {kind} file {text:?} writes back as {written:?}"
        );
        refused += usize::from(read(*kind, text).is_err());
    }
    assert!(
        files.len() >= 1000,
        "only {} files in the corpus",
        files.len()
    );
    eprintln!(
        "round trip: {} corpus files of {count} cases ({refused} of them refused by the reader), seed {seed}",
        files.len()
    );
}

const NEW_NAMES: &[&str] = &[
    "new",
    "My Box",
    "it's",
    "a\"b",
    "back\\slash",
    "default",
    "DEFAULT",
    "profile x",
    "tab\there",
    "",
    "line\nbreak",
    "cr\rhere",
    "ünïcödé",
    "#hash",
    "a]b",
    "x y z",
    "'",
    "\"",
    "\\",
    "team.dev",
    " lead",
    "nb\u{a0}sp",
];

const NEW_KEYS: &[&str] = &[
    "region",
    "output",
    "mfa_serial",
    "Role_Arn",
    "ключ",
    "k.dot",
    "k]",
    "ΣΑΣ",
    "s3",
    "",
    "a b",
    "a=b",
    "x:y",
    "[k",
    "#k",
    ";k",
    "tab\tkey",
    "nb\u{a0}sp",
];

const NEW_VALUES: &[&str] = &[
    "eu-west-1",
    "",
    "a=b:c",
    "x # not a comment",
    "ünïcödé ✓",
    "\"q\"",
    "trailing\\",
    "has\u{85}nel",
    "[not a header]",
    "arn:aws:iam::111122223333:role/Admin",
    " lead",
    "trail ",
    "new\nline",
    "cr\rhere",
    "\u{a0}nbsp",
];

/// A random edit of a file read as `reading` (`None`: refused by the reader).
fn random_op(rng: &mut Rng, reading: Option<&Reading>) -> Op {
    let names: Vec<&str> = reading
        .map(|r| r.profiles.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let existing = (!names.is_empty() && rng.chance(80)).then(|| names[rng.below(names.len())]);
    let profile = existing.unwrap_or_else(|| rng.pick(NEW_NAMES)).to_string();
    let keys: Vec<&str> = existing
        .and_then(|p| reading?.profiles.get(p))
        .map(|keys| keys.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let key = if !keys.is_empty() && rng.chance(65) {
        let key = keys[rng.below(keys.len())];
        if rng.chance(25) {
            key.to_uppercase()
        } else {
            key.to_string()
        }
    } else {
        rng.pick(NEW_KEYS).to_string()
    };
    if rng.chance(35) {
        Op::Remove { profile, key }
    } else {
        let value = rng.pick(NEW_VALUES).to_string();
        Op::Set {
            profile,
            key,
            value,
        }
    }
}

#[test]
fn random_edits_change_only_their_key() {
    let (seed, count) = seed_and_count();
    let mut rng = Rng::new(seed ^ 0xED17);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let files = corpus(seed, count);
    for (id, kind, text) in &files {
        let mut doc = Document::new(*kind, text);
        for step in 0..EDITS_PER_FILE {
            let reading = read(*kind, &doc.to_string()).ok();
            let op = random_op(&mut rng, reading.as_ref());
            let before = doc.to_string();
            match apply_checked(&mut doc, &op) {
                Ok(outcome) => {
                    let label = match (&op, &outcome) {
                        (_, Outcome::Refused(error)) => format!("refused: {}", variant(error)),
                        (Op::Set { .. }, _) => "set".to_string(),
                        (_, Outcome::Removed(true)) => "removed".to_string(),
                        _ => "remove of an absent key".to_string(),
                    };
                    *counts.entry(label).or_default() += 1;
                }
                Err(problem) => {
                    failures.push(format!(
                        "--- seed {seed}, case {id}, {kind} file, edit {step}: {op:?}\n  before: {before:?}\n  after:  {:?}\n  {problem}",
                        doc.to_string()
                    ));
                    break;
                }
            }
        }
    }
    eprintln!("random edits over {} files: {counts:?}", files.len());
    assert!(
        failures.is_empty(),
        "{} files failed (seed {seed}; replay with AMPLIFY_RS_EDIT_SEED={seed}). The first 10:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let checked =
        counts.get("set").copied().unwrap_or(0) + counts.get("removed").copied().unwrap_or(0);
    assert!(
        checked >= 2000,
        "only {checked} accepted edits were checked: the generator refuses too many"
    );
    for wanted in [
        "refused: InvalidKey",
        "refused: InvalidValue",
        "refused: Unreadable",
    ] {
        assert!(counts.contains_key(wanted), "no edit was {wanted}");
    }
}
