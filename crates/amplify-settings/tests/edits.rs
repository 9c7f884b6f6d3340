//! Edits of files people write by hand, checked as a user would check them: the bytes of the file.
//!
//! - Round trip: every fixture, and every file of a seeded corpus, reads and writes back byte for byte.
//! - Edits against expected files: each folder of `fixtures/settings/` holds a `config.toml`, an
//!   `edits.txt` listing operations, and `expected.toml` (`AMPLIFY_RS_BLESS=1` writes it: read it before
//!   committing it).
//! - Random edits over the fixtures (seeded; `AMPLIFY_RS_EDIT_SEED=<seed>` replays one): after each edit the
//!   file reads back as the settings before plus the change; `set` removes no line but the key's own,
//!   `unset` adds none; `set` then `unset` of a key the file did not have gives the file back.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long
#![allow(clippy::print_stderr)] // the seed goes to stderr, which cargo shows when a test fails

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use amplify_settings::{Key, Scope, SettingsFile, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/settings")
}

fn scenarios() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("edits.txt").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "the fixtures are there: {dirs:?}");
    dirs
}

fn file(text: &str) -> SettingsFile {
    SettingsFile::from_text(
        Path::new("/home/me/.config/amplify-rs/config.toml"),
        Scope::User,
        text,
    )
}

/// What the file sets, by setting.
fn settings_of(text: &str) -> BTreeMap<Key, Value> {
    let reading = file(text).reading().unwrap();
    assert!(reading.errors.is_empty(), "{:?}\n{text}", reading.errors);
    reading.values.into_iter().map(|(k, v, _)| (k, v)).collect()
}

fn value(key: Key, text: &str) -> Value {
    Value::from_text(&key.definition().kind, text)
        .unwrap_or_else(|| panic!("{text:?} is a value of {key}"))
}

#[test]
fn fixtures_round_trip_byte_for_byte() {
    for dir in scenarios() {
        for name in ["config.toml", "expected.toml"] {
            let text = fs_err::read_to_string(dir.join(name)).unwrap();
            let document: toml_edit::DocumentMut = text.parse().unwrap();
            assert_eq!(document.to_string(), text, "{}", dir.join(name).display());
            settings_of(&text);
        }
    }
}

#[test]
fn fixture_edits_give_the_expected_files() {
    for dir in scenarios() {
        let mut f = file(&fs_err::read_to_string(dir.join("config.toml")).unwrap());
        let edits = fs_err::read_to_string(dir.join("edits.txt")).unwrap();
        for line in edits
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let parts: Vec<&str> = line.splitn(3, " | ").collect();
            let key = Key::from_name(parts[1]).unwrap_or_else(|| panic!("{line}"));
            match parts[0] {
                "set" => f.set(key, &value(key, parts[2])).unwrap(),
                "unset" => assert!(f.unset(key).unwrap(), "{line}: the key was there"),
                "unset-absent" => assert!(!f.unset(key).unwrap(), "{line}: the key was not there"),
                other => panic!("unknown operation {other} in {}", dir.display()),
            }
        }
        let expected = dir.join("expected.toml");
        if std::env::var_os("AMPLIFY_RS_BLESS").is_some() {
            fs_err::write(&expected, f.text()).unwrap();
        }
        let want = fs_err::read_to_string(&expected).unwrap_or_default();
        assert!(
            f.text() == want,
            "{}: got\n{}\n---- want\n{want}",
            expected.display(),
            f.text()
        );
    }
}

/// Whether `small`'s lines appear in `big` in the same order.
fn is_subsequence(small: &[&str], big: &[&str]) -> bool {
    let mut rest = big.iter();
    small.iter().all(|line| rest.any(|b| b == line))
}

/// A small deterministic generator (xorshift), so a failure replays from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A value of `key`, some of them odd to write (quotes, backslashes, `#`).
fn random_value(key: Key, rng: &mut Rng) -> Value {
    let texts: &[&str] = match key {
        Key::AwsTimeout => &["0.1", "5", "2.5", "3600"],
        Key::AwsAttempts => &["1", "4", "10"],
        Key::MfaSession | Key::Progress => &["true", "false"],
        Key::MfaSessionDuration => &["900", "43200", "129600"],
        Key::MfaProcess => &[
            "printf 123456",
            r#"ykman oath accounts code -s "AWS #1""#,
            r"pass otp 'aws\prod'",
        ],
        Key::ReuseMargin => &["300", "900", "1800"],
        Key::Color => &["auto", "always", "never"],
        Key::DefaultProfile => &["default", "bizcorprole", "dev corp"],
    };
    value(key, texts[rng.below(texts.len())])
}

#[test]
fn random_edits_touch_only_their_key() {
    let seed = std::env::var("AMPLIFY_RS_EDIT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_5e77_1235u64);
    eprintln!("seed {seed} (replay with AMPLIFY_RS_EDIT_SEED={seed})");
    let mut rng = Rng(seed.max(1));
    let mut starts: Vec<String> = scenarios()
        .iter()
        .map(|d| fs_err::read_to_string(d.join("config.toml")).unwrap())
        .collect();
    starts.push("[aws] # mine\n\n\n[ui]\n  progress=true\n".into());
    for round in 0..300 {
        let mut f = file(&starts[round % starts.len()]);
        let mut model = settings_of(f.text());
        for _ in 0..8 {
            let key = Key::ALL[rng.below(Key::ALL.len())];
            let before = f.text().to_string();
            let old: Vec<&str> = before.lines().collect();
            let leaf = key.name().split_once('.').unwrap().1;
            let context = format!("seed {seed}, round {round}, {key}, file:\n{before}");
            if rng.below(3) == 0 {
                let was_there = model.remove(&key).is_some();
                assert_eq!(f.unset(key).unwrap(), was_there, "{context}");
                let after = f.text().to_string();
                let new: Vec<&str> = after.lines().collect();
                // Only lines go away (in an inline table, the table's line is rewritten).
                let section = key.name().split_once('.').unwrap().0;
                let kept: Vec<&str> = new
                    .iter()
                    .copied()
                    .filter(|l| !l.trim_start().starts_with(section))
                    .collect();
                assert!(
                    is_subsequence(&kept, &old),
                    "{context}\n---- after\n{after}"
                );
            } else {
                let value = random_value(key, &mut rng);
                let was_there = model.contains_key(&key);
                f.set(key, &value).unwrap();
                model.insert(key, value.clone());
                let after = f.text().to_string();
                let new: Vec<&str> = after.lines().collect();
                // No line goes away but the key's own (or its inline table's).
                let section = key.name().split_once('.').unwrap().0;
                let others: Vec<&str> = old
                    .iter()
                    .copied()
                    .filter(|l| !l.contains(leaf) && !l.trim_start().starts_with(section))
                    .collect();
                assert!(
                    is_subsequence(&others, &new),
                    "{context}\n---- after\n{after}"
                );
                assert!(new.len() <= old.len() + 3, "{context}\n---- after\n{after}");
                if !was_there {
                    let mut undo = file(&after);
                    assert!(undo.unset(key).unwrap());
                    assert_eq!(undo.text(), before, "set then unset: {context}");
                }
            }
            assert_eq!(
                settings_of(f.text()),
                model,
                "{context}\n---- after\n{}",
                f.text()
            );
        }
    }
}
