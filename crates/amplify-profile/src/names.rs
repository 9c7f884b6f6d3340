//! The profiles of a [`crate::ProfileSet`] in reading order, found by name. A name is not copied: it is a slice
//! of its section's header (`[profile NAME]`, `[default]`, a credentials file's `[NAME]`), kept apart only when
//! the header quotes it. A hash table holds each profile's position, so 100,000 profiles cost about 50 bytes
//! each (an `IndexMap<String, _>` took twice that, and an allocation per name).

use std::hash::BuildHasher as _;

use foldhash::fast::RandomState as FastHash;
use hashbrown::HashTable;
use once_cell::race::OnceBox;

use crate::profiles::Profile;
use crate::scan::FileIndex;

/// Where a profile's name is written.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Name {
    /// The config file's header of `section`, after its first `skip` bytes (`profile `).
    Config { section: u32, skip: u8 },
    /// The credentials file's header of `section`.
    Credentials(u32),
    /// A name the header quotes, kept apart.
    Quoted(u32),
}

/// One profile: its name, its section in each file that has one (in the config file, the last section naming
/// it), and the profile once [`crate::ProfileSet::get`] has read it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub name: Name,
    pub config: Option<u32>,
    pub credentials: Option<u32>,
    /// A pointer wide, not `OnceLock`'s two: 32 bytes an entry instead of 40, a fifth fewer pages to fault
    /// in for a table of 100,000 profiles.
    pub read: OnceBox<Profile>,
}

impl Entry {
    pub fn new(name: Name) -> Self {
        Entry {
            name,
            config: None,
            credentials: None,
            read: OnceBox::new(),
        }
    }
}

/// The files names are sliced from.
#[derive(Clone, Copy)]
pub(crate) struct Texts<'a> {
    pub config: Option<&'a FileIndex>,
    pub credentials: Option<&'a FileIndex>,
}

/// The profiles in order, and a hash table of their positions.
#[derive(Clone, Debug, Default)]
pub(crate) struct Entries {
    entries: Vec<Entry>,
    table: HashTable<u32>,
    /// foldhash: SipHash's resistance to chosen keys buys nothing for a user's own files, and was a fifth of
    /// the time of resolving one profile of 100,000.
    hasher: FastHash,
    quoted: Vec<String>,
}

fn name_in<'a>(texts: Texts<'a>, quoted: &'a [String], name: Name) -> &'a str {
    let header =
        |file: Option<&'a FileIndex>, section: u32| file.map_or("", |f| f.header(section as usize));
    match name {
        Name::Config { section, skip } => &header(texts.config, section)[usize::from(skip)..],
        Name::Credentials(section) => header(texts.credentials, section),
        Name::Quoted(i) => &quoted[i as usize],
    }
}

fn position(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion profiles in files of at most 256 MiB")
}

impl Entries {
    pub fn with_capacity(capacity: usize) -> Self {
        let mut entries = Entries::default();
        entries.entries.reserve_exact(capacity);
        entries.table.reserve(capacity, |_| 0);
        entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Entry> {
        self.entries.iter()
    }

    pub fn name<'a>(&'a self, texts: Texts<'a>, entry: &Entry) -> &'a str {
        name_in(texts, &self.quoted, entry.name)
    }

    /// Keeps a name the header quotes, for an entry to point at.
    pub fn quote(&mut self, name: String) -> Name {
        self.quoted.push(name);
        Name::Quoted(position(self.quoted.len() - 1))
    }

    pub fn find(&self, texts: Texts<'_>, name: &str) -> Option<&Entry> {
        let hash = self.hasher.hash_one(name);
        let at = self.table.find(hash, |&i| {
            name_in(texts, &self.quoted, self.entries[i as usize].name) == name
        })?;
        Some(&self.entries[*at as usize])
    }

    pub fn find_mut(&mut self, texts: Texts<'_>, name: &str) -> Option<&mut Entry> {
        let hash = self.hasher.hash_one(name);
        let Entries {
            entries,
            table,
            quoted,
            ..
        } = self;
        let at = *table.find(hash, |&i| {
            name_in(texts, quoted, entries[i as usize].name) == name
        })?;
        Some(&mut entries[at as usize])
    }

    /// Adds `entry` at the end, or, when a profile of the same name is there, puts it in that one's place
    /// (keeping the earlier name) and returns the one it replaces.
    pub fn insert(&mut self, texts: Texts<'_>, entry: Entry) -> Option<Entry> {
        let Entries {
            entries,
            table,
            hasher,
            quoted,
        } = self;
        let key = name_in(texts, quoted, entry.name);
        let hash = hasher.hash_one(key);
        let found = table
            .find(hash, |&i| {
                name_in(texts, quoted, entries[i as usize].name) == key
            })
            .copied();
        if let Some(at) = found {
            let slot = &mut entries[at as usize];
            let name = slot.name;
            return Some(std::mem::replace(slot, Entry { name, ..entry }));
        }
        entries.push(entry);
        let at = position(entries.len() - 1);
        table.insert_unique(hash, at, |&i| {
            hasher.hash_one(name_in(texts, quoted, entries[i as usize].name))
        });
        None
    }
}

#[cfg(test)]
mod tests {
    /// An entry is 32 bytes (the table of a million profiles holds a million of them): its name's place,
    /// its section in each file, and a pointer to the profile once read.
    #[test]
    fn an_entry_takes_32_bytes() {
        assert_eq!(size_of::<super::Entry>(), 32);
    }
}
