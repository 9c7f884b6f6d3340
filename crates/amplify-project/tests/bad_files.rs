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

/// Loads the fixture with `file` replaced; an error must name the file. Returns the error's text, `None`
/// when the project loaded.
fn load_with(file: &str, contents: &[u8], label: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    std::fs::write(dir.path().join(file), contents).unwrap();
    match Project::load(dir.path()) {
        Ok(_) => None,
        Err(error) => {
            let message = format!("{error} {}", error.hint());
            assert!(
                message.contains(file),
                "{label}: the error names the file: {message}"
            );
            Some(message)
        }
    }
}

/// The fixture with `file`'s JSON changed by `edit`, loaded; the error's text.
fn refused(file: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(Path::new(FIXTURE).join(file)).unwrap()).unwrap();
    edit(&mut value);
    load_with(file, value.to_string().as_bytes(), file).expect("the project is refused")
}

/// A cloned repository is untrusted input: what it holds must not lead outside the project, reach the
/// terminal raw, or make amplify-rs read without end.
#[test]
fn values_a_stranger_can_plant_are_refused() {
    let config = "amplify/.config/project-config.json";
    for dir in ["/etc", "../../outside", "src/../../x"] {
        let error = refused(config, |v| {
            v["javascript"]["config"]["SourceDir"] = dir.into()
        });
        assert!(
            error.contains("leads outside the project"),
            "{dir}: {error}"
        );
    }
    let error = refused(config, |v| v["projectName"] = "my\u{1b}[2Japp".into());
    assert!(
        !error.contains('\u{1b}'),
        "no escape reaches the terminal: {error:?}"
    );
    assert!(error.contains("\\u{1b}"), "{error}");
    let error = refused("amplify/team-provider-info.json", |v| {
        v["../dev"] = v["dev"].clone();
    });
    assert!(
        error.contains("is not 2 to 10 lower-case letters"),
        "{error}"
    );
    let error = refused("amplify/.config/local-env-info.json", |v| {
        v["envName"] = "\u{7}".into()
    });
    assert!(error.contains("envName"), "{error}");

    let huge = vec![b' '; 17 << 20];
    let error = load_with(config, &huge, "huge").expect("refused");
    assert!(error.contains("larger than 16 MiB"), "{error}");
}

#[test]
fn a_keys_file_that_is_not_a_file_is_refused() {
    let error = amplify_project::AccessKeysFile::read(Path::new("/dev/zero")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("/dev/zero is not a regular file"),
        "{error}"
    );
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
            let label = format!("{file} cut at {cut}");
            assert!(
                load_with(file, &valid[..cut], &label).is_some(),
                "{label}: refused"
            );
        }
        let label = format!("{file} binary");
        assert!(
            load_with(file, b"\xff\xfe\x00\x01", &label).is_some(),
            "{label}"
        );
        let label = format!("{file} nested");
        assert!(
            load_with(file, "[".repeat(50_000).as_bytes(), &label).is_some(),
            "{label}"
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
