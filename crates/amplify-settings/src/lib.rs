//! amplify-rs's own settings: how long an AWS call may take, MFA sessions, the `mfa_process`, the reuse
//! margin of cached credentials, progress and colour, the profile `init` offers first.
//!
//! They come from five places, and one precedence decides: **flag > variable > project file > user file >
//! (a profile's key) > default**.
//!
//! - The user file, `$XDG_CONFIG_HOME/amplify-rs/config.toml` (else `~/.config/amplify-rs/config.toml`):
//!   the user's own, written 0600.
//! - The project file, `amplify-rs.toml` at the project's root, committed with the project for what a team
//!   shares. A cloned repository is untrusted input: it cannot set what runs a command (`mfa.process`), and
//!   it must be a file of the project, not a link to somewhere else.
//! - The variables (`AMPLIFY_RS_AWS_TIMEOUT`, ...) from the environment snapshot, and the flags the front
//!   end passes in.
//!
//! Files are TOML, read with their places (an error names `file:line:column`, what is there and what is
//! allowed; an unknown key is a warning with the setting probably meant) and edited with `toml_edit`, so
//! `amplify-rs config set` and `unset` keep every comment, the order and the spacing of what they do not
//! change. The table of settings is [`keys::DEFINITIONS`]; `docs/settings.md` describes it for people.
//!
//! ```
//! use amplify_settings::{Inputs, Key, Settings, Source};
//! use amplify_creds::env::Env;
//! let inputs = Inputs {
//!     env: Env::from_pairs([("AMPLIFY_RS_AWS_TIMEOUT", "5")]),
//!     ..Inputs::default()
//! };
//! let (settings, _warnings) = Settings::load(&inputs).checked().unwrap();
//! assert_eq!(settings.aws_timeout().as_secs(), 5);
//! assert_eq!(settings.get(Key::AwsTimeout).unwrap().source, Source::Variable("AMPLIFY_RS_AWS_TIMEOUT"));
//! ```

mod edit;
mod error;
mod file;
pub mod keys;
mod list;
mod settings;
mod value;

pub use error::{Location, SettingsError, Warning};
pub use file::{MAX_FILE_SIZE, Reading, Scope, SettingsFile};
pub use keys::{Definition, InProject, Key, Kind};
pub use settings::{
    Color, Inputs, Loaded, PROJECT_FILE, Resolved, Settings, Source, USER_FILE, project_file,
    user_file,
};
pub use value::Value;
