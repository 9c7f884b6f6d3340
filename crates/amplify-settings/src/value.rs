//! A setting's value, read from a TOML value of a file or from the text of a variable or of
//! `amplify-rs config set`, and checked against what the setting accepts ([`Kind`]).

use std::fmt;

use crate::keys::Kind;

/// A setting's value, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    /// Seconds, whole or not.
    Seconds(f64),
    Whole(u32),
    /// A command, a profile name, one of a setting's words.
    Text(String),
}

/// Booleans as people type them in variables: clap's and the AWS CLI's words.
const TRUE_WORDS: [&str; 6] = ["1", "true", "yes", "y", "on", "t"];
const FALSE_WORDS: [&str; 6] = ["0", "false", "no", "n", "off", "f"];

impl Value {
    /// The value of `text` (a variable's value, an argument of `config set`), or `None` if the setting does
    /// not accept it.
    pub fn from_text(kind: &Kind, text: &str) -> Option<Value> {
        let text = text.trim();
        match kind {
            Kind::Bool => {
                let lower = text.to_ascii_lowercase();
                if TRUE_WORDS.contains(&lower.as_str()) {
                    Some(Value::Bool(true))
                } else if FALSE_WORDS.contains(&lower.as_str()) {
                    Some(Value::Bool(false))
                } else {
                    None
                }
            }
            Kind::Seconds { .. } => seconds(kind, text.parse::<f64>().ok()?),
            Kind::Whole { .. } => whole(kind, text.parse::<i64>().ok()?),
            Kind::Choice(_) | Kind::Command | Kind::Profile => word(kind, text),
        }
    }

    /// `text` as a value of `key` (an argument of `config set`), or an error saying what `key` accepts.
    pub fn parse(key: crate::Key, text: &str) -> Result<Value, crate::SettingsError> {
        let definition = key.definition();
        Value::from_text(&definition.kind, text).ok_or_else(|| crate::SettingsError::Value {
            key: definition.name,
            value: text.to_string(),
            allowed: definition.kind.allowed(),
        })
    }

    /// The value of a TOML value, or `None` if the setting does not accept it. Types are strict, as in
    /// cargo's files: `true`, not `"true"`; `30`, not `"30"`.
    pub fn from_toml(kind: &Kind, value: &toml_edit::Value) -> Option<Value> {
        match (kind, value) {
            (Kind::Bool, toml_edit::Value::Boolean(b)) => Some(Value::Bool(*b.value())),
            (Kind::Seconds { .. }, toml_edit::Value::Integer(i)) => {
                // i64 to f64 loses precision only far outside any accepted range.
                #[allow(clippy::cast_precision_loss)]
                seconds(kind, *i.value() as f64)
            }
            (Kind::Seconds { .. }, toml_edit::Value::Float(f)) => seconds(kind, *f.value()),
            (Kind::Whole { .. }, toml_edit::Value::Integer(i)) => whole(kind, *i.value()),
            (Kind::Choice(_) | Kind::Command | Kind::Profile, toml_edit::Value::String(s)) => {
                word(kind, s.value())
            }
            _ => None,
        }
    }

    /// The TOML value written for it by `config set`: whole seconds as an integer.
    pub fn to_toml(&self) -> toml_edit::Value {
        match self {
            Value::Bool(b) => (*b).into(),
            Value::Seconds(s) if s.fract() == 0.0 => {
                // Checked to be within 0.1..=3600 when it was made.
                #[allow(clippy::cast_possible_truncation)]
                i64::from(*s as i32).into()
            }
            Value::Seconds(s) => (*s).into(),
            Value::Whole(n) => i64::from(*n).into(),
            Value::Text(t) => text_value(t),
        }
    }

    /// The value as `config get` prints it: text without quotes, for scripts.
    pub fn plain(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            other => other.to_string(),
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_seconds(&self) -> Option<f64> {
        match self {
            Value::Seconds(s) => Some(*s),
            Value::Whole(n) => Some(f64::from(*n)),
            _ => None,
        }
    }

    pub fn as_whole(&self) -> Option<u32> {
        match self {
            Value::Whole(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// As in a TOML file: `30`, `2.5`, `true`, `"auto"`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_toml())
    }
}

/// A string as `toml_edit` writes it (`"..."`, or `'...'` when it holds `"`), except that one holding both
/// quotes is written `"..."` with escapes rather than as a multi-line string.
fn text_value(text: &str) -> toml_edit::Value {
    let value = toml_edit::Value::from(text);
    let written = value.to_string();
    if !written.starts_with(r#"""""#) && !written.starts_with("'''") {
        return value;
    }
    let mut escaped = String::from('"');
    for c in text.chars() {
        match c {
            '"' => escaped.push_str(r#"\""#),
            '\\' => escaped.push_str(r"\\"),
            c if c.is_control() => escaped.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => escaped.push(c),
        }
    }
    escaped.push('"');
    escaped.parse().unwrap_or(value)
}

fn seconds(kind: &Kind, value: f64) -> Option<Value> {
    let Kind::Seconds { min, max } = kind else {
        return None;
    };
    (value.is_finite() && (*min..=*max).contains(&value)).then_some(Value::Seconds(value))
}

fn whole(kind: &Kind, value: i64) -> Option<Value> {
    let Kind::Whole { min, max, .. } = kind else {
        return None;
    };
    u32::try_from(value)
        .ok()
        .filter(|n| (*min..=*max).contains(n))
        .map(Value::Whole)
}

/// A word, a command or a profile name: not empty, one line; a word must be one of the setting's.
fn word(kind: &Kind, text: &str) -> Option<Value> {
    if text.trim().is_empty() || text.contains(['\n', '\r', '\0']) {
        return None;
    }
    match kind {
        Kind::Choice(words) => words
            .iter()
            .find(|w| w.eq_ignore_ascii_case(text.trim()))
            .map(|w| Value::Text((*w).to_string())),
        Kind::Profile => Some(Value::Text(text.trim().to_string())),
        _ => Some(Value::Text(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{COLOR_CHOICES, Key};

    fn kind(key: Key) -> Kind {
        key.definition().kind
    }

    #[test]
    fn text_is_read_by_the_settings_type() {
        let timeout = kind(Key::AwsTimeout);
        assert_eq!(Value::from_text(&timeout, "2.5"), Some(Value::Seconds(2.5)));
        for bad in ["inf", "NaN", "1e400", "0", "-1", "3601", "x", ""] {
            assert_eq!(Value::from_text(&timeout, bad), None, "{bad}");
        }
        let attempts = kind(Key::AwsAttempts);
        assert_eq!(Value::from_text(&attempts, "10"), Some(Value::Whole(10)));
        for bad in ["0", "11", "2.5", "-3", "99999999999"] {
            assert_eq!(Value::from_text(&attempts, bad), None, "{bad}");
        }
        for (text, want) in [("YES", true), ("1", true), ("off", false), ("False", false)] {
            assert_eq!(Value::from_text(&Kind::Bool, text), Some(Value::Bool(want)));
        }
        assert_eq!(Value::from_text(&Kind::Bool, "maybe"), None);
        assert_eq!(
            Value::from_text(&Kind::Choice(COLOR_CHOICES), "Never"),
            Some(Value::Text("never".into()))
        );
        assert_eq!(
            Value::from_text(&Kind::Choice(COLOR_CHOICES), "sometimes"),
            None
        );
        assert_eq!(Value::from_text(&Kind::Command, "  "), None);
        assert_eq!(Value::from_text(&Kind::Command, "a\nb"), None);
    }

    #[test]
    fn toml_types_are_strict_and_written_back_as_read() {
        let parse = |text: &str| text.parse::<toml_edit::Value>().unwrap();
        let timeout = kind(Key::AwsTimeout);
        assert_eq!(
            Value::from_toml(&timeout, &parse("30")),
            Some(Value::Seconds(30.0))
        );
        assert_eq!(Value::from_toml(&timeout, &parse("\"30\"")), None);
        assert_eq!(Value::from_toml(&timeout, &parse("inf")), None);
        assert_eq!(Value::from_toml(&Kind::Bool, &parse("\"true\"")), None);
        assert_eq!(
            Value::from_toml(&kind(Key::AwsAttempts), &parse("2.0")),
            None
        );
        assert_eq!(Value::Seconds(30.0).to_string(), "30");
        assert_eq!(Value::Seconds(2.5).to_string(), "2.5");
        assert_eq!(Value::Text("a \"b\"".into()).to_string(), r#"'a "b"'"#);
        assert_eq!(Value::Text("a \"b\"".into()).plain(), r#"a "b""#);
        let both = Value::Text(r#"printf '%s' "$(pass otp aws)" \"#.into());
        assert_eq!(both.to_string(), r#""printf '%s' \"$(pass otp aws)\" \\""#);
        let back: toml_edit::Value = both.to_string().parse().unwrap();
        assert_eq!(back.as_str(), both.as_text());
    }
}
