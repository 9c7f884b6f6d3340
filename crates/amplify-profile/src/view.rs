//! A profile as [`crate::resolve`] reads it: its sections' keys borrowed from the files' text, not copied
//! into a [`crate::Profile`] of owned strings. It answers what the resolver asks (a key's value and where
//! it is written, what one file alone sets) exactly as the `Profile` of the same sections would, so a list of
//! 100,000 profiles resolves each without building one (the allocations of those `Profile`s were a quarter
//! of the list's time).

use std::path::Path;
use std::sync::Arc;

use crate::location::Location;
use crate::parse::{RawProperty, Value};
use crate::scan::{FileIndex, Kept, ScanValue};

/// A value borrowed from a view or a [`crate::Profile`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueRef<'a> {
    Text(&'a str),
    Map(&'a [(String, String)]),
}

impl<'a> From<&'a Value> for ValueRef<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Text(text) => ValueRef::Text(text),
            Value::Map(map) => ValueRef::Map(map),
        }
    }
}

impl<'a> From<&'a ScanValue<'_>> for ValueRef<'a> {
    fn from(value: &'a ScanValue<'_>) -> Self {
        match value {
            ScanValue::Text(text) => ValueRef::Text(text),
            ScanValue::Map(map) => ValueRef::Map(map),
        }
    }
}

/// A key's value in a view, and where it is written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Setting<'a> {
    pub value: ValueRef<'a>,
    path: &'a Arc<Path>,
    line: usize,
    /// Set in the credentials file (whose values override the config file's).
    from_credentials: bool,
}

impl Setting<'_> {
    pub fn location(&self) -> Location {
        Location {
            path: self.path.clone(),
            line: self.line,
        }
    }
}

/// One file's section of a profile: its own keys, then the file's `[DEFAULT]` keys it does not set.
struct Part<'s> {
    file: &'s FileIndex,
    section: usize,
    own: Vec<Kept<'s>>,
    from_credentials: bool,
}

impl<'s> Part<'s> {
    fn new(file: &'s FileIndex, section: usize, from_credentials: bool) -> Self {
        Part {
            file,
            section,
            own: file.own_keys(section),
            from_credentials,
        }
    }

    fn find(&self, key: &str) -> Option<Setting<'_>> {
        let setting = |value, line| Setting {
            value,
            path: &self.file.path,
            line,
            from_credentials: self.from_credentials,
        };
        match self.own.iter().find(|k| k.key == key) {
            Some(own) => Some(setting((&own.value).into(), own.line)),
            None => (self.file.defaults.iter())
                .find(|d: &&RawProperty| d.key == key)
                .map(|d| setting((&d.value).into(), d.line)),
        }
    }
}

/// A profile's sections, read without copying: see the module's documentation.
pub(crate) struct View<'s> {
    name: &'s str,
    config: Option<Part<'s>>,
    credentials: Option<Part<'s>>,
}

impl<'s> View<'s> {
    pub fn new(
        name: &'s str,
        config: Option<(&'s FileIndex, usize)>,
        credentials: Option<(&'s FileIndex, usize)>,
    ) -> Self {
        View {
            name,
            config: config.map(|(file, section)| Part::new(file, section, false)),
            credentials: credentials.map(|(file, section)| Part::new(file, section, true)),
        }
    }

    pub fn name(&self) -> &'s str {
        self.name
    }

    /// The value the AWS CLI reads for `key`: the credentials file's over the config file's, each section's
    /// own over its file's `[DEFAULT]`.
    pub fn setting(&self, key: &str) -> Option<Setting<'_>> {
        (self.credentials.as_ref().and_then(|p| p.find(key)))
            .or_else(|| self.config.as_ref().and_then(|p| p.find(key)))
    }

    pub fn has(&self, key: &str) -> bool {
        self.setting(key).is_some()
    }

    /// `key` as the file at `path` alone sets it ([`crate::Profile`]'s `in_file`): the value read, if it is
    /// written there, else the config file's value it overrides, if that one is.
    pub fn in_file(&self, key: &str, path: &Path) -> Option<Setting<'_>> {
        let read = self.setting(key)?;
        if **read.path == *path {
            return Some(read);
        }
        let overridden = read
            .from_credentials
            .then(|| self.config.as_ref()?.find(key));
        overridden.flatten().filter(|s| **s.path == *path)
    }

    /// Where the profile is defined: its section header in the config file, else in the credentials file.
    pub fn first_section(&self) -> Location {
        let part = (self.config.as_ref().or(self.credentials.as_ref()))
            .expect("a profile has a section in one of the files");
        part.file.location(part.section)
    }

    /// Where `key` was written, else where the profile starts.
    pub fn location_of(&self, key: &str) -> Location {
        self.setting(key)
            .map_or_else(|| self.first_section(), |s| s.location())
    }
}
