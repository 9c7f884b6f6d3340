//! A write: `cache.json` outlined (where each top-level member, our projects, their entries and those
//! entries' expirations are) and then rewritten by splicing. Every byte outside `"amplify-rs"`'s value is
//! copied as it was read, so other programs' entries keep their exact text (`12345678901234567890123`,
//! `1e400`, their spacing and order); inside it, a project that did not change is copied too, and only the
//! project being written or pruned is laid out again. Our section is laid out as `serde_json`'s pretty
//! printer lays it out, so a file written before this change reads and writes the same.

use std::borrow::Cow;
use std::ops::Range;

use indexmap::IndexMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::lookup::OWN_KEY;
use crate::scan::{Chunk, Kind, SyntaxError, Visitor, decode_str, key_is, scan_slice};

/// The format of our section this program reads and writes.
pub(crate) const FORMAT_VERSION: u64 = 1;

/// A member of an object: its key's text (between the quotes), where the key starts, its value.
#[derive(Clone, Debug, Default)]
struct Member {
    start: usize,
    key: Range<usize>,
    value: Range<usize>,
    kind: Option<Kind>,
}

#[derive(Debug, Default)]
struct Entry {
    member: Member,
    /// The text of its `"expiration"` string, between the quotes.
    expiration: Option<Range<usize>>,
}

#[derive(Debug, Default)]
struct Project {
    member: Member,
    entries: Vec<Entry>,
}

/// Text of the file, or text made for it.
type Text<'t> = Cow<'t, [u8]>;
/// A member to lay out: its key as written between quotes, and its value.
type Laid<'t> = (Text<'t>, Text<'t>);

/// What a member at some depth is to us.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Role {
    #[default]
    Other,
    Own,
    Version,
    Projects,
    Project,
    Entry,
    Expiration,
}

/// Where things are in a file that is a JSON object.
#[derive(Debug, Default)]
pub(crate) struct Outline {
    root: Range<usize>,
    top: Vec<Member>,
    /// The last `"amplify-rs"` member (the one every reader uses), an index into `top`.
    own: Option<usize>,
    own_kind: Option<Kind>,
    version: Option<Range<usize>>,
    projects_kind: Option<Kind>,
    projects: Vec<Project>,
}

/// Builds an [`Outline`] as the scanner goes.
#[derive(Debug, Default)]
struct Recorder {
    outline: Outline,
    root_kind: Option<Kind>,
    /// The key read last, waiting for its value: (depth, start, key text, role).
    pending: Option<(usize, usize, Range<usize>, Role)>,
    /// The member open at each depth, down to an entry's fields.
    open: [(Member, Role); 6],
}

const DEEPEST: usize = 5;

fn at(offset: u64) -> usize {
    usize::try_from(offset).expect("the file is in memory")
}

impl Recorder {
    fn role_of(&self, depth: usize, raw: &[u8]) -> Role {
        let (parent, parent_role) = &self.open[depth - 1];
        let in_object = |role| *parent_role == role && parent.kind == Some(Kind::Object);
        match depth {
            1 if key_is(raw, OWN_KEY) => Role::Own,
            2 if in_object(Role::Own) && key_is(raw, "version") => Role::Version,
            2 if in_object(Role::Own) && key_is(raw, "projects") => Role::Projects,
            3 if in_object(Role::Projects) => Role::Project,
            4 if in_object(Role::Project) => Role::Entry,
            5 if in_object(Role::Entry) && key_is(raw, "expiration") => Role::Expiration,
            _ => Role::Other,
        }
    }
}

impl Visitor for Recorder {
    fn key(&mut self, depth: usize, raw: &[u8], start: u64) {
        if depth <= DEEPEST {
            let start = at(start);
            let role = self.role_of(depth, raw);
            self.pending = Some((depth, start, start + 1..start + 1 + raw.len(), role));
        }
    }

    fn begin(&mut self, depth: usize, kind: Kind, offset: u64) {
        let offset = at(offset);
        if depth == 0 {
            self.root_kind = Some(kind);
            self.outline.root.start = offset;
            self.open[0].0.kind = Some(kind);
            return;
        }
        if depth > DEEPEST {
            return;
        }
        let (start, key, role) = match self.pending.take() {
            Some((d, start, key, role)) if d == depth => (start, key, role),
            _ => (offset, offset..offset, Role::Other),
        };
        let member = Member {
            start,
            key,
            value: offset..offset,
            kind: Some(kind),
        };
        self.open[depth] = (member, role);
        let outline = &mut self.outline;
        match role {
            Role::Own => {
                outline.own_kind = Some(kind);
                outline.version = None;
                outline.projects_kind = None;
                outline.projects.clear();
            }
            Role::Projects => {
                outline.projects_kind = Some(kind);
                outline.projects.clear();
            }
            Role::Project => outline.projects.push(Project::default()),
            Role::Entry => {
                if let Some(project) = outline.projects.last_mut() {
                    project.entries.push(Entry::default());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, depth: usize, offset: u64, _chunk: Chunk<'_>) {
        let offset = at(offset);
        if depth == 0 {
            self.outline.root.end = offset;
            return;
        }
        if depth > DEEPEST {
            return;
        }
        let (member, role) = &mut self.open[depth];
        member.value.end = offset;
        let (member, role) = (member.clone(), *role);
        let outline = &mut self.outline;
        match role {
            _ if depth == 1 => {
                if role == Role::Own {
                    outline.own = Some(outline.top.len());
                }
                outline.top.push(member);
            }
            Role::Version => outline.version = Some(member.value),
            Role::Project => {
                if let Some(project) = outline.projects.last_mut() {
                    project.member = member;
                }
            }
            Role::Entry => {
                if let Some(entry) = last_entry(outline) {
                    entry.member = member;
                }
            }
            Role::Expiration if member.kind == Some(Kind::String) => {
                if let Some(entry) = last_entry(outline) {
                    entry.expiration = Some(member.value.start + 1..member.value.end - 1);
                }
            }
            _ => {}
        }
    }
}

fn last_entry(outline: &mut Outline) -> Option<&mut Entry> {
    outline
        .projects
        .last_mut()
        .and_then(|project| project.entries.last_mut())
}

/// Why a file cannot be outlined: it is not JSON, or not an object.
#[derive(Debug)]
pub(crate) enum NotAnObject {
    Syntax(SyntaxError),
    OtherValue,
}

impl std::fmt::Display for NotAnObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotAnObject::Syntax(e) if e.what == "the file is empty" => f.write_str(e.what),
            NotAnObject::Syntax(e) => write!(f, "not JSON: {e}"),
            NotAnObject::OtherValue => f.write_str("it is JSON but not an object"),
        }
    }
}

pub(crate) fn outline(text: &[u8]) -> Result<Outline, NotAnObject> {
    let mut recorder = Recorder::default();
    scan_slice(text, &mut recorder).map_err(NotAnObject::Syntax)?;
    if recorder.root_kind != Some(Kind::Object) {
        return Err(NotAnObject::OtherValue);
    }
    Ok(recorder.outline)
}

/// Checks the shape of our section: `None` if it is usable, else why it is not.
pub(crate) fn own_problem(
    kind: Kind,
    version: Option<&[u8]>,
    projects: Option<Kind>,
) -> Option<String> {
    if kind != Kind::Object {
        return Some("it is not an object".into());
    }
    let Some(version) = version else {
        return Some("missing field `version`".into());
    };
    match serde_json::from_slice::<u64>(version) {
        Err(e) => return Some(format!("its version: {e}")),
        Ok(FORMAT_VERSION) => {}
        Ok(other) => return Some(format!("format version {other} is not {FORMAT_VERSION}")),
    }
    match projects {
        None => Some("missing field `projects`".into()),
        Some(Kind::Object) => None,
        Some(_) => Some("its \"projects\" is not an object".into()),
    }
}

/// What a write does to our section.
#[derive(Debug)]
pub(crate) enum Change<'a> {
    /// Files `entry` (pretty JSON) under `project` and `identity`, and drops our entries expired at `now`.
    Store {
        project: &'a str,
        identity: &'a str,
        entry: &'a str,
        now: OffsetDateTime,
    },
    /// Removes `project` and nothing else.
    Remove { project: &'a str },
}

/// The file after a change.
#[derive(Debug, Default)]
pub(crate) struct Rewrite {
    /// The new text; `None` when nothing changed and the file must not be written.
    pub text: Option<Vec<u8>>,
    /// How many entries of the removed project there were.
    pub removed: usize,
    /// Why our section could not be used and was rebuilt.
    pub reset: Option<String>,
}

/// A key as a map key: the decoded string, or its raw text (marked) when it does not decode.
fn map_key(raw: &[u8]) -> Cow<'_, [u8]> {
    match decode_str(raw) {
        Some(Cow::Borrowed(s)) => Cow::Borrowed(s.as_bytes()),
        Some(Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
        None => Cow::Owned([&[0xff], raw].concat()),
    }
}

/// The members of a project's entries after duplicates (the last one wins, in the first one's place).
fn distinct<'t>(text: &'t [u8], entries: &'t [Entry]) -> IndexMap<Cow<'t, [u8]>, &'t Entry> {
    let mut map = IndexMap::with_capacity(entries.len());
    for entry in entries {
        map.insert(map_key(&text[entry.member.key.clone()]), entry);
    }
    map
}

fn unexpired(text: &[u8], entry: &Entry, now: OffsetDateTime) -> bool {
    entry
        .expiration
        .clone()
        .and_then(|range| decode_str(&text[range]))
        .and_then(|s| OffsetDateTime::parse(&s, &Rfc3339).ok())
        .is_some_and(|expiration| expiration > now)
}

/// A project's new value when pruned at `now`: `None` to drop it, borrowed text when it is unchanged.
fn pruned<'t>(text: &'t [u8], project: &'t Project, now: OffsetDateTime) -> Option<Cow<'t, [u8]>> {
    if project.member.kind != Some(Kind::Object) {
        return None;
    }
    let entries = distinct(text, &project.entries);
    let kept: Vec<&Entry> = entries
        .values()
        .copied()
        .filter(|entry| unexpired(text, entry, now))
        .collect();
    if kept.is_empty() {
        return None;
    }
    if kept.len() == project.entries.len() {
        return Some(Cow::Borrowed(&text[project.member.value.clone()]));
    }
    let members = kept.iter().map(|entry| {
        let m = &entry.member;
        (&text[m.key.clone()], &text[m.value.clone()])
    });
    Some(Cow::Owned(layout_object(members, 8)))
}

/// `{` the members, one a line at `indent` spaces, `}` two spaces less indented (`{}` when empty).
fn layout_object<K: AsRef<[u8]>, V: AsRef<[u8]>>(
    members: impl IntoIterator<Item = (K, V)>,
    indent: usize,
) -> Vec<u8> {
    let mut out = b"{".to_vec();
    let mut any = false;
    for (key, value) in members {
        out.extend_from_slice(if any { b",\n" } else { b"\n" });
        out.resize(out.len() + indent, b' ');
        out.push(b'"');
        out.extend_from_slice(key.as_ref());
        out.extend_from_slice(b"\": ");
        out.extend_from_slice(value.as_ref());
        any = true;
    }
    if any {
        out.push(b'\n');
        out.resize(out.len() + indent - 2, b' ');
    }
    out.push(b'}');
    out
}

/// The raw text of `s` as a JSON string, without its quotes.
fn raw_string(s: &str) -> Vec<u8> {
    let quoted = serde_json::to_vec(s).expect("strings serialize");
    quoted[1..quoted.len() - 1].to_vec()
}

/// The entries of `project` (if it exists) that are still valid at `now`, with `entry` filed under
/// `identity` (in its old place if it had one).
fn stored<'t>(
    text: &'t [u8],
    project: Option<&'t Project>,
    identity: &str,
    entry: &str,
    now: OffsetDateTime,
) -> Vec<u8> {
    let mut members: IndexMap<Text<'t>, Laid<'t>> = IndexMap::new();
    if let Some(project) = project.filter(|p| p.member.kind == Some(Kind::Object)) {
        for (key, old) in distinct(text, &project.entries) {
            if unexpired(text, old, now) {
                let m = &old.member;
                let raw = (
                    Cow::Borrowed(&text[m.key.clone()]),
                    Cow::Borrowed(&text[m.value.clone()]),
                );
                members.insert(key, raw);
            }
        }
    }
    // Laid out as serde_json's pretty printer would at this depth: the fields 10 spaces in.
    let value = entry.replace('\n', "\n        ").into_bytes();
    members.insert(
        Cow::Owned(identity.as_bytes().to_vec()),
        (Cow::Owned(raw_string(identity)), Cow::Owned(value)),
    );
    layout_object(members.into_values(), 8)
}

/// The file after `change`. `outline` is `None` when there is no file (or it was moved aside).
pub(crate) fn rewrite(text: &[u8], outline: Option<&Outline>, change: &Change<'_>) -> Rewrite {
    let mut reset = None;
    let projects: &[Project] = match outline.filter(|o| o.own.is_some()) {
        None => &[],
        Some(o) => {
            let version = o.version.clone().map(|range| &text[range]);
            let kind = o.own_kind.unwrap_or(Kind::Object);
            match own_problem(kind, version, o.projects_kind) {
                None => &o.projects,
                Some(problem) => {
                    reset = Some(problem);
                    &[]
                }
            }
        }
    };
    let mut by_key: IndexMap<Cow<'_, [u8]>, &Project> = IndexMap::with_capacity(projects.len());
    for project in projects {
        by_key.insert(map_key(&text[project.member.key.clone()]), project);
    }
    let mut removed = 0;
    let mut members: Vec<Laid<'_>> = Vec::with_capacity(by_key.len() + 1);
    match *change {
        Change::Remove { project } => {
            let Some(target) = by_key.shift_remove(project.as_bytes()) else {
                // Nothing of this project: the file stays as it is, byte for byte.
                return Rewrite::default();
            };
            if target.member.kind == Some(Kind::Object) {
                removed = distinct(text, &target.entries).len();
            }
            for project in by_key.values() {
                let m = &project.member;
                members.push((text[m.key.clone()].into(), text[m.value.clone()].into()));
            }
        }
        Change::Store {
            project: target,
            identity,
            entry,
            now,
        } => {
            let mut found = false;
            for (key, project) in &by_key {
                let raw_key = Cow::Borrowed(&text[project.member.key.clone()]);
                if key.as_ref() == target.as_bytes() {
                    found = true;
                    let value = stored(text, Some(project), identity, entry, now);
                    members.push((raw_key, value.into()));
                } else if let Some(value) = pruned(text, project, now) {
                    members.push((raw_key, value));
                }
            }
            if !found {
                let value = stored(text, None, identity, entry, now);
                members.push((raw_string(target).into(), value.into()));
            }
        }
    }
    let mut own = b"{\n    \"version\": 1,\n    \"projects\": ".to_vec();
    own.extend_from_slice(&layout_object(members, 6));
    own.extend_from_slice(b"\n  }");
    Rewrite {
        text: Some(splice(text, outline, own)),
        removed,
        reset,
    }
}

/// `text` with our section's value replaced by `own` (or `own` added as the last member), and any
/// earlier `"amplify-rs"` members removed; everything else as it was.
fn splice(text: &[u8], outline: Option<&Outline>, own: Vec<u8>) -> Vec<u8> {
    let member = |own: &[u8]| [b"\"amplify-rs\": ", own].concat();
    let Some(o) = outline else {
        return [b"{\n  ", &member(&own)[..], b"\n}\n"].concat();
    };
    let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    match o.own {
        Some(last) => {
            edits.push((o.top[last].value.clone(), own));
            // Earlier "amplify-rs" members go, each with the comma before it, or, while no member before
            // it stays, up to the next member's key.
            let mut kept_before = false;
            for (i, m) in o.top.iter().enumerate().take(last) {
                if !key_is(&text[m.key.clone()], OWN_KEY) {
                    kept_before = true;
                    continue;
                }
                let range = if kept_before {
                    o.top[i - 1].value.end..m.value.end
                } else {
                    m.start..o.top[i + 1].start
                };
                edits.push((range, Vec::new()));
            }
        }
        None => match o.top.last() {
            Some(m) => {
                let at = m.value.end;
                edits.push((at..at, [b",\n  ", &member(&own)[..]].concat()));
            }
            None => {
                let inside = o.root.start + 1..o.root.end - 1;
                edits.push((inside, [b"\n  ", &member(&own)[..], b"\n"].concat()));
            }
        },
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = Vec::with_capacity(text.len() + edits.iter().map(|e| e.1.len()).sum::<usize>());
    let mut pos = 0;
    for (range, replacement) in edits {
        out.extend_from_slice(&text[pos..range.start]);
        out.extend_from_slice(&replacement);
        pos = range.end;
    }
    out.extend_from_slice(&text[pos..]);
    out
}
