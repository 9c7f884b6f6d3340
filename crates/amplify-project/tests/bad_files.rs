//! A project's files as people and accidents leave them: truncated, binary, of the wrong types, deeply
//! nested. Loading is an error naming the file, never a panic; the original's project loads.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::path::Path;

use amplify_project::Project;

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

fn copy_fixture(to: &Path) {
    for file in FILES {
        let target = to.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(Path::new(FIXTURE).join(file), target).unwrap();
    }
}

fn load_with(file: &str, contents: &[u8], label: &str) {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    std::fs::write(dir.path().join(file), contents).unwrap();
    if let Err(error) = Project::load(dir.path()) {
        let message = format!("{error} {}", error.hint());
        assert!(
            message.contains(file),
            "{label}: the error names the file: {message}"
        );
    }
}

#[test]
fn the_originals_project_loads() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    let project = Project::load(dir.path()).unwrap();
    assert_eq!(project.project_name().unwrap(), "myapp");
    assert_eq!(
        project.editor().unwrap().id,
        "vscode",
        "the display-name form is read"
    );
}

#[test]
fn hostile_project_files() {
    for file in FILES {
        let valid = std::fs::read(Path::new(FIXTURE).join(file)).unwrap();
        for cut in (0..valid.len()).step_by(7) {
            load_with(file, &valid[..cut], &format!("{file} cut at {cut}"));
        }
        load_with(file, b"\xff\xfe\x00\x01", &format!("{file} binary"));
        load_with(
            file,
            "[".repeat(50_000).as_bytes(),
            &format!("{file} nested"),
        );
        for wrong in [
            "5",
            "[]",
            "null",
            r#"{"projectName": 5, "envName": [], "frontend": {}}"#,
            r#"{"dev": 3}"#,
            r#"{"dev": {"configLevel": 1}}"#,
            r#"{"projectName": "x", "frontend": "javascript", "javascript": {"framework": "svelte"}}"#,
        ] {
            load_with(file, wrong.as_bytes(), &format!("{file}: {wrong}"));
        }
    }
}
