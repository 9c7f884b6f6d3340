//! Project files are input a stranger can write (a cloned repository): seeded mutations of the original's
//! project files, loaded and read field by field, never panic, and every refusal names a file.
//! `AMPLIFY_RS_FUZZ_CASES` sets the count (CI runs 1,000; `cargo xtask soak` many more),
//! `AMPLIFY_RS_FUZZ_SEED` replays a run.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long
#![allow(clippy::print_stderr)] // the seed and the counts go to stderr, which cargo shows when a test fails

use std::path::Path;

use amplify_project::Project;
use rand::{Rng, SeedableRng};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/original-amplify-init"
);
const FILES: [&str; 4] = [
    "amplify/.config/project-config.json",
    "amplify/.config/local-env-info.json",
    "amplify/.config/local-aws-info.json",
    "amplify/team-provider-info.json",
];

/// Pieces a mutation splices in: the characters and values that make JSON and paths interesting.
const PIECES: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "1e400",
    "-0",
    "\"\\u0000\"",
    "\"\\u001b[2J\"",
    "\"../../x\"",
    "\"/etc\"",
    "\"dev\"",
    "\"configLevel\"",
    "\"project\"",
    "\"useProfile\"",
    "\"profileName\"",
    "\"awsConfigFilePath\"",
    "\"/dev/zero\"",
    "\"SourceDir\"",
    "\"javascript\"",
    "\"envName\"",
    "\u{feff}",
];

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mutate(rng: &mut rand::rngs::StdRng, bytes: &mut Vec<u8>) {
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(0..=bytes.len());
        match rng.random_range(0..4) {
            0 if !bytes.is_empty() => {
                let end = (at + rng.random_range(1..20)).min(bytes.len());
                bytes.drain(at.min(bytes.len() - 1)..end);
            }
            1 => {
                let piece = PIECES[rng.random_range(0..PIECES.len())];
                bytes.splice(at..at, piece.bytes());
            }
            2 if at < bytes.len() => bytes[at] = rng.random(),
            _ => bytes.truncate(at),
        }
    }
}

/// Everything a command reads from a loaded project.
fn read_all(project: &Project) {
    let _ = project.project_name();
    let _ = project.env_name();
    let _ = project.frontend().map(|f| f.summary_lines());
    let _ = project.editor();
    let _ = project.tags();
    for env in project.environments() {
        let _ = project.auth(&env);
        let _ = project.outputs(&env);
    }
}

#[test]
fn mutated_project_files_never_panic_and_refusals_name_the_file() {
    let cases = setting("AMPLIFY_RS_FUZZ_CASES", 1_000);
    let seed = setting("AMPLIFY_RS_FUZZ_SEED", 20_261_129);
    eprintln!("project fuzz: {cases} cases, seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let originals: Vec<Vec<u8>> = FILES
        .iter()
        .map(|f| std::fs::read(Path::new(FIXTURE).join(f)).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let (mut loaded, mut refused) = (0, 0);
    for case in 0..cases {
        for (file, original) in FILES.iter().zip(&originals) {
            let target = dir.path().join(file);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, original).unwrap();
        }
        let which = rng.random_range(0..FILES.len());
        let mut bytes = originals[which].clone();
        mutate(&mut rng, &mut bytes);
        std::fs::write(dir.path().join(FILES[which]), &bytes).unwrap();
        match Project::load(dir.path()) {
            Ok(project) => {
                loaded += 1;
                read_all(&project);
            }
            Err(error) => {
                refused += 1;
                let message = format!("{error} {}", error.hint());
                assert!(
                    FILES.iter().any(|f| message.contains(f)),
                    "case {case} (seed {seed}): the error names no file: {message}"
                );
            }
        }
    }
    eprintln!("{loaded} mutated projects loaded, {refused} refused with the file named");
    assert!(
        loaded > 0 && refused > 0,
        "the mutations reach both outcomes"
    );
}
