//! The app types (frontends) and javascript frameworks, with the original's defaults, the lines of init's
//! summary, the block each writes into `project-config.json`, and the framework guess from `package.json`.

use std::path::Path;

use serde_json::{Map, Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framework {
    Angular,
    Ember,
    Ionic,
    React,
    ReactNative,
    Vue,
    None,
}

impl Framework {
    /// In the original's order.
    pub const ALL: [Framework; 7] = [
        Framework::Angular,
        Framework::Ember,
        Framework::Ionic,
        Framework::React,
        Framework::ReactNative,
        Framework::Vue,
        Framework::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Angular => "angular",
            Framework::Ember => "ember",
            Framework::Ionic => "ionic",
            Framework::React => "react",
            Framework::ReactNative => "react-native",
            Framework::Vue => "vue",
            Framework::None => "none",
        }
    }

    pub fn parse(value: &str) -> Option<Framework> {
        Self::ALL.into_iter().find(|f| f.as_str() == value)
    }

    /// The original's build settings for each framework.
    pub fn defaults(self) -> JsConfig {
        let (source, dist, build, start) = match self {
            Framework::React => (
                "src",
                "build",
                "npm run-script build",
                "npm run-script start",
            ),
            Framework::ReactNative => ("src", "/", "npm run-script build", "npm run-script start"),
            Framework::Angular => ("src", "dist", "npm run-script build", "ng serve"),
            Framework::Ionic => ("src", "www", "npm run-script build", "ionic serve"),
            Framework::Vue => (
                "src",
                "dist",
                "npm run-script build",
                "npm run-script serve",
            ),
            Framework::Ember => (
                "./",
                "dist",
                "npm run-script build -- -e production",
                "npm run-script start",
            ),
            Framework::None => (
                "src",
                "dist",
                "npm run-script build",
                "npm run-script start",
            ),
        };
        JsConfig {
            source_dir: source.into(),
            distribution_dir: dist.into(),
            build_command: build.into(),
            start_command: start.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsConfig {
    pub source_dir: String,
    pub distribution_dir: String,
    pub build_command: String,
    pub start_command: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frontend {
    Android {
        res_dir: String,
    },
    Flutter {
        res_dir: String,
    },
    Ios,
    Javascript {
        framework: Framework,
        config: JsConfig,
    },
}

impl Frontend {
    /// The app types, in the original's order.
    pub const TYPES: [&'static str; 4] = ["android", "flutter", "ios", "javascript"];

    /// The frontend of `type_name` with the original's defaults.
    pub fn default_for(type_name: &str, framework: Framework) -> Option<Frontend> {
        Some(match type_name {
            "android" => Frontend::Android {
                res_dir: "app/src/main/res".into(),
            },
            "flutter" => Frontend::Flutter {
                res_dir: "./lib/".into(),
            },
            "ios" => Frontend::Ios,
            "javascript" => Frontend::Javascript {
                framework,
                config: framework.defaults(),
            },
            _ => return None,
        })
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Frontend::Android { .. } => "android",
            Frontend::Flutter { .. } => "flutter",
            Frontend::Ios => "ios",
            Frontend::Javascript { .. } => "javascript",
        }
    }

    /// The lines init's summary and `configure project` show, as the original prints them.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut lines = vec![format!("| App type: {}", self.type_name())];
        match self {
            Frontend::Android { res_dir } => {
                lines.push(format!("| Res directory: {}", displayable(res_dir)))
            }
            Frontend::Flutter { res_dir } => lines.push(format!(
                "| Configuration file location: {}",
                displayable(res_dir)
            )),
            Frontend::Ios => {}
            Frontend::Javascript { framework, config } => {
                lines.push(format!("| Javascript framework: {}", framework.as_str()));
                let lines_of = [
                    ("Source Directory Path", &config.source_dir),
                    ("Distribution Directory Path", &config.distribution_dir),
                    ("Build Command", &config.build_command),
                    ("Start Command", &config.start_command),
                ];
                for (label, value) in lines_of {
                    lines.push(format!("| {label}: {}", displayable(value)));
                }
            }
        }
        lines
    }

    /// The block stored under the frontend's name in `project-config.json` (none for ios).
    pub fn block(&self) -> Option<Value> {
        match self {
            Frontend::Android { res_dir } | Frontend::Flutter { res_dir } => {
                Some(json!({"config": {"ResDir": res_dir}}))
            }
            Frontend::Ios => None,
            Frontend::Javascript { framework, config } => Some(json!({
                "framework": framework.as_str(),
                "config": {
                    "SourceDir": config.source_dir,
                    "DistributionDir": config.distribution_dir,
                    "BuildCommand": config.build_command,
                    "StartCommand": config.start_command,
                }
            })),
        }
    }

    /// Reads the frontend of a `project-config.json` object; `Err` says what is missing or refused. A
    /// project file is untrusted input (a cloned repository): a folder that would lead outside the project
    /// is refused, and the values are shown with their control characters escaped.
    pub fn from_project_config(config: &Map<String, Value>) -> Result<Frontend, String> {
        let type_name = config
            .get("frontend")
            .and_then(Value::as_str)
            .ok_or("it has no \"frontend\"")?;
        let block = config.get(type_name);
        let text = |path: &[&str], default: &str| -> String {
            let mut value = block;
            for key in path {
                value = value.and_then(|v| v.get(key));
            }
            value.and_then(Value::as_str).unwrap_or(default).to_string()
        };
        match type_name {
            "android" => Ok(Frontend::Android {
                res_dir: text(&["config", "ResDir"], "app/src/main/res"),
            }),
            "flutter" => Ok(Frontend::Flutter {
                res_dir: text(&["config", "ResDir"], "./lib/"),
            }),
            "ios" => Ok(Frontend::Ios),
            "javascript" => {
                let source_dir = text(&["config", "SourceDir"], "src");
                check_inside(&source_dir, "SourceDir")?;
                let framework_name = text(&["framework"], "none");
                let framework = Framework::parse(&framework_name).ok_or_else(|| {
                    format!(
                        "its javascript framework \"{framework_name}\" is not one amplify-rs knows"
                    )
                })?;
                let defaults = framework.defaults();
                Ok(Frontend::Javascript {
                    framework,
                    config: JsConfig {
                        source_dir,
                        distribution_dir: text(
                            &["config", "DistributionDir"],
                            &defaults.distribution_dir,
                        ),
                        build_command: text(&["config", "BuildCommand"], &defaults.build_command),
                        start_command: text(&["config", "StartCommand"], &defaults.start_command),
                    },
                })
            }
            other => Err(format!(
                "its frontend \"{other}\" is not one of android, flutter, ios, javascript"
            )),
        }
    }
}

/// The original's guess from `package.json`'s `dependencies`: react (react-native when both), angular
/// (ionic with `ionic-angular`), vue, else none. Ember is never guessed.
pub fn guess_framework(project_dir: &Path) -> Framework {
    let Ok(Some(text)) = crate::atomic::read_text(&project_dir.join("package.json")) else {
        return Framework::None;
    };
    let Ok(package) = serde_json::from_str::<Value>(&text) else {
        return Framework::None;
    };
    let Some(deps) = package.get("dependencies").and_then(Value::as_object) else {
        return Framework::None;
    };
    if deps.contains_key("react") {
        if deps.contains_key("react-native") {
            Framework::ReactNative
        } else {
            Framework::React
        }
    } else if deps.contains_key("@angular/core") {
        if deps.contains_key("ionic-angular") {
            Framework::Ionic
        } else {
            Framework::Angular
        }
    } else if deps.contains_key("vue") {
        Framework::Vue
    } else {
        Framework::None
    }
}

/// The app type the original would suggest for a folder: android, ios or flutter by their project files,
/// otherwise javascript.
pub fn suggested_type(project_dir: &Path) -> &'static str {
    if project_dir.join("settings.gradle").exists() && project_dir.join("build.gradle").exists() {
        return "android";
    }
    if project_dir.join("pubspec.yaml").exists() {
        return "flutter";
    }
    let has_xcodeproj = fs_err::read_dir(project_dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".xcodeproj"))
        })
        .unwrap_or(false);
    if has_xcodeproj { "ios" } else { "javascript" }
}

/// A folder of the project, relative to its root: no absolute path, no `..`.
fn check_inside(dir: &str, key: &str) -> Result<(), String> {
    let path = std::path::Path::new(dir);
    if path.is_absolute()
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "its javascript {key} \"{}\" leads outside the project: it must be a folder inside it, such as src",
            displayable(dir)
        ));
    }
    Ok(())
}

/// `text` safe to print on a terminal: control characters (escape sequences among them) are shown as
/// `\u{..}` escapes. Values read from project files go through this before they are printed.
pub fn displayable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests may use std::fs
mod tests {
    use super::*;

    #[test]
    fn guesses_from_dependencies_only() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(guess_framework(dir.path()), Framework::None);
        let write = |json: &str| std::fs::write(dir.path().join("package.json"), json).unwrap();
        write(r#"{"dependencies":{"react":"18","react-dom":"18"}}"#);
        assert_eq!(guess_framework(dir.path()), Framework::React);
        write(r#"{"dependencies":{"react":"18","react-native":"0.7"}}"#);
        assert_eq!(guess_framework(dir.path()), Framework::ReactNative);
        write(r#"{"dependencies":{"@angular/core":"17","ionic-angular":"3"}}"#);
        assert_eq!(guess_framework(dir.path()), Framework::Ionic);
        write(r#"{"dependencies":{"vue":"3"}}"#);
        assert_eq!(guess_framework(dir.path()), Framework::Vue);
        write(r#"{"devDependencies":{"react":"18"}}"#);
        assert_eq!(guess_framework(dir.path()), Framework::None);
        write("not json");
        assert_eq!(guess_framework(dir.path()), Framework::None);
    }

    #[test]
    fn project_config_round_trip() {
        let frontend = Frontend::Javascript {
            framework: Framework::Vue,
            config: Framework::Vue.defaults(),
        };
        let mut map = Map::new();
        map.insert("frontend".into(), "javascript".into());
        map.insert("javascript".into(), frontend.block().unwrap());
        assert_eq!(Frontend::from_project_config(&map).unwrap(), frontend);
        map.insert("frontend".into(), "windows".into());
        assert!(
            Frontend::from_project_config(&map)
                .unwrap_err()
                .contains("windows")
        );
    }
}
