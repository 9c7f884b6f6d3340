//! A regression guard for the cost of reading the AWS files, run in CI in the debug build: no timed threshold,
//! but what would change if reading went back to building every profile, allocated per line, or became
//! quadratic.
//!
//! - Allocations are counted (a counting global allocator). Loading the files and resolving one profile
//!   allocates nothing per profile, line or key (names are slices of the headers, values are read when
//!   asked for): going from 1,000 to 10,000 profiles (49,000 more lines) may add no more than 32 allocations,
//!   the growth of the index's lists. An allocation per profile would add 9,000; building each profile, or
//!   a `String` per key or line, 36,000 or more.
//! - What stays held on the heap after loading is the index: less than 150 bytes a profile (a profile built
//!   with its keys and values takes about 800). The files of 10,000 profiles (1.5 MB) are read into a mapping
//!   of their own (`amplify_fs::read_whole_capped`), which the counter does not see.
//! - A list (every profile resolved) keeps nothing: the bytes held after it are those held before.
//! - Times are compared, not judged: 10,000 profiles must cost less than 30 times 1,000 to load and resolve
//!   one, and to list (linear work is about 10 times; quadratic work 100).
//!
//! One test in this binary: the allocation counters are global, and another test's thread would add to them.

#![allow(clippy::disallowed_methods, clippy::print_stderr)] // tests may use std::fs and report sizes

use std::alloc::System;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use amplify_profile::{FileLocations, ProfileSet, report};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// `n` profiles as `cargo xtask bench` writes them: half role profiles (MFA every fourth) whose source is the
/// next one, the other half keys in the credentials file; the last role profile is the one resolved.
fn files_with(n: usize) -> (tempfile::TempDir, FileLocations, usize) {
    let (mut config, mut credentials) = (String::new(), String::new());
    for i in 0..n {
        if i % 2 == 0 {
            let mfa = if i % 4 == 0 {
                "mfa_serial = arn:aws:iam::444455556666:mfa/dev\n"
            } else {
                ""
            };
            let _ = write!(
                config,
                "[profile role{i}]\nrole_arn = arn:aws:iam::111122223333:role/Role{i}\nsource_profile = keys{}\nregion = us-east-1\n{mfa}\n",
                i + 1
            );
        } else {
            let _ = write!(config, "[profile keys{i}]\nregion = us-west-2\n\n");
            let _ = write!(
                credentials,
                "[keys{i}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = {}\n\n",
                "s".repeat(40)
            );
        }
    }
    let home = tempfile::tempdir().unwrap();
    let files = FileLocations::from_env(home.path(), |_| None);
    std::fs::create_dir_all(files.config.parent().unwrap()).unwrap();
    std::fs::write(&files.config, &config).unwrap();
    std::fs::write(&files.credentials, &credentials).unwrap();
    (home, files, config.len() + credentials.len())
}

fn last_role(n: usize) -> String {
    format!("role{}", (n - 2) / 2 * 2)
}

struct Cost {
    allocations: usize,
    /// Held after loading and resolving one profile.
    held: usize,
    /// Held after a list, more than before it.
    kept_by_list: isize,
    resolve: Duration,
    list: Duration,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn cost(files: &FileLocations, n: usize) -> Cost {
    let region = Region::new(GLOBAL);
    let set = ProfileSet::load(files).unwrap();
    let chain = set.resolve(&last_role(n)).unwrap();
    let change = region.change();
    assert_eq!(chain.hops.len(), 1, "{chain:?}");
    drop(chain);

    let before_list = region.change();
    let table = report::list_table(&set);
    assert_eq!(table.lines().count(), n + 1);
    drop(table);
    let after_list = region.change();
    let net = |c: &stats_alloc::Stats| c.bytes_allocated as isize - c.bytes_deallocated as isize;
    let kept_by_list = net(&after_list) - net(&before_list);

    let resolve = median(
        (0..3)
            .map(|_| {
                let start = Instant::now();
                let set = ProfileSet::load(files).unwrap();
                set.resolve(&last_role(n)).unwrap();
                start.elapsed()
            })
            .collect(),
    );
    let list = median(
        (0..3)
            .map(|_| {
                let start = Instant::now();
                report::list_table(&set);
                start.elapsed()
            })
            .collect(),
    );
    Cost {
        allocations: change.allocations + change.reallocations,
        held: net(&change).max(0) as usize,
        kept_by_list,
        resolve,
        list,
    }
}

#[test]
fn reading_10k_profiles_allocates_as_1k_keeps_little_and_scales_linearly() {
    let (_small_home, small_files, small_size) = files_with(1_000);
    let (_large_home, large_files, large_size) = files_with(10_000);
    let (s, l) = (cost(&small_files, 1_000), cost(&large_files, 10_000));
    eprintln!(
        "1k profiles ({small_size} bytes): {} allocations, {} bytes held, list keeps {}, resolve {:?}, list {:?}",
        s.allocations, s.held, s.kept_by_list, s.resolve, s.list
    );
    eprintln!(
        "10k profiles ({large_size} bytes): {} allocations, {} bytes held, list keeps {}, resolve {:?}, list {:?}",
        l.allocations, l.held, l.kept_by_list, l.resolve, l.list
    );
    assert!(
        l.allocations <= s.allocations + 32,
        "reading allocates per profile, line or key again: {} allocations for 1k profiles, {} for 10k",
        s.allocations,
        l.allocations
    );
    assert!(
        l.held < 150 * 10_000,
        "reading holds more than the index on the heap (150 bytes a profile): {} bytes for files of {large_size}",
        l.held
    );
    for cost in [&s, &l] {
        assert!(
            cost.kept_by_list <= 0,
            "a list keeps what it read: {} bytes more after it",
            cost.kept_by_list
        );
    }
    assert!(
        l.resolve < s.resolve * 30,
        "reading is not linear: {:?} for 1k profiles, {:?} for 10k",
        s.resolve,
        l.resolve
    );
    assert!(
        l.list < s.list * 30,
        "a list is not linear: {:?} for 1k profiles, {:?} for 10k",
        s.list,
        l.list
    );
}
