//! Bad input, many times over: random texts built from the characters that matter to the parser (brackets,
//! delimiters, comments, quotes, every kind of line end and white space, non-ASCII), fed to the reader, the
//! resolver and the lossless document. Nothing may panic, every error names the file and a line inside it,
//! and the document always writes back what it read. Seeded (printed); `AMPLIFY_RS_FUZZ_CASES` widens it.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long
#![allow(clippy::print_stderr)] // tests report their seeds and sizes

use amplify_profile::{Document, FileKind, FileLocations, ProfileSet};

const PIECES: &[&str] = &[
    "[",
    "]",
    "[profile ",
    "[default]",
    "[DEFAULT]",
    "[sso-session ",
    "profile",
    "=",
    ":",
    " = ",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "  ",
    "#",
    ";",
    "\"",
    "'",
    "\\",
    "role_arn",
    "source_profile",
    "credential_source",
    "mfa_serial",
    "aws_access_key_id",
    "aws_secret_access_key",
    "region",
    "duration_seconds",
    "s3 =\n  a = b",
    "a",
    "b",
    "x.y",
    "é",
    "\u{feff}",
    "\u{2028}",
    "\u{85}",
    "\u{1c}",
    "😀",
    "arn:aws:iam::111122223333:role/R",
    "900",
    "Environment",
    "\0",
];

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

fn soup(rng: &mut Rng, most: usize) -> String {
    (0..rng.below(most))
        .map(|_| PIECES[rng.below(PIECES.len())])
        .collect()
}

/// Mostly well-formed lines with random parts, a random soup now and then.
fn text(rng: &mut Rng) -> String {
    const NAMES: &[&str] = &["default", "a", "b", "team.dev", "\"my box\"", "x@y", "é"];
    const KEYS: &[&str] = &[
        "role_arn",
        "source_profile",
        "aws_access_key_id",
        "aws_secret_access_key",
        "region",
        "mfa_serial",
        "s3",
        "Region",
    ];
    const ENDS: &[&str] = &["\n", "\n", "\n", "\r\n", "\r"];
    let mut out = if rng.below(10) == 0 {
        String::new()
    } else {
        "[profile start]\n".to_string()
    };
    for _ in 0..rng.below(10) {
        let line = match rng.below(20) {
            0..=2 => format!(
                "[profile {}{}]",
                NAMES[rng.below(NAMES.len())],
                rng.below(50)
            ),
            3 => format!("[{}]", NAMES[rng.below(NAMES.len())]),
            4..=13 => format!(
                "{}{}{}",
                KEYS[rng.below(KEYS.len())],
                [" = ", "=", ": "][rng.below(3)],
                soup(rng, 3)
            ),
            14 => format!("  {}", soup(rng, 3)),
            15..=18 => ["# c", "; c", ""][rng.below(3)].to_string(),
            _ => soup(rng, 6),
        };
        out.push_str(&line);
        out.push_str(ENDS[rng.below(ENDS.len())]);
    }
    out
}

#[test]
fn random_files_never_panic_and_errors_point_inside_the_file() {
    let cases: usize = std::env::var("AMPLIFY_RS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seed: u64 = std::env::var("AMPLIFY_RS_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00F0_22ED);
    eprintln!("profile fuzz: {cases} cases, seed {seed}");
    let mut rng = Rng(seed);
    let files = FileLocations {
        config: "/h/.aws/config".into(),
        credentials: "/h/.aws/credentials".into(),
    };
    let (mut read, mut refused) = (0, 0);
    for case in 0..cases {
        let config = text(&mut rng);
        let credentials = text(&mut rng);
        match ProfileSet::from_texts(&files, Some(&config), Some(&credentials)) {
            Ok(set) => {
                read += 1;
                for name in set.names().collect::<Vec<_>>() {
                    if let Err(error) = set.resolve(name) {
                        assert!(
                            !error.to_string().is_empty() && !error.hint().is_empty(),
                            "case {case}"
                        );
                    }
                }
            }
            Err(error) => {
                refused += 1;
                let which = if error.location.path.ends_with("config") {
                    &config
                } else {
                    &credentials
                };
                let lines = which.split(['\n', '\r']).count().max(1);
                assert!(
                    error.location.line >= 1 && error.location.line <= lines,
                    "case {case} (seed {seed}): line {} of {lines}",
                    error.location.line
                );
                assert!(!error.hint().is_empty());
            }
        }
        for (kind, original) in [
            (FileKind::Config, &config),
            (FileKind::Credentials, &credentials),
        ] {
            let mut document = Document::new(kind, original);
            assert_eq!(
                &document.to_string(),
                original,
                "case {case} (seed {seed}): not lossless"
            );
            let _ = document.set("fuzzed", "region", "us-east-1");
            let _ = document.remove("fuzzed", "region");
        }
    }
    eprintln!("{read} read, {refused} refused");
    assert!(
        read > cases / 20 && refused > cases / 20,
        "the corpus must exercise both outcomes"
    );
}
