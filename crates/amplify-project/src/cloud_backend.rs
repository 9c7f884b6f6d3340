//! `amplify/#current-cloud-backend/`: an environment's backend as it was last deployed. The original keeps it
//! in the project (ignored by git) and, zipped, in the environment's deployment bucket; its `amplify push`
//! and a teammate's `amplify init` of the environment start from the bucket's copy. A new environment's is
//! three files: `amplify-meta.json` (the root stack's outputs), `tags.json` (the project's tags, not filled
//! in) and the root stack's template as the original stores it.

use std::path::Path;

use crate::atomic::{to_json_text, write_file};
use crate::error::ProjectError;
use crate::project::StackOutputs;

/// The folder, relative to the project's root.
pub const DIR: &str = "amplify/#current-cloud-backend";
/// The root stack's template, relative to [`DIR`] and to `amplify/backend/`.
pub const ROOT_TEMPLATE: &str = "awscloudformation/build/root-cloudformation-stack.json";
/// The stack outputs, relative to [`DIR`].
pub const META: &str = "amplify-meta.json";
pub const TAGS: &str = "tags.json";

/// The root stack's template as the original stores it in the project (`amplify/backend/` and
/// [`DIR`]): its CDK synthesis, byte for byte. It is not the template sent to CreateStack (the original
/// deploys that one from its resources, and replaces it on its first push that changes something). The bytes
/// matter: the original's `amplify push` decides whether the root stack changed by comparing the two copies
/// byte for byte, and a teammate's clone regenerates the local copy, so any other bytes would make their next
/// push update the root stack for nothing.
pub const STORED_ROOT_TEMPLATE: &str = include_str!("templates/root-cloudformation-stack.json");

/// The files of a cloud backend, by path relative to its folder (`/`-separated), in the original's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloudBackend {
    files: Vec<(String, Vec<u8>)>,
}

/// `{"providers":{"awscloudformation":{...outputs...}}}`, as the original writes `amplify-meta.json`.
pub fn amplify_meta(outputs: &StackOutputs) -> String {
    to_json_text(&serde_json::json!({"providers": {"awscloudformation": outputs.0}}))
}

impl CloudBackend {
    /// What a new environment's deployment leaves, for a project whose `amplify/backend/tags.json` holds
    /// `tags_json`.
    pub fn new_environment(outputs: &StackOutputs, tags_json: &str) -> CloudBackend {
        CloudBackend {
            files: vec![
                (META.into(), amplify_meta(outputs).into_bytes()),
                (
                    ROOT_TEMPLATE.into(),
                    STORED_ROOT_TEMPLATE.as_bytes().to_vec(),
                ),
                (TAGS.into(), tags_json.as_bytes().to_vec()),
            ],
        }
    }

    /// Files read from elsewhere (a zip); paths must already be checked to stay inside the folder.
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> CloudBackend {
        CloudBackend { files }
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files().find(|(p, _)| *p == path).map(|(_, b)| b)
    }

    /// Writes the files under `dir` (which must be empty or missing).
    pub(crate) fn write_into(&self, dir: &Path) -> Result<(), ProjectError> {
        for (path, bytes) in self.files() {
            write_file(&dir.join(path), bytes)?;
        }
        Ok(())
    }

    /// Replaces `root`'s `#current-cloud-backend/` with these files: written beside it, then swapped in, so
    /// the folder is always the old one or the new one.
    pub(crate) fn replace_in(&self, root: &Path) -> Result<(), ProjectError> {
        let target = root.join(DIR);
        let amplify = root.join("amplify");
        let fs_err = |path: &Path, source| amplify_fs::FsError::Write {
            path: path.to_path_buf(),
            source,
        };
        let stage = tempfile::Builder::new()
            .prefix(".current-cloud-backend-")
            .tempdir_in(&amplify)
            .map_err(|e| fs_err(&amplify, e))?;
        self.write_into(stage.path())?;
        let old = amplify.join(format!(".current-cloud-backend-old-{}", std::process::id()));
        if target.exists() {
            fs_err::rename(&target, &old).map_err(|e| fs_err(&target, e))?;
        }
        let stage = stage.keep();
        if let Err(e) = fs_err::rename(&stage, &target) {
            // Put the old folder back: nothing changed.
            let _ = fs_err::rename(&old, &target);
            let _ = fs_err::remove_dir_all(&stage);
            return Err(fs_err(&target, e).into());
        }
        let _ = fs_err::remove_dir_all(&old);
        Ok(())
    }
}
