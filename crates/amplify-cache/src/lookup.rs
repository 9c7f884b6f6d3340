//! What a lookup keeps of `cache.json`: the file streams through the scanner in chunks, and only the
//! bytes of `"amplify-rs"`'s `"version"` and of the one project asked for are copied. Other programs'
//! entries and other projects are checked as JSON and passed over; nothing is allocated per project, so a
//! lookup among 100,000 projects costs about what reading the file costs.
//!
//! Duplicate keys resolve as `JSON.parse` (the original CLI's reader) resolves them: the last one wins.

use crate::scan::{Chunk, Kind, Visitor, key_is};

/// The top-level key this program owns in the shared file.
pub(crate) const OWN_KEY: &str = "amplify-rs";

/// What was found of our section.
#[derive(Debug)]
pub(crate) struct OwnFound {
    pub kind: Kind,
    /// The text of `"version"`'s value.
    pub version: Option<Vec<u8>>,
    pub projects: Option<Kind>,
    /// The text of the project's entries, when `"projects"` has it.
    pub project: Option<Vec<u8>>,
}

/// Which member of our section is open at depth 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Version,
    Projects,
    Other,
}

#[derive(Debug)]
struct Capture {
    depth: usize,
    start: u64,
    bytes: Vec<u8>,
    field: Field,
}

/// Finds one project's entries.
#[derive(Debug)]
pub(crate) struct ProjectFinder<'a> {
    project: &'a str,
    pub root: Option<Kind>,
    pub own: Option<OwnFound>,
    /// The member open at depth 1 is `"amplify-rs"`.
    in_own: bool,
    field: Field,
    /// The member open at depth 3 is the project asked for.
    ours: bool,
    capture: Option<Capture>,
}

impl<'a> ProjectFinder<'a> {
    pub fn new(project: &'a str) -> Self {
        Self {
            project,
            root: None,
            own: None,
            in_own: false,
            field: Field::Other,
            ours: false,
            capture: None,
        }
    }

    fn own_is_object(&self) -> bool {
        self.in_own
            && self
                .own
                .as_ref()
                .is_some_and(|own| own.kind == Kind::Object)
    }

    fn start_capture(&mut self, depth: usize, start: u64, field: Field) {
        self.capture = Some(Capture {
            depth,
            start,
            bytes: Vec::new(),
            field,
        });
    }
}

impl Visitor for ProjectFinder<'_> {
    fn key(&mut self, depth: usize, raw: &[u8], _start: u64) {
        match depth {
            1 => self.in_own = key_is(raw, OWN_KEY),
            2 if self.own_is_object() => {
                self.field = if key_is(raw, "version") {
                    Field::Version
                } else if key_is(raw, "projects") {
                    Field::Projects
                } else {
                    Field::Other
                };
            }
            3 => {
                self.ours = self.field == Field::Projects
                    && self.own_is_object()
                    && self.own.as_ref().and_then(|own| own.projects) == Some(Kind::Object)
                    && key_is(raw, self.project);
            }
            _ => {}
        }
    }

    fn begin(&mut self, depth: usize, kind: Kind, offset: u64) {
        match depth {
            0 => self.root = Some(kind),
            1 => {
                self.field = Field::Other;
                if self.in_own {
                    // A later "amplify-rs" replaces an earlier one.
                    self.own = Some(OwnFound {
                        kind,
                        version: None,
                        projects: None,
                        project: None,
                    });
                }
            }
            2 if self.own_is_object() => {
                self.ours = false;
                match self.field {
                    Field::Version => self.start_capture(2, offset, Field::Version),
                    Field::Projects => {
                        let own = self.own.as_mut().expect("in our section");
                        own.projects = Some(kind);
                        own.project = None;
                    }
                    Field::Other => {}
                }
            }
            // Taken, not read: an array's items at depth 3 have no key of their own.
            3 if std::mem::take(&mut self.ours) => {
                self.start_capture(3, offset, Field::Projects);
            }
            _ => {}
        }
    }

    fn end(&mut self, depth: usize, offset: u64, chunk: Chunk<'_>) {
        if self.capture.as_ref().is_none_or(|c| c.depth != depth) {
            return;
        }
        let mut capture = self.capture.take().expect("checked");
        capture
            .bytes
            .extend_from_slice(chunk.part(capture.start, offset));
        let own = self.own.as_mut().expect("captures are inside our section");
        match capture.field {
            Field::Version => own.version = Some(capture.bytes),
            _ => own.project = Some(capture.bytes),
        }
    }

    fn chunk_done(&mut self, chunk: Chunk<'_>) {
        if let Some(capture) = &mut self.capture {
            let end = chunk.base + chunk.bytes.len() as u64;
            capture
                .bytes
                .extend_from_slice(chunk.part(capture.start, end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::scan_reader;

    #[test]
    fn the_project_is_found_whatever_chunk_boundaries_cut_through() {
        let entries = r#"{"id": {"expiration": "2026-11-28T11:00:00Z", "n": [1e400, "\u00e9"]}}"#;
        let text = format!(
            r#"{{"other": {{"amplify-rs": 1, "projects": {{"/p": 0}}}}, "amplify-rs": {{"version": 1, "projects": {{"/q": {{}}, "\/p": {entries}, "/r": [{{"/p": 2}}, 3]}}}}, "z": [[{{"/p": false}}]]}}"#
        );
        for chunk in 4..text.len() + 1 {
            let mut finder = ProjectFinder::new("/p");
            scan_reader(text.as_bytes(), chunk, &mut finder).unwrap();
            let own = finder.own.expect("our section");
            assert_eq!(own.version.as_deref(), Some(&b"1"[..]), "chunks of {chunk}");
            assert_eq!(own.projects, Some(Kind::Object));
            assert_eq!(
                own.project.as_deref(),
                Some(entries.as_bytes()),
                "chunks of {chunk}"
            );
        }
    }
}
