//! The settings in effect, each with where its value came from: flags, then variables, then the project
//! file, then the user file, then the default. A profile's own key (`amplify_rs_mfa_session`,
//! `mfa_process`, ...) sits between the user file and the default: it belongs to one profile, so
//! `amplify-sts` applies it for the profile in use, when none of these sources set the setting
//! ([`Settings::mfa_session`] and the like return `None` then).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use amplify_creds::env::{self, Env};

use crate::error::{Location, SettingsError, Warning};
use crate::file::{Scope, SettingsFile};
use crate::keys::{Definition, Key};
use crate::value::Value;

/// The user file, below `$XDG_CONFIG_HOME` (else `~/.config`).
pub const USER_FILE: &str = "amplify-rs/config.toml";
/// The project file, at the project's root.
pub const PROJECT_FILE: &str = "amplify-rs.toml";

/// `$XDG_CONFIG_HOME/amplify-rs/config.toml`, else `$HOME/.config/amplify-rs/config.toml` (a relative
/// `XDG_CONFIG_HOME` is ignored, as the XDG specification says); `None` without either.
pub fn user_file(env: &Env) -> Option<PathBuf> {
    let base = env
        .get(env::XDG_CONFIG_HOME)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            env.get(env::HOME)
                .map(|home| Path::new(home).join(".config"))
        })?;
    Some(base.join(USER_FILE))
}

/// `amplify-rs.toml` in the project's root folder.
pub fn project_file(root: &Path) -> PathBuf {
    root.join(PROJECT_FILE)
}

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Variable(&'static str),
    File { scope: Scope, location: Location },
    Default,
}

impl Source {
    /// 0 wins over 1, and so on: flag, variable, project file, user file, (a profile's key), default.
    pub fn rank(&self) -> u8 {
        match self {
            Source::Flag(_) => 0,
            Source::Variable(_) => 1,
            Source::File { scope, .. } => scope.rank(),
            Source::Default => 5,
        }
    }
}

/// `--mfa-session`, `AMPLIFY_RS_AWS_TIMEOUT`, `/home/me/.config/amplify-rs/config.toml:3`, `default`.
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => f.write_str(flag),
            Source::Variable(name) => f.write_str(name),
            Source::File { location, .. } => {
                write!(f, "{}:{}", location.path.display(), location.line)
            }
            Source::Default => f.write_str("default"),
        }
    }
}

/// A setting's value and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub value: Value,
    pub source: Source,
}

/// What the settings are made from. The flags are the front end's: the values of the flags given.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub env: Env,
    pub flags: Vec<(Key, Value)>,
    /// [`user_file`].
    pub user_file: Option<PathBuf>,
    /// [`project_file`] of the project here, if there is one.
    pub project_file: Option<PathBuf>,
}

/// Every source read: the settings, and what is wrong with the sources.
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    pub warnings: Vec<Warning>,
    /// Each error's value is left out of the settings.
    pub errors: Vec<SettingsError>,
}

impl Loaded {
    /// The settings and the warnings, or the first error: a command does not run on settings that are
    /// wrong (only `config set` and `unset`, which fix them, go on).
    pub fn checked(self) -> Result<(Settings, Vec<Warning>), SettingsError> {
        match self.errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok((self.settings, self.warnings)),
        }
    }
}

/// The settings in effect.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Values some source set (not defaults).
    set: BTreeMap<Key, Resolved>,
}

/// `ui.color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// When the output is a terminal.
    Auto,
    Always,
    Never,
}

impl Settings {
    /// Reads every source, the lowest first, each overriding what came before.
    pub fn load(inputs: &Inputs) -> Loaded {
        let mut loaded = Loaded {
            settings: Settings::default(),
            warnings: Vec::new(),
            errors: Vec::new(),
        };
        let files = [
            (&inputs.user_file, Scope::User),
            (&inputs.project_file, Scope::Project),
        ];
        for (path, scope) in files {
            if let Some(path) = path {
                loaded.read_file(path, scope);
            }
        }
        for definition in crate::keys::DEFINITIONS.iter() {
            match from_variables(definition, &inputs.env) {
                Ok(Some(resolved)) => loaded.settings.put(definition.key, resolved),
                Ok(None) => {}
                Err(error) => loaded.errors.push(error),
            }
        }
        for (key, value) in &inputs.flags {
            let flag = key.definition().flag.unwrap_or("a flag");
            loaded.settings.put(
                *key,
                Resolved {
                    value: value.clone(),
                    source: Source::Flag(flag),
                },
            );
        }
        loaded
    }

    fn put(&mut self, key: Key, resolved: Resolved) {
        self.set.insert(key, resolved);
    }

    /// The value a source set, if one did.
    pub fn explicit(&self, key: Key) -> Option<&Resolved> {
        self.set.get(&key)
    }

    /// The value a source set, else the default; `None` for a setting without a default that nothing sets.
    pub fn get(&self, key: Key) -> Option<Resolved> {
        self.explicit(key).cloned().or_else(|| {
            let definition = key.definition();
            Some(Resolved {
                value: Value::from_text(&definition.kind, definition.default?)?,
                source: Source::Default,
            })
        })
    }

    fn value(&self, key: Key) -> Value {
        self.get(key).expect("a setting with a default").value
    }

    /// `aws.timeout`: one attempt's time limit.
    pub fn aws_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.value(Key::AwsTimeout).as_seconds().unwrap_or(30.0))
    }

    /// `aws.attempts`.
    pub fn aws_attempts(&self) -> u32 {
        self.value(Key::AwsAttempts).as_whole().unwrap_or(3)
    }

    /// `mfa.session`, if a source above the profiles set it.
    pub fn mfa_session(&self) -> Option<bool> {
        self.explicit(Key::MfaSession)?.value.as_bool()
    }

    /// `mfa.session_duration` in seconds, if a source above the profiles set it.
    pub fn mfa_session_duration(&self) -> Option<u32> {
        self.explicit(Key::MfaSessionDuration)?.value.as_whole()
    }

    /// `mfa.process` and where it was set, if a source above the profiles set it.
    pub fn mfa_process(&self) -> Option<(&str, &Source)> {
        let resolved = self.explicit(Key::MfaProcess)?;
        Some((resolved.value.as_text()?, &resolved.source))
    }

    /// `credentials.reuse_margin`: never less than five minutes.
    pub fn reuse_margin(&self) -> Duration {
        let seconds = self.value(Key::ReuseMargin).as_whole().unwrap_or(300);
        Duration::from_secs(u64::from(
            seconds.max(crate::keys::MIN_REUSE_MARGIN_SECONDS),
        ))
    }

    /// `ui.progress`.
    pub fn progress(&self) -> bool {
        self.value(Key::Progress).as_bool().unwrap_or(true)
    }

    /// `ui.color`.
    pub fn color(&self) -> Color {
        match self.value(Key::Color).as_text() {
            Some("always") => Color::Always,
            Some("never") => Color::Never,
            _ => Color::Auto,
        }
    }

    /// `init.default_profile` and where it came from.
    pub fn default_profile(&self) -> Resolved {
        self.get(Key::DefaultProfile).expect("it has a default")
    }

    /// The profile `init --yes` uses when a source set `init.default_profile`, and how to name that source
    /// in a message: `AWS_PROFILE`, `init.default_profile (FILE:LINE)`.
    pub fn chosen_default_profile(&self) -> Option<(&str, String)> {
        let resolved = self.explicit(Key::DefaultProfile)?;
        let named_by = match &resolved.source {
            Source::Variable(variable) => (*variable).to_string(),
            source => format!("init.default_profile ({source})"),
        };
        Some((resolved.value.as_text()?, named_by))
    }

    /// The source that sets `key` and wins over a file of `written` scope just edited, if any: a flag, a
    /// variable, or the project file over the user's.
    pub fn overriding(&self, key: Key, written: Scope) -> Option<&Source> {
        let source = &self.explicit(key)?.source;
        (source.rank() < written.rank()).then_some(source)
    }
}

impl Color {
    /// Colours forced on or off; `None` to decide by the terminal.
    pub fn forced(self) -> Option<bool> {
        match self {
            Color::Auto => None,
            Color::Always => Some(true),
            Color::Never => Some(false),
        }
    }
}

impl Loaded {
    fn read_file(&mut self, path: &Path, scope: Scope) {
        let reading = SettingsFile::read(path, scope).and_then(|file| file.reading());
        match reading {
            Ok(reading) => {
                for (key, value, location) in reading.values {
                    self.settings.put(
                        key,
                        Resolved {
                            value,
                            source: Source::File { scope, location },
                        },
                    );
                }
                self.warnings.extend(reading.warnings);
                self.errors.extend(reading.errors);
            }
            Err(error) => self.errors.push(error),
        }
    }
}

/// The setting's value from the first of its variables that is set.
fn from_variables(definition: &Definition, env: &Env) -> Result<Option<Resolved>, SettingsError> {
    let Some(variables) = definition.variables else {
        return Ok(None);
    };
    let Some((name, text)) = variables
        .names
        .iter()
        .find_map(|name| Some((*name, env.get(name)?)))
    else {
        return Ok(None);
    };
    let value = match variables.any_value_means {
        Some(meaning) => Value::from_text(&definition.kind, meaning),
        None => Value::from_text(&definition.kind, text),
    };
    match value {
        Some(value) => Ok(Some(Resolved {
            value,
            source: Source::Variable(name),
        })),
        None => Err(SettingsError::Variable {
            name,
            value: text.to_string(),
            allowed: definition.kind.allowed(),
        }),
    }
}
