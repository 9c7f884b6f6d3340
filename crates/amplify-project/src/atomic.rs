//! The project's JSON as the original writes it (two-space indent, no newline at the end), written and
//! read through `amplify-fs`: atomically, and never more than [`limits::PROJECT_FILE`] bytes.

use std::path::Path;

use amplify_fs::{Mode, limits, read_to_string_capped, write_atomic};
use serde_json::Value;

use crate::error::ProjectError;

pub(crate) fn to_json_text(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("JSON values serialize")
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ProjectError> {
    Ok(write_atomic(path, bytes, Mode::Shared)?)
}

pub(crate) fn write_json(path: &Path, value: &Value) -> Result<(), ProjectError> {
    write_file(path, to_json_text(value).as_bytes())
}

/// A project file's text, `None` if it does not exist.
pub(crate) fn read_text(path: &Path) -> Result<Option<String>, ProjectError> {
    Ok(read_to_string_capped(path, limits::PROJECT_FILE)?)
}
