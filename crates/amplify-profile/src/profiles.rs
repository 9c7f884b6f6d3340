//! From the sections of the two files to profiles, as the AWS CLI sees them (botocore's
//! `build_profile_map`): `[profile NAME]` and `[default]` in the config file, every section of the
//! credentials file, the credentials file's values overriding the config file's, `[DEFAULT]` keys inherited
//! by every section. A section that cannot be a profile is not an error: it becomes a [`Warning`] with its
//! line, and the rest of the file still works (as do the values [`crate::checks`] finds STS will refuse).
//! Each value keeps its file and line, and the config file's values that the credentials file replaces are
//! kept too, because botocore's config-file provider still reads them; [`Profile::effective_properties`]
//! lists what a profile means, setting by setting.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use std::borrow::Cow;

use amplify_fs::FileText;
use foldhash::fast::RandomState as FastHash;
use indexmap::IndexMap;

use crate::error::LoadError;
use crate::location::{FileLocations, Location};
use crate::names::{Entries, Entry, Name, Texts};
use crate::parse::{RawProperty, Value};
use crate::scan::{FileIndex, Tail};
use crate::view::View;

/// A key's value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub value: Value,
    pub location: Location,
    /// Set in the file's `[DEFAULT]` section, not in the profile's own.
    pub inherited: bool,
    /// For a nested map, the line of each entry (see [`crate::parse::RawProperty::sub_lines`]).
    sub_lines: Vec<usize>,
}

/// One profile, merged from both files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    name: String,
    properties: Keys,
    /// The config file's values that the credentials file replaced, kept because botocore's config-file
    /// provider still reads them.
    overridden: Keys,
    /// The header line of its section in each file that has one.
    sections: Vec<Location>,
}

impl Profile {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A text value; `None` when the key is absent or is a nested map.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(|p| p.value.as_text())
    }

    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.get(key)
    }

    pub fn properties(&self) -> impl Iterator<Item = (&str, &Property)> {
        self.properties.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Where the profile is defined: its section header in the config file, then in the credentials file.
    pub fn sections(&self) -> &[Location] {
        &self.sections
    }

    /// Where `key` was written, else where the profile starts.
    pub fn location_of(&self, key: &str) -> Location {
        self.properties
            .get(key)
            .map(|p| p.location.clone())
            .unwrap_or_else(|| self.sections[0].clone())
    }

    /// Every setting of the profile as the AWS CLI reads it: after `[DEFAULT]` inheritance and the
    /// credentials file's overrides, each with the file and line it comes from, the entries of nested maps
    /// included. Secret keys and session tokens are [`EffectiveValue::Redacted`].
    pub fn effective_properties(&self) -> Vec<EffectiveProperty> {
        self.properties
            .iter()
            .map(|(key, property)| {
                let value = match &property.value {
                    Value::Text(text) => shown(key, text),
                    Value::Map(entries) => EffectiveValue::Map(
                        entries
                            .iter()
                            .zip(&property.sub_lines)
                            .map(|((name, text), &line)| EffectiveProperty {
                                key: name.clone(),
                                value: shown(name, text),
                                location: Location {
                                    path: property.location.path.clone(),
                                    line,
                                },
                                inherited: property.inherited,
                                overrides: None,
                            })
                            .collect(),
                    ),
                };
                EffectiveProperty {
                    key: key.clone(),
                    value,
                    location: property.location.clone(),
                    inherited: property.inherited,
                    overrides: self.overridden.get(key).map(|p| p.location.clone()),
                }
            })
            .collect()
    }

    fn merge(&mut self, section: Location, properties: Vec<(String, Property)>) {
        self.sections.push(section);
        if self.properties.0.is_empty() {
            // The first file: its keys are already unique, and become the profile's as they are.
            self.properties.0 = properties;
            return;
        }
        for (key, property) in properties {
            if let Some(replaced) = self.properties.insert(key.clone(), property) {
                self.overridden.insert(key, replaced);
            }
        }
    }
}

/// A profile's keys in file order. A profile has a handful, so a list searched from the start is quicker
/// than a hash map to build and to ask, and a list of 100,000 profiles builds one for each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Keys(Vec<(String, Property)>);

impl Keys {
    fn get(&self, key: &str) -> Option<&Property> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, p)| p)
    }

    /// Sets `key`, returning the value it replaces (which keeps its place).
    fn insert(&mut self, key: String, property: Property) -> Option<Property> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => Some(std::mem::replace(slot, property)),
            None => {
                self.0.push((key, property));
                None
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &Property)> {
        self.0.iter().map(|(k, p)| (k, p))
    }
}

impl FromIterator<(String, Property)> for Keys {
    fn from_iter<I: IntoIterator<Item = (String, Property)>>(iter: I) -> Self {
        Keys(iter.into_iter().collect())
    }
}

/// Keys whose values are never shown.
const SECRET_KEYS: [&str; 3] = [
    crate::keys::static_keys::SECRET_ACCESS_KEY,
    crate::keys::static_keys::SESSION_TOKEN,
    crate::keys::static_keys::SECURITY_TOKEN,
];

fn shown(key: &str, text: &str) -> EffectiveValue {
    if SECRET_KEYS.contains(&key) {
        EffectiveValue::Redacted
    } else {
        EffectiveValue::Text(text.to_string())
    }
}

/// One setting of a profile as [`Profile::effective_properties`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectiveProperty {
    pub key: String,
    pub value: EffectiveValue,
    /// Where the value is written.
    pub location: Location,
    /// Set in the file's `[DEFAULT]` section, not in the profile's own.
    pub inherited: bool,
    /// Where the config file sets the same key, when the credentials file's value replaces it.
    pub overrides: Option<Location>,
}

/// The value of an [`EffectiveProperty`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EffectiveValue {
    Text(String),
    /// A secret access key or session token: its value is left out.
    Redacted,
    /// `key =` followed by indented `name = value` lines, as settings of their own.
    Map(Vec<EffectiveProperty>),
}

/// Something in a file that the AWS CLI ignores or reads in a surprising way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Whether [`ProfileSet::index`] may start a second thread.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Threads {
    /// Only in tests: the other thread's work done on this one, as when it cannot start.
    #[cfg(test)]
    One,
    Two,
}

/// Files of fewer than twice this many bytes are read on the calling thread: a thread costs more than the
/// pass over them.
const PARALLEL_FROM_BYTES: usize = 256 * 1024;

/// Every profile of the config and credentials files, in the order a person reads them: the config file's
/// first, then those that exist only in the credentials file.
///
/// Each file is read once into an index of its sections ([`crate::scan`]); a profile's keys are read from its
/// sections when it is first asked for, so resolving one profile of many reads that profile, not every one.
#[derive(Clone, Debug)]
pub struct ProfileSet {
    entries: Entries,
    pub(crate) sso_sessions: IndexMap<String, Profile>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) files: FileLocations,
    config: Option<FileIndex>,
    credentials: Option<FileIndex>,
}

impl ProfileSet {
    /// Reads both files; a missing file counts as empty, as it does for the AWS CLI.
    pub fn load(files: &FileLocations) -> Result<Self, LoadError> {
        let [config, credentials] = read_texts([&files.config, &files.credentials])?;
        Self::from_owned(files, config, credentials).map_err(LoadError::from)
    }

    /// Builds the set from the files' contents (for tests and benchmarks that keep files in memory).
    pub fn from_texts(
        files: &FileLocations,
        config: Option<&str>,
        credentials: Option<&str>,
    ) -> Result<Self, crate::ParseError> {
        let owned = |text: &str| FileText::from(text.to_string());
        Self::from_owned(files, config.map(owned), credentials.map(owned))
    }

    fn from_owned(
        files: &FileLocations,
        config: Option<FileText>,
        credentials: Option<FileText>,
    ) -> Result<Self, crate::ParseError> {
        Self::index(
            files,
            config,
            credentials,
            PARALLEL_FROM_BYTES,
            Threads::Two,
        )
    }

    /// [`ProfileSet::from_owned`], read on two threads when the files have `2 * parallel_from` bytes or more:
    /// the other thread reads the credentials file and, when the config file runs past two fifths of the two
    /// files' bytes, the config file from a header near that point ([`crate::scan::split_point`]); this one
    /// reads the config file up to there and builds the profiles' table. Either thread takes the other's work if
    /// it gets there first. With [`Threads::One`] (the tests' stand-in for a thread that could not start), this
    /// one does all of it.
    fn index(
        files: &FileLocations,
        config: Option<FileText>,
        credentials: Option<FileText>,
        parallel_from: usize,
        threads: Threads,
    ) -> Result<Self, crate::ParseError> {
        let mut set = ProfileSet {
            entries: Entries::default(),
            sso_sessions: IndexMap::new(),
            warnings: Vec::new(),
            files: files.clone(),
            config: None,
            credentials: None,
        };
        let length = |text: &Option<FileText>| text.as_ref().map_or(0, |t| t.len());
        let total = length(&config) + length(&credentials);
        let has_credentials = credentials.is_some();
        let parallel = total >= parallel_from.saturating_mul(2);
        // This thread also builds the profiles' table as it goes, which costs about half as much as reading
        // the same sections: it reads two fifths of the bytes, the other thread the rest.
        let near = total / 5 * 2;
        let split = (config.as_ref())
            .filter(|text| parallel && text.len() > near)
            .and_then(|text| crate::scan::split_point(text, near));
        let config_path: Arc<Path> = Arc::from(files.config.as_path());
        let credentials_path: Arc<Path> = Arc::from(files.credentials.as_path());
        // The other thread's work, each part taken by whichever thread comes to it first: the other one
        // when it runs, this one after the first part of the config file if the other has not started it (it
        // could not be started, or started late on a busy machine). Nothing then waits on an idle core.
        let credentials = Mutex::new(credentials);
        let take_credentials = || {
            let text = credentials
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            text.map(|text| FileIndex::read(credentials_path.clone(), text))
        };
        let tail_at = Mutex::new(split);
        let config_text = config.clone();
        let take_tail = || {
            let at = tail_at
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            at.zip(config_text.as_deref())
                .map(|(at, text)| Tail::read(&config_path, text, at))
        };
        let elsewhere = || (take_credentials(), take_tail());
        // What follows keeps botocore's order: the config file is checked whole (its first error wins)
        // before anything of the credentials file is used.
        std::thread::scope(|scope| {
            // A thread only when there is something for it to do.
            let work = split.is_some() || has_credentials;
            let thread = (parallel && work && threads == Threads::Two)
                .then(|| {
                    std::thread::Builder::new()
                        .spawn_scoped(scope, elsewhere)
                        .ok()
                })
                .flatten();
            let mut sections = ConfigSections::default();
            let head = config.map(|text| {
                let end = split.unwrap_or(text.len());
                let head = FileIndex::read_head(config_path.clone(), text, end);
                set.entries = sections.start(&head.0, end);
                head
            });
            let (tail, indexed) = (take_tail(), take_credentials());
            let (indexed, tail) = match thread {
                Some(thread) => {
                    let (elsewhere, tail_elsewhere) = thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    (indexed.or(elsewhere), tail.or(tail_elsewhere))
                }
                None => (indexed, tail),
            };
            if let Some((mut file, error)) = head {
                // The rest of the file counts only when its first part has no error.
                let error = match (error, tail) {
                    (None, Some(tail)) => file.append(tail),
                    (error, _) => error,
                };
                set.add_config_file((file, error), sections)?;
            }
            if let Some(indexed) = indexed {
                set.add_credentials_file(indexed)?;
            }
            Ok::<_, crate::ParseError>(())
        })?;
        set.warn_values();
        Ok(set)
    }

    /// The config file's sections as profiles and sso-sessions, those `sections` has not added yet included.
    fn add_config_file(
        &mut self,
        (file, error): (FileIndex, Option<crate::ParseError>),
        mut sections: ConfigSections,
    ) -> Result<(), crate::ParseError> {
        let file = self.config.insert(file);
        sections.add(&mut self.entries, file);
        let (sessions, repeated) = sections.finish(file, &mut self.warnings);
        earliest(error, repeated)?;
        file.settle()?;
        // Read once the `[DEFAULT]` keys they inherit are settled.
        for (name, section) in sessions {
            let session = sso_session(file, section, name.clone());
            self.sso_sessions.insert(name, session);
        }
        Ok(())
    }

    /// The credentials file's sections, over the config file's profiles of the same names.
    fn add_credentials_file(
        &mut self,
        (file, error): (FileIndex, Option<crate::ParseError>),
    ) -> Result<(), crate::ParseError> {
        let file = self.credentials.insert(file);
        let texts = Texts {
            config: self.config.as_ref(),
            credentials: Some(&*file),
        };
        let repeated = add_credentials(&mut self.entries, &mut self.warnings, texts);
        earliest(error, repeated)?;
        file.settle()
    }

    fn texts(&self) -> Texts<'_> {
        Texts {
            config: self.config.as_ref(),
            credentials: self.credentials.as_ref(),
        }
    }

    pub fn files(&self) -> &FileLocations {
        &self.files
    }

    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        let texts = self.texts();
        self.entries
            .iter()
            .map(move |e| self.entries.name(texts, e))
    }

    /// The profile, read from its sections the first time it is asked for and kept.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        let entry = self.entries.find(self.texts(), name)?;
        Some(entry.read.get_or_init(|| Box::new(self.read(entry))))
    }

    /// The profile as [`ProfileSet::get`] gives it, but read without being kept unless it already was: for
    /// going through every profile once (the JSON report, a reading of the whole files) without holding them
    /// all.
    pub(crate) fn lookup(&self, name: &str) -> Option<Cow<'_, Profile>> {
        let entry = self.entries.find(self.texts(), name)?;
        Some(self.kept_or_read(entry))
    }

    fn kept_or_read<'s>(&'s self, entry: &'s Entry) -> Cow<'s, Profile> {
        match entry.read.get() {
            Some(profile) => Cow::Borrowed(profile),
            None => Cow::Owned(self.read(entry)),
        }
    }

    /// The profile's sections as the resolver reads them, borrowed from the files ([`View`]).
    pub(crate) fn view(&self, name: &str) -> Option<View<'_>> {
        let entry = self.entries.find(self.texts(), name)?;
        Some(self.view_of(entry))
    }

    fn view_of<'s>(&'s self, entry: &'s Entry) -> View<'s> {
        let part = |file: &'s Option<FileIndex>, section: Option<u32>| {
            Some((file.as_ref()?, section? as usize))
        };
        View::new(
            self.entries.name(self.texts(), entry),
            part(&self.config, entry.config),
            part(&self.credentials, entry.credentials),
        )
    }

    /// Every profile in order, as [`ProfileSet::view`] reads it: a list goes through them without looking
    /// each up by its name.
    pub(crate) fn views(&self) -> impl Iterator<Item = View<'_>> {
        self.entries.iter().map(move |entry| self.view_of(entry))
    }

    /// A `[sso-session NAME]` section of the config file, as a profile-like set of keys.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// The names of the config file's `[sso-session NAME]` sections, in file order.
    pub fn sso_session_names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.sso_sessions.keys().map(String::as_str)
    }

    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    pub fn is_empty(&self) -> bool {
        self.entries.len() == 0
    }

    /// The profile from its sections: the config file's keys, then the credentials file's over them.
    fn read(&self, entry: &Entry) -> Profile {
        let mut profile = Profile {
            name: self.entries.name(self.texts(), entry).to_string(),
            properties: Keys::default(),
            overridden: Keys::default(),
            sections: Vec::with_capacity(2),
        };
        for (file, section) in [
            (&self.config, entry.config),
            (&self.credentials, entry.credentials),
        ] {
            if let (Some(file), Some(section)) = (file, section) {
                let section = section as usize;
                profile.merge(file.location(section), properties(file, section));
            }
        }
        profile
    }

    /// A warning for each value noted while reading that STS will refuse or that the AWS CLI ignores, when a
    /// profile uses it, once per line (a key in `[DEFAULT]` belongs to every profile), in the order a person
    /// reads the files.
    fn warn_values(&mut self) {
        let mut warnings = Vec::new();
        for (file, is_config) in [(&self.config, true), (&self.credentials, false)] {
            let Some(file) = file else { continue };
            for candidate in &file.candidates {
                let location = Location {
                    path: file.path.clone(),
                    line: candidate.line,
                };
                if self.uses(file, is_config, candidate, &location) {
                    let message = candidate.message.clone();
                    warnings.push(Warning { location, message });
                }
            }
        }
        warnings.sort_by(|a, b| {
            (&a.location.path, a.location.line).cmp(&(&b.location.path, b.location.line))
        });
        self.warnings.extend(warnings);
    }

    /// Whether a profile's value of the candidate's key is the one written at `location`: the profile of
    /// its section (if that section is the one the profile is read from), or for `[DEFAULT]` any profile.
    fn uses(
        &self,
        file: &FileIndex,
        is_config: bool,
        candidate: &crate::scan::Candidate,
        location: &Location,
    ) -> bool {
        let is_at = |entry: &Entry| {
            let profile = self.read(entry);
            profile
                .property(&candidate.key)
                .is_some_and(|p| p.location == *location)
        };
        match candidate.section {
            Some(section) => {
                let header = file.header(section);
                let name = if is_config {
                    config_name(header)
                } else {
                    Some(Cow::Borrowed(header))
                };
                name.and_then(|name| self.entries.find(self.texts(), &name))
                    .is_some_and(is_at)
            }
            None => self.entries.iter().any(is_at),
        }
    }
}

/// The error of the earlier line: the reader's, or a header that repeats (which the reader leaves to us).
fn earliest(
    error: Option<crate::ParseError>,
    repeated: Option<crate::ParseError>,
) -> Result<(), crate::ParseError> {
    match (error, repeated) {
        (Some(a), Some(b)) => Err(if b.location.line < a.location.line {
            b
        } else {
            a
        }),
        (Some(error), None) | (None, Some(error)) => Err(error),
        (None, None) => Ok(()),
    }
}

/// The profiles and sso-sessions of the config file, with their warnings; the first header that repeats
/// an earlier one is an error, as it is for the AWS CLI. A repeated profile header is found through the
/// profiles' own index (two sections naming one profile, with the same header); any other header through
/// a table of its own. The sections are added in order, in as many goes as the file's index grows in: those
/// of a file's first part while the other thread reads the rest, then the rest's.
#[derive(Default)]
struct ConfigSections {
    /// The first section not added yet.
    next: usize,
    notes: Vec<(usize, String)>,
    /// The headers of sections that name no profile, and their lines.
    others: std::collections::HashMap<String, usize, FastHash>,
    /// Sections whose profile a later section with another header replaced: a third may repeat them.
    shadowed: Vec<usize>,
    sso_sessions: Vec<(String, usize)>,
    /// The first header that repeats an earlier one: no section after it is added.
    repeated: Option<crate::ParseError>,
}

impl ConfigSections {
    /// The profiles' table of a file whose first `end` bytes `file` has read, with their profiles added (while
    /// the other thread reads on). It is sized once, for as many profiles as the whole file has sections
    /// (estimated from the part read, with a tenth to spare), not grown by doubling.
    fn start(&mut self, file: &FileIndex, end: usize) -> Entries {
        let whole = file.text_len();
        let estimate = file.len() * whole / end.max(1);
        let mut entries =
            Entries::with_capacity(estimate + estimate / 10 * usize::from(end < whole));
        self.add(&mut entries, file);
        entries
    }

    /// Adds the sections of `file` not added yet.
    fn add(&mut self, entries: &mut Entries, file: &FileIndex) {
        while self.repeated.is_none() && self.next < file.len() {
            self.repeated = self.add_section(entries, file, self.next);
            self.next += 1;
        }
    }

    fn add_section(
        &mut self,
        entries: &mut Entries,
        file: &FileIndex,
        section: usize,
    ) -> Option<crate::ParseError> {
        let texts = Texts {
            config: Some(file),
            credentials: None,
        };
        let header = file.header(section);
        let line = file.line(section);
        let notes = &mut self.notes;
        let mut note = |message| notes.push((line, message));
        let profile_name = if header == "default" {
            Some(Cow::Borrowed("default"))
        } else if header.starts_with("profile") {
            profile_header(header, &mut note)
        } else if header.starts_with("sso-session") {
            match shell_words(header).filter(|p| p.len() == 2) {
                Some(mut parts) => self.sso_sessions.push((parts.swap_remove(1), section)),
                None => note(format!("[{header}] is ignored: write [sso-session NAME]")),
            }
            None
        } else if header.starts_with("services") {
            None
        } else {
            note(not_a_profile(header));
            None
        };
        let name = match profile_name {
            None => {
                return (self.others.insert(header.to_string(), line))
                    .map(|first_line| file.duplicate(section, first_line));
            }
            Some(Cow::Borrowed(name)) => Name::Config {
                section: offset(section),
                skip: u8::try_from(header.len() - name.len()).unwrap_or(0),
            },
            Some(Cow::Owned(name)) => entries.quote(name),
        };
        let entry = Entry {
            config: Some(offset(section)),
            ..Entry::new(name)
        };
        // One lookup: the earlier entry, if any, comes back replaced (its place in the order is kept).
        let earlier = entries.insert(texts, entry).and_then(|e| e.config)? as usize;
        let same = std::iter::once(earlier)
            .chain(self.shadowed.iter().copied())
            .find(|s| file.header(*s) == header);
        if let Some(first) = same {
            return Some(file.duplicate(section, file.line(first)));
        }
        self.shadowed.push(earlier);
        // `[default]` and `[profile default]`: the later section replaces the earlier one.
        let name = name_of(texts, entries, name);
        let earlier = file.line(earlier);
        note(format!(
            "this section replaces the profile `{name}` defined at line {earlier}"
        ));
        None
    }

    /// The sso-sessions found and the first repeated header; the warnings go to `warnings` when there is none.
    fn finish(
        self,
        file: &FileIndex,
        warnings: &mut Vec<Warning>,
    ) -> (Vec<(String, usize)>, Option<crate::ParseError>) {
        if self.repeated.is_none() {
            warnings.extend(
                (self.notes.into_iter()).map(|(line, message)| warning(&file.path, line, message)),
            );
        }
        (self.sso_sessions, self.repeated)
    }
}

/// The profiles of the credentials file (merged with the config file's of the same name), with their
/// warnings; the first header that repeats an earlier one is an error.
fn add_credentials(
    entries: &mut Entries,
    warnings: &mut Vec<Warning>,
    texts: Texts<'_>,
) -> Option<crate::ParseError> {
    let file = texts.credentials?;
    for section in 0..file.len() {
        let name = file.header(section);
        if let Some(rest) = name.strip_prefix("profile ") {
            let message = format!(
                "this is the profile `{name}`: the credentials file names profiles without the `profile` prefix, as [{rest}]"
            );
            warnings.push(warning(&file.path, file.line(section), message));
        }
        let at = Some(offset(section));
        match entries.find_mut(texts, name) {
            Some(Entry {
                credentials: Some(first),
                ..
            }) => return Some(file.duplicate(section, file.line(*first as usize))),
            Some(entry) => entry.credentials = at,
            None => {
                let entry = Entry {
                    credentials: at,
                    ..Entry::new(Name::Credentials(offset(section)))
                };
                entries.insert(texts, entry);
            }
        }
    }
    None
}

fn name_of<'a>(texts: Texts<'a>, entries: &'a Entries, name: Name) -> &'a str {
    entries.name(texts, &Entry::new(name))
}

fn warning(path: &Arc<Path>, line: usize, message: String) -> Warning {
    Warning {
        location: Location {
            path: path.clone(),
            line,
        },
        message,
    }
}

/// A `[sso-session NAME]` section as a profile-like set of keys.
fn sso_session(file: &FileIndex, section: usize, name: String) -> Profile {
    Profile {
        name,
        properties: properties(file, section).into_iter().collect(),
        overridden: Keys::default(),
        sections: vec![file.location(section)],
    }
}

/// The profile a `[profile...]` header of the config file names, as botocore splits it, with a note
/// when the AWS CLI ignores it or reads it in a surprising way.
fn profile_header<'h>(header: &'h str, note: &mut impl FnMut(String)) -> Option<Cow<'h, str>> {
    if let Some(name) = plain_profile_name(header) {
        return Some(Cow::Borrowed(name));
    }
    let message = match shell_words(header) {
        Some(parts) if parts.len() == 2 => {
            if parts[0] != "profile" {
                note(format!(
                    "[{header}] is read as the profile `{}`; write [profile {}] if that is meant",
                    parts[1], parts[1]
                ));
            }
            return Some(Cow::Owned(parts[1].clone()));
        }
        Some(parts) if parts.len() > 2 => format!(
            "[{header}] is ignored: a profile name with spaces needs quotes, as in [profile \"{}\"]",
            parts[1..].join(" ")
        ),
        Some(_) => format!("[{header}] is ignored: it names no profile; write [profile NAME]"),
        None => format!("[{header}] is ignored: its quotes are not balanced"),
    };
    note(message);
    None
}

fn not_a_profile(header: &str) -> String {
    let trimmed = header.trim();
    let advice = if trimmed != header {
        format!("remove the spaces inside the brackets: [{trimmed}]")
    } else {
        format!("in the config file a profile's header is [profile {header}]")
    };
    format!("[{header}] is not a profile, so the AWS CLI ignores it; {advice}")
}

/// The profile a config file's section header names, as [`ProfileSet`] reads it (without its warnings).
fn config_name(header: &str) -> Option<Cow<'_, str>> {
    if header == "default" {
        return Some(Cow::Borrowed("default"));
    }
    if !header.starts_with("profile") {
        return None;
    }
    if let Some(name) = plain_profile_name(header) {
        return Some(Cow::Borrowed(name));
    }
    shell_words(header)
        .filter(|parts| parts.len() == 2)
        .map(|mut parts| Cow::Owned(parts.swap_remove(1)))
}

/// The name in `profile NAME` when it needs no splitting (no white space, quote or backslash): what
/// [`shell_words`] would find, without its allocations.
fn plain_profile_name(header: &str) -> Option<&str> {
    let name = header.strip_prefix("profile ")?;
    let plain = !name.is_empty()
        && !name
            .bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\\' | b'\'' | b'"'));
    plain.then_some(name)
}

fn offset(section: usize) -> u32 {
    u32::try_from(section).expect("fewer than 4 billion sections in a file of at most 256 MiB")
}

/// A section's own keys followed by the `[DEFAULT]` keys it does not set itself.
fn properties(file: &FileIndex, section: usize) -> Vec<(String, Property)> {
    let own = file.own_properties(section);
    let inherited: Vec<RawProperty> = file
        .defaults
        .iter()
        .filter(|d| !own.iter().any(|p| p.key == d.key))
        .cloned()
        .collect();
    let own = own.into_iter().map(|p| (p, false));
    own.chain(inherited.into_iter().map(|p| (p, true)))
        .map(|(p, inherited)| {
            let property = Property {
                value: p.value,
                location: Location {
                    path: file.path.clone(),
                    line: p.line,
                },
                inherited,
                sub_lines: p.sub_lines,
            };
            (p.key, property)
        })
        .collect()
}

/// A header split into words as botocore splits it: Python's `shlex.split` (POSIX mode, no comments).
/// Words are separated by space, tab, CR or LF; `'...'` quotes literally; `"..."` quotes with `\"` and `\\`
/// as the only escapes (any other backslash stays); outside quotes a backslash escapes the next character.
/// Unlike a POSIX shell (and the `shlex` crate), `#` starts no comment and `\$` inside double quotes keeps its
/// backslash. `None` for an unclosed quote or a trailing backslash, which botocore treats as "not a profile".
fn shell_words(header: &str) -> Option<Vec<String>> {
    const SEPARATORS: [char; 4] = [' ', '\t', '\r', '\n'];
    let mut words = Vec::new();
    let mut word = String::new();
    // A word has begun: it has a character, or quotes (so `""` is an empty word).
    let mut started = false;
    let mut chars = header.chars();
    while let Some(c) = chars.next() {
        match c {
            c if SEPARATORS.contains(&c) => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            '\\' => {
                word.push(chars.next()?);
                started = true;
            }
            '\'' => {
                started = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                started = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let escaped = chars.next()?;
                            if escaped != '"' && escaped != '\\' {
                                word.push('\\');
                            }
                            word.push(escaped);
                        }
                        c => word.push(c),
                    }
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    Some(words)
}

/// The texts of the files at `paths`, read together (`amplify_fs::read_whole_capped`); a missing file is
/// `None`. The first file's error comes first (read or UTF-8), whatever the next ones hold, as botocore reads
/// the config file first.
pub(crate) fn read_texts<const N: usize>(
    paths: [&Path; N],
) -> Result<[Option<FileText>; N], LoadError> {
    let read = amplify_fs::read_whole_capped(paths, amplify_fs::limits::AWS_FILE);
    let mut texts = Vec::with_capacity(N);
    for (path, bytes) in paths.into_iter().zip(read) {
        let bytes = bytes.map_err(|e| match e {
            amplify_fs::FsError::Read { path, source } => LoadError::Read { path, source },
            other => LoadError::Fs(other),
        })?;
        let text = bytes.map(amplify_fs::FileBytes::into_text).transpose();
        texts.push(text.map_err(|line| LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line,
        })?);
    }
    let mut texts = texts.into_iter();
    Ok(std::array::from_fn(|_| texts.next().flatten()))
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests may use std::fs
mod tests {
    use super::*;
    use crate::ParseErrorKind;

    fn files() -> FileLocations {
        FileLocations {
            config: "/h/.aws/config".into(),
            credentials: "/h/.aws/credentials".into(),
        }
    }

    fn set(config: &str, credentials: &str) -> ProfileSet {
        ProfileSet::from_texts(&files(), Some(config), Some(credentials)).unwrap()
    }

    #[test]
    fn both_files_in_reading_order_with_credentials_overriding() {
        let s = set(
            "[profile bizcorprole]\nrole_arn=arn:aws:iam::111122223333:role/Biz\nsource_profile=devcorpuser\nregion=us-east-1\n[profile devcorpuser]\nregion=us-east-1\naws_access_key_id=FROMCONFIG\n",
            "[devcorpuser]\naws_access_key_id=AKIAFROMCREDS\naws_secret_access_key=s\n[onlycreds]\naws_access_key_id=A\naws_secret_access_key=B\n",
        );
        assert_eq!(
            s.names().collect::<Vec<_>>(),
            ["bizcorprole", "devcorpuser", "onlycreds"]
        );
        let dev = s.get("devcorpuser").unwrap();
        assert_eq!(dev.get("aws_access_key_id"), Some("AKIAFROMCREDS"));
        assert_eq!(dev.get("region"), Some("us-east-1"));
        assert_eq!(
            dev.location_of("aws_access_key_id").to_string(),
            "/h/.aws/credentials:2"
        );
        assert_eq!(dev.location_of("region").to_string(), "/h/.aws/config:6");
        assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    }

    #[test]
    fn profile_headers_follow_the_aws_cli() {
        let s = set(
            "[profile team.dev]\nregion=a\n[profile \"My Box\"]\nregion=b\n[profilefoo]\nregion=c\n[bizcorprole]\nregion=d\n[sso-session corp]\nsso_start_url=https://x\n[services dev]\ns3 =\n  endpoint_url = http://localhost\n",
            "",
        );
        assert_eq!(s.names().collect::<Vec<_>>(), ["team.dev", "My Box"]);
        assert!(s.sso_session("corp").is_some());
        let lines: Vec<usize> = s.warnings().iter().map(|w| w.location.line).collect();
        assert_eq!(lines, [5, 7]);
        assert!(
            s.warnings()[1].message.contains("[profile bizcorprole]"),
            "{}",
            s.warnings()[1]
        );
    }

    #[test]
    fn headers_split_like_python_shlex() {
        let words = |h: &str| shell_words(h);
        let v = |w: &[&str]| Some(w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(words("profile #dev"), v(&["profile", "#dev"]));
        assert_eq!(words("profile \"a\\$b\""), v(&["profile", "a\\$b"]));
        assert_eq!(words("profile \"a\\\"b\\\\c\""), v(&["profile", "a\"b\\c"]));
        assert_eq!(words("profile 'a\\b c'"), v(&["profile", "a\\b c"]));
        assert_eq!(words("profile a\\ b"), v(&["profile", "a b"]));
        assert_eq!(words("profile \"\""), v(&["profile", ""]));
        assert_eq!(words("profile\u{a0}dev"), v(&["profile\u{a0}dev"]));
        assert_eq!(words(" profile\tx "), v(&["profile", "x"]));
        assert_eq!(words("profile \"open"), None);
        assert_eq!(words("profile trailing\\"), None);
        let s = set("[profile #dev]\nregion=a\n[profile \"\"]\nregion=b\n", "");
        assert_eq!(s.names().collect::<Vec<_>>(), ["#dev", ""]);
    }

    #[test]
    fn a_repeated_header_is_the_error_of_its_line_as_in_the_reader() {
        // The reader leaves repeated headers to the set's index: the same errors, at the same lines.
        let config = |text: &str| ProfileSet::from_texts(&files(), Some(text), None).unwrap_err();
        let credentials =
            |text: &str| ProfileSet::from_texts(&files(), None, Some(text)).unwrap_err();
        for (error, line, first_line) in [
            (config("[profile a]\n[profile \"a\"]\n[profile a]\n"), 3, 1),
            (config("[default]\n[profile default]\n[default]\n"), 3, 1),
            (
                config("[sso-session x]\n[services s]\n[sso-session x]\n"),
                3,
                1,
            ),
            (config("[profile a]\nk=1\n[profile a]\nnot a key\n"), 3, 1),
            (credentials("[a]\nk=1\n[b]\n[a]\n"), 4, 1),
        ] {
            assert_eq!(error.location.line, line, "{error}");
            assert!(
                matches!(error.kind, ParseErrorKind::DuplicateSection { first_line: f, .. } if f == first_line),
                "{error}"
            );
        }
        // An earlier error of another kind comes first, as the reader stops there.
        let error = config("[profile a]\nnot a key\n[profile a]\n");
        assert_eq!(error.location.line, 2, "{error}");
        assert!(matches!(error.kind, ParseErrorKind::NotKeyValue), "{error}");
    }

    #[test]
    fn later_default_section_wins() {
        let s = set("[default]\nregion=a\n[profile default]\nregion=b\n", "");
        assert_eq!(s.get("default").unwrap().get("region"), Some("b"));
        assert_eq!(s.warnings().len(), 1);
        let s = set("[profile default]\nregion=b\n[default]\nregion=a\n", "");
        assert_eq!(s.get("default").unwrap().get("region"), Some("a"));
    }

    #[test]
    fn default_section_applies_to_every_profile() {
        let s = set(
            "[DEFAULT]\nregion=eu-west-1\n[profile a]\n[profile b]\nregion=us-east-2\n",
            "",
        );
        assert_eq!(s.get("a").unwrap().get("region"), Some("eu-west-1"));
        assert_eq!(s.get("b").unwrap().get("region"), Some("us-east-2"));
    }

    #[test]
    fn prefixed_section_in_credentials_is_literal_with_a_warning() {
        let s = set("", "[profile x]\naws_access_key_id=A\n");
        assert!(s.get("profile x").is_some());
        assert_eq!(s.warnings().len(), 1);
    }

    /// A missing file counts as empty; a file that cannot be read is an error naming it. The config file's
    /// error comes first, whatever the credentials file holds (a folder here), and whether the two files are
    /// read onto the heap or, large, into a mapping of their own.
    #[test]
    fn missing_files_are_empty_and_unreadable_ones_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let files = FileLocations {
            config: dir.path().join("config"),
            credentials: dir.path().join("credentials"),
        };
        assert!(ProfileSet::load(&files).unwrap().is_empty());
        std::fs::create_dir(&files.credentials).unwrap();
        for filler in [0, 400 << 10] {
            let mut config = b"[default]\nregion=\xff\xfe\n".to_vec();
            config.extend(std::iter::repeat_n(b'#', filler));
            std::fs::write(&files.config, config).unwrap();
            let error = ProfileSet::load(&files).unwrap_err();
            assert!(
                matches!(error, LoadError::NotUtf8 { line: 2, .. }),
                "{error}"
            );
        }
        std::fs::remove_file(&files.config).unwrap();
        std::fs::create_dir(&files.config).unwrap();
        let error = ProfileSet::load(&files).unwrap_err();
        assert!(
            error.to_string().ends_with("config is not a regular file"),
            "{error}"
        );
    }

    #[test]
    fn effective_properties_say_where_each_setting_comes_from() {
        let s = set(
            "[DEFAULT]\nregion = eu-west-1\n[profile dev]\naws_access_key_id = FROMCONFIG\ns3 =\n  max_concurrent_requests = 20\n  # a comment\n\n  addressing_style = path\n  max_concurrent_requests = 30\n",
            "[dev]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = wJalrXUtnFEMI\naws_session_token = tokentoken\n",
        );
        let listed = s.get("dev").unwrap().effective_properties();
        let at = |key: &str| listed.iter().find(|p| p.key == key).unwrap();
        let key_id = at("aws_access_key_id");
        assert_eq!(key_id.value, EffectiveValue::Text("AKIDCREDS".into()));
        assert_eq!(key_id.location.to_string(), "/h/.aws/credentials:2");
        assert_eq!(
            key_id
                .overrides
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("/h/.aws/config:4")
        );
        for secret in ["aws_secret_access_key", "aws_session_token"] {
            assert_eq!(at(secret).value, EffectiveValue::Redacted, "{secret}");
        }
        assert!(!format!("{listed:?}").contains("wJalrXUtnFEMI"));
        let region = at("region");
        assert!(region.inherited);
        assert_eq!(region.location.to_string(), "/h/.aws/config:2");
        let EffectiveValue::Map(entries) = &at("s3").value else {
            panic!("s3 is a map: {:?}", at("s3"));
        };
        let lines: Vec<(&str, String, usize)> = entries
            .iter()
            .map(|e| {
                let EffectiveValue::Text(text) = &e.value else {
                    panic!("{e:?}")
                };
                (e.key.as_str(), text.clone(), e.location.line)
            })
            .collect();
        // A repeated name keeps its first place and takes its later value and line, as botocore reads it.
        assert_eq!(
            lines,
            [
                ("max_concurrent_requests", "30".to_string(), 10),
                ("addressing_style", "path".to_string(), 9),
            ]
        );
    }

    #[test]
    fn values_sts_will_refuse_are_warnings_once_per_line() {
        let s = set(
            "[DEFAULT]\nrole_session_name = has space\n[profile a]\nrole_arn = arn:aws:iam::123456789:role/A\nsource_profile = b\n[profile b]\nduration_seconds = 2h\n",
            "",
        );
        let warnings: Vec<String> = s.warnings().iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        assert!(warnings[0].starts_with("/h/.aws/config:2: role_session_name = has space"));
        assert!(warnings[1].starts_with(
            "/h/.aws/config:4: role_arn = arn:aws:iam::123456789:role/A is not an IAM role ARN"
        ));
        assert!(warnings[2].contains("duration_seconds = 2h is not a whole number"));
        // A warning, not a refusal: the AWS CLI accepts the ARN.
        assert!(s.resolve("a").is_err_and(|e| e.profile() == "b"));
    }

    /// Read on two threads (the credentials file, and the end of a config file larger than it, on the other
    /// one), the files give the same set, the same warnings and the same first error as read on one, the
    /// config file's error first when both have one; and so do they when the other thread never starts and
    /// this one takes its work. The long config files are cut: a value to warn about, a section repeated and
    /// an error each come after the cut.
    #[test]
    fn reading_on_two_threads_changes_nothing() {
        let good_config = "[default]\nregion=us-east-1\n[profile r]\nrole_arn=arn:aws:iam::111122223333:role/R\nsource_profile=k\nrole_session_name=x\n[profile k]\nregion=eu-west-1\n[sso-session s]\nsso_region=us-east-1\n";
        let good_credentials = "[k]\naws_access_key_id=AKIAK\naws_secret_access_key=s\n[only]\naws_access_key_id=A\naws_secret_access_key=B\n[default]\naws_access_key_id=D\naws_secret_access_key=E\n";
        let bad_config = "[profile a]\nregion=x\nregion=y\n";
        let bad_credentials = "[k]\naws_access_key_id=A\naws_access_key_id=B\n";
        let repeated = "[k]\naws_access_key_id=A\n[k]\naws_secret_access_key=B\n";
        let long = |end: &str| {
            format!(
                "{good_config}[profile c]\nrole_arn=not an IAM role but long\nsource_profile=k\n{end}"
            )
        };
        let warned =
            long("[profile d]\nsource_profile=c\nrole_arn=arn:aws:iam::111122223333:role/D\n");
        let repeated_late = long("[profile k]\nregion=x\n[profile e]\nregion=y\n");
        let broken_late = long("[profile f]\nregion=x\nno delimiter\n");
        let cases = [
            (Some(warned.as_str()), None),
            (Some(warned.as_str()), Some(good_credentials)),
            (Some(repeated_late.as_str()), None),
            (Some(broken_late.as_str()), Some(bad_credentials)),
            (Some(good_config), Some(good_credentials)),
            (Some(bad_config), Some(good_credentials)),
            (Some(good_config), Some(bad_credentials)),
            (Some(bad_config), Some(bad_credentials)),
            (Some(good_config), Some(repeated)),
            (Some(good_config), None),
            (None, Some(good_credentials)),
            (Some(""), Some("")),
        ];
        for (config, credentials) in cases {
            // What a user of the set sees: the names, each one resolved, the warnings, or the error.
            let read = |parallel_from, threads| {
                let owned = |text: &str| FileText::from(text.to_string());
                let texts = (config.map(owned), credentials.map(owned));
                match ProfileSet::index(&files(), texts.0, texts.1, parallel_from, threads) {
                    Ok(set) => {
                        let names: Vec<&str> = set.names().collect();
                        let chains: Vec<String> = names
                            .iter()
                            .map(|n| format!("{:?}", set.resolve(n)))
                            .collect();
                        format!("{names:?} {chains:?} {:?}", set.warnings())
                    }
                    Err(error) => format!("{error:?}"),
                }
            };
            let one = read(usize::MAX, Threads::Two);
            assert_eq!(read(0, Threads::Two), one, "{config:?} / {credentials:?}");
            // Split, but the other thread never comes: this one reads both parts and the credentials.
            assert_eq!(read(0, Threads::One), one, "{config:?} / {credentials:?}");
        }
        let both_bad = ProfileSet::index(
            &files(),
            Some(bad_config.to_string().into()),
            Some(bad_credentials.to_string().into()),
            0,
            Threads::Two,
        );
        assert!(both_bad.is_err_and(|e| *e.location.path == *files().config));
    }
}
