//! A seeded corpus of `~/.aws/config` and `~/.aws/credentials` pairs about credentials rather than syntax:
//! role chains of any depth (through sources that are roles, keys, processes, SSO or web identity, with
//! loops, self-references, missing sources, both or neither source), keys split across the two files or
//! half there, `[DEFAULT]` keys, sso-sessions that are missing or disagree with their profiles, and the
//! values botocore's client refuses or STS would (durations, short or empty IDs, odd ARNs). The
//! differential test resolves every profile of each pair with botocore and with us.

use std::collections::BTreeSet;

use crate::common::Rng;

/// The profiles a case may write; `Z` is asked for but never written.
const NAMES: &[&str] = &["A", "B", "C", "D", "default"];
const MISSING: &str = "Z";

/// One pair of files, and the profiles to resolve in them.
#[derive(Clone, Debug)]
pub struct ChainCase {
    pub id: usize,
    pub config: Option<String>,
    pub credentials: Option<String>,
    /// The profiles written, then `Z`, which is not.
    pub profiles: Vec<String>,
}

/// The keys of one section of one file, in the order they are written.
#[derive(Default)]
struct Section {
    lines: Vec<(String, String)>,
}

impl Section {
    /// Sets `key` unless the section has it (a key twice would make the file unreadable).
    fn set(&mut self, key: &str, value: impl Into<String>) {
        if !self.lines.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            self.lines.push((key.to_string(), value.into()));
        }
    }
}

/// The two files of a case being written: per profile, a section in each file.
struct Writer<'r> {
    rng: &'r mut Rng,
    config: Vec<(String, Section)>,
    credentials: Vec<(String, Section)>,
    features: BTreeSet<&'static str>,
}

const ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:role/Dev",
    "arn:aws:iam::123456789:role/RoleA",
    "arn:aws:iam::444455556666:role/team/Admin",
    "arn:aws-cn:iam::111122223333:role/China",
    "arn:aws:iam::111122223333:user/NotARole",
    "arn:foo",
    "",
];
const SOURCES: &[&str] = &[
    "Environment",
    "Ec2InstanceMetadata",
    "EcsContainer",
    "ec2instancemetadata",
    "Laptop",
    "",
];
const DURATIONS: &[&str] = &[
    "3600",
    "900",
    "43200",
    "60",
    "899",
    "86400",
    "1h",
    "+1_800",
    "0900",
    "-5",
    "",
    "\u{ff19}\u{ff10}\u{ff10}",
    "1__0",
    " 1200",
];
const SESSION_NAMES: &[&str] = &["dev-alice", "x", "", "my session", "ok.name@corp"];
const EXTERNAL_IDS: &[&str] = &["ext-42", "x", "", "has space", "a:b/c"];
const MFA_SERIALS: &[&str] = &[
    "arn:aws:iam::111122223333:mfa/dev",
    "GAHT12345678",
    "short",
    "",
];

impl Writer<'_> {
    fn section<'s>(files: &'s mut Vec<(String, Section)>, name: &str) -> &'s mut Section {
        if let Some(i) = files.iter().position(|(n, _)| n == name) {
            return &mut files[i].1;
        }
        files.push((name.to_string(), Section::default()));
        &mut files.last_mut().expect("just pushed").1
    }

    /// A key of `profile`, mostly in the config file (keys mostly in the credentials file).
    fn set(&mut self, profile: &str, key: &str, value: &str, in_credentials: u32) {
        let key = if self.rng.chance(3) {
            self.features.insert("mixed_case_key");
            key.to_uppercase()
        } else {
            key.to_string()
        };
        let files = if self.rng.chance(in_credentials) {
            &mut self.credentials
        } else {
            &mut self.config
        };
        Self::section(files, profile).set(&key, value);
    }

    fn other_name(&mut self, me: &str) -> String {
        match self.rng.weighted(&[80, 6, 5, 3]) {
            0 => self.rng.pick(NAMES).to_string(),
            1 => {
                self.features.insert("self_source");
                me.to_string()
            }
            2 => {
                self.features.insert("missing_source");
                MISSING.to_string()
            }
            _ => String::new(),
        }
    }

    fn role(&mut self, profile: &str) {
        self.features.insert("role");
        let arn = ARNS[self.rng.weighted(&[50, 15, 10, 5, 5, 10, 5])];
        self.set(profile, "role_arn", arn, 3);
        match self.rng.weighted(&[70, 15, 5, 4]) {
            0 => {
                let source = self.other_name(profile);
                self.set(profile, "source_profile", &source, 5);
            }
            1 => {
                let source = SOURCES[self.rng.weighted(&[30, 30, 20, 8, 8, 4])];
                self.set(profile, "credential_source", source, 3);
            }
            2 => {
                self.features.insert("both_sources");
                let source = self.other_name(profile);
                self.set(profile, "source_profile", &source, 0);
                self.set(profile, "credential_source", "Environment", 0);
            }
            _ => {
                self.features.insert("no_source");
            }
        }
        let extras: [(&str, &[&str], u32); 4] = [
            ("mfa_serial", MFA_SERIALS, 20),
            ("external_id", EXTERNAL_IDS, 15),
            ("role_session_name", SESSION_NAMES, 12),
            ("duration_seconds", DURATIONS, 20),
        ];
        for (key, values, percent) in extras {
            if self.rng.chance(percent) {
                let value = self.rng.pick(values);
                self.set(profile, key, value, 3);
            }
        }
    }

    fn keys(&mut self, profile: &str) {
        let id = format!("AKID{profile}");
        let secret = format!("secret-{profile}");
        match self.rng.weighted(&[50, 20, 8, 6, 6, 4, 3]) {
            // Both keys in the credentials file, or both in the config file.
            0 => {
                Self::section(&mut self.credentials, profile)
                    .set("aws_access_key_id", format!("{id}-creds"));
                Self::section(&mut self.credentials, profile).set("aws_secret_access_key", secret);
            }
            1 => {
                Self::section(&mut self.config, profile)
                    .set("aws_access_key_id", format!("{id}-config"));
                Self::section(&mut self.config, profile).set("aws_secret_access_key", secret);
            }
            // Split across the files.
            2 => {
                self.features.insert("split_keys");
                Self::section(&mut self.credentials, profile)
                    .set("aws_access_key_id", format!("{id}-creds"));
                Self::section(&mut self.config, profile).set("aws_secret_access_key", secret);
            }
            3 => {
                self.features.insert("split_keys");
                Self::section(&mut self.config, profile)
                    .set("aws_access_key_id", format!("{id}-config"));
                Self::section(&mut self.credentials, profile).set("aws_secret_access_key", secret);
            }
            // Half there.
            4 => {
                self.features.insert("partial_keys");
                self.set(profile, "aws_access_key_id", &id, 60);
            }
            5 => {
                self.features.insert("partial_keys");
                self.set(profile, "aws_secret_access_key", &secret, 60);
            }
            // Keys in both files.
            _ => {
                self.features.insert("keys_in_both_files");
                for (files, which) in [
                    (&mut self.config, "config"),
                    (&mut self.credentials, "creds"),
                ] {
                    Self::section(files, profile).set("aws_access_key_id", format!("{id}-{which}"));
                    Self::section(files, profile)
                        .set("aws_secret_access_key", format!("{secret}-{which}"));
                }
            }
        }
        if self.rng.chance(15) {
            self.features.insert("session_token");
            let key = self.rng.pick(&["aws_session_token", "aws_security_token"]);
            let value = if self.rng.chance(20) {
                String::new()
            } else {
                format!("token-{profile}-{key}")
            };
            self.set(profile, key, &value, 70);
        }
    }

    fn web_identity(&mut self, profile: &str) {
        self.features.insert("web_identity");
        let file = self.rng.pick(&["/var/token.jwt", "/var/token.jwt", ""]);
        self.set(profile, "web_identity_token_file", file, 5);
        if self.rng.chance(80) {
            let arn = ARNS[self.rng.weighted(&[50, 15, 10, 5, 5, 10, 5])];
            self.set(profile, "role_arn", arn, 5);
        }
        if self.rng.chance(30) {
            let name = self.rng.pick(SESSION_NAMES);
            self.set(profile, "role_session_name", name, 5);
        }
    }

    fn sso(&mut self, profile: &str) {
        self.features.insert("sso");
        let keys: [(&str, &str, u32); 4] = [
            ("sso_account_id", "111122223333", 85),
            ("sso_role_name", "Dev", 85),
            ("sso_start_url", "https://corp.awsapps.com/start", 45),
            ("sso_region", "eu-west-1", 45),
        ];
        for (key, value, percent) in keys {
            if self.rng.chance(percent) {
                let value = if key == "sso_region" && self.rng.chance(30) {
                    "us-east-1"
                } else {
                    value
                };
                self.set(profile, key, value, 0);
            }
        }
        if self.rng.chance(55) {
            let session = self.rng.pick(&["corp", "corp", "dev", "oops"]);
            self.set(profile, "sso_session", session, 0);
        }
    }

    /// A chain through all of `names` in order, each a role whose source is the next, before the random
    /// keys every profile gets (which may add to it, or break it).
    fn chain(&mut self, names: &[String]) {
        self.features.insert("deep_chain");
        for pair in names.windows(2) {
            let arn = ARNS[self.rng.weighted(&[80, 10, 10])];
            Self::section(&mut self.config, &pair[0]).set("role_arn", arn);
            Self::section(&mut self.config, &pair[0]).set("source_profile", &pair[1]);
        }
    }

    fn profile(&mut self, name: &str) {
        let kinds = 1 + self.rng.weighted(&[60, 30, 10]);
        for _ in 0..kinds {
            match self.rng.weighted(&[40, 30, 8, 8, 9, 4, 1]) {
                0 => self.role(name),
                1 => self.keys(name),
                2 => {
                    self.features.insert("process");
                    self.set(
                        name,
                        "credential_process",
                        &format!("/usr/bin/creds --profile {name}"),
                        10,
                    );
                }
                3 => self.web_identity(name),
                4 => self.sso(name),
                5 => {
                    self.features.insert("settings_only");
                    self.set(name, "region", "eu-west-1", 10);
                }
                _ => {
                    self.features.insert("login_session");
                    self.set(
                        name,
                        "login_session",
                        "arn:aws:iam::111122223333:user/dev",
                        0,
                    );
                }
            }
        }
        if self.rng.chance(10) {
            self.set(name, "region", "us-east-1", 0);
        }
    }

    fn sso_sessions(&mut self) -> String {
        let mut text = String::new();
        for name in ["corp", "dev"] {
            if !self.rng.chance(60) {
                continue;
            }
            text.push_str(&format!("[sso-session {name}]\n"));
            if self.rng.chance(85) {
                text.push_str("sso_start_url = https://corp.awsapps.com/start\n");
            }
            if self.rng.chance(85) {
                let region = if self.rng.chance(25) {
                    "us-east-1"
                } else {
                    "eu-west-1"
                };
                text.push_str(&format!("sso_region = {region}\n"));
            }
            if self.rng.chance(10) {
                self.features.insert("sso_session_region");
                text.push_str("region = eu-west-1\n");
            }
            if self.rng.chance(20) {
                text.push_str("sso_registration_scopes = sso:account:access\n");
            }
        }
        text
    }

    fn render(
        files: &[(String, Section)],
        header: impl Fn(&str) -> String,
        prefix: &str,
        rng: &mut Rng,
    ) -> String {
        let mut text = prefix.to_string();
        for (name, section) in files {
            text.push_str(&header(name));
            text.push('\n');
            let mut lines: Vec<&(String, String)> = section.lines.iter().collect();
            if rng.chance(30) {
                lines.reverse();
            }
            for (k, v) in lines {
                let delimiter = rng.pick(&[" = ", "=", " =", ": "]);
                let delimiter = if v.is_empty() { " =" } else { delimiter };
                text.push_str(&format!("{k}{delimiter}{v}\n"));
            }
        }
        text
    }

    fn finish(mut self) -> (Option<String>, Option<String>, BTreeSet<&'static str>) {
        let mut config_prefix = String::new();
        if self.rng.chance(6) {
            self.features.insert("default_section");
            let defaults = self.rng.pick(&[
                "region = eu-west-2\n",
                "region = eu-west-2\n",
                "mfa_serial = arn:aws:iam::111122223333:mfa/dev\n",
                "duration_seconds = 1800\nrole_session_name = everyone\n",
                "role_arn = arn:aws:iam::111122223333:role/Everyone\nsource_profile = A\n",
                "sso_region = eu-west-1\n",
            ]);
            config_prefix.push_str("[DEFAULT]\n");
            config_prefix.push_str(defaults);
        }
        let sessions = self.sso_sessions();
        let mut credentials_prefix = String::new();
        if self.rng.chance(5) {
            self.features.insert("default_section");
            credentials_prefix.push_str(self.rng.pick(&[
                "[DEFAULT]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n",
                "[DEFAULT]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n",
                "[DEFAULT]\naws_secret_access_key = default-secret\n",
            ]));
        }
        let header = |name: &str| {
            if name == "default" {
                "[default]".to_string()
            } else {
                format!("[profile {name}]")
            }
        };
        let mut config = Self::render(&self.config, header, &config_prefix, self.rng);
        config.push_str(&sessions);
        let credentials = Self::render(
            &self.credentials,
            |n| format!("[{n}]"),
            &credentials_prefix,
            self.rng,
        );
        let config = (!config.is_empty() || self.rng.chance(50)).then_some(config);
        let credentials = (!credentials.is_empty() || self.rng.chance(50)).then_some(credentials);
        (config, credentials, self.features)
    }
}

/// `count` cases from `seed`, and how many cases show each feature.
pub fn generate(
    seed: u64,
    count: usize,
) -> (
    Vec<ChainCase>,
    std::collections::BTreeMap<&'static str, usize>,
) {
    let mut rng = Rng::new(seed ^ 0xC4A1_2026);
    let mut cases = Vec::with_capacity(count);
    let mut coverage = std::collections::BTreeMap::new();
    for id in 0..count {
        let mut writer = Writer {
            rng: &mut rng,
            config: Vec::new(),
            credentials: Vec::new(),
            features: BTreeSet::new(),
        };
        let count = 2 + writer.rng.below(NAMES.len() - 1);
        let mut names: Vec<&str> = NAMES.to_vec();
        let mut profiles = Vec::new();
        for _ in 0..count {
            profiles.push(names.remove(writer.rng.below(names.len())).to_string());
        }
        if writer.rng.chance(30) {
            writer.chain(&profiles);
        }
        for name in &profiles {
            writer.profile(name);
        }
        profiles.push(MISSING.to_string());
        let (config, credentials, features) = writer.finish();
        for feature in features {
            *coverage.entry(feature).or_insert(0) += 1;
        }
        cases.push(ChainCase {
            id,
            config,
            credentials,
            profiles,
        });
    }
    (cases, coverage)
}
