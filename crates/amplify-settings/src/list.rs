//! What `amplify-rs config list` prints: where the two files are, then every setting as a TOML line with
//! where its value comes from in a comment, so the output is itself a valid settings file.

use std::fmt::Write as _;
use std::path::Path;

use crate::{Key, Resolved, Settings, Source};

impl Settings {
    /// The listing of every setting, given where the user's file and the project's are (`None`: no HOME, no
    /// project here).
    pub fn listing(&self, user_file: Option<&Path>, project_file: Option<&Path>) -> String {
        let mut text = String::new();
        if let Some(user) = user_file {
            let _ = writeln!(text, "# user file: {}", user.display());
        }
        match project_file {
            Some(project) => _ = writeln!(text, "# project file: {}", project.display()),
            None => text.push_str("# project file: none (not in an Amplify project)\n"),
        }
        let rows: Vec<(String, String)> = Key::ALL.iter().map(|k| self.row(*k)).collect();
        let width = rows.iter().map(|(line, _)| line.len()).max().unwrap_or(0);
        for (line, source) in rows {
            if line.is_empty() {
                let _ = writeln!(text, "# {source}");
            } else {
                let _ = writeln!(text, "{line:<width$}  # {source}");
            }
        }
        text
    }

    /// A setting's line and where its value comes from; an empty line for a setting nothing sets.
    fn row(&self, key: Key) -> (String, String) {
        let below = (key.definition().profile_key)
            .map(|k| format!("; a profile's {k} comes before it"))
            .unwrap_or_default();
        match self.get(key) {
            Some(Resolved {
                value,
                source: Source::Default,
            }) => (format!("{key} = {value}"), format!("default{below}")),
            Some(Resolved { value, source }) => (format!("{key} = {value}"), source.to_string()),
            None => (String::new(), format!("{key} is not set{below}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Inputs, Settings};
    use amplify_creds::env::Env;

    /// The listing is a settings file: every line is a comment or a `key = value` that the reader takes back.
    #[test]
    fn the_listing_says_each_source_and_reads_back_as_toml() {
        let inputs = Inputs {
            env: Env::from_pairs([("AMPLIFY_RS_AWS_TIMEOUT", "5")]),
            ..Inputs::default()
        };
        let (settings, _) = Settings::load(&inputs).checked().unwrap();
        let text = settings.listing(None, None);
        assert!(text.contains("# project file: none (not in an Amplify project)"));
        let timeout = text.lines().find(|l| l.starts_with("aws.timeout")).unwrap();
        assert!(timeout.ends_with("# AMPLIFY_RS_AWS_TIMEOUT"), "{timeout}");
        assert!(text.contains("# default"), "{text}");
        let dotted: String = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        dotted
            .parse::<toml_edit::DocumentMut>()
            .expect("the listing is TOML");
    }
}
