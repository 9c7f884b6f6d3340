//! What a new environment's root stack says about itself: its name (`amplify-<project>-<env>-<5 random>`,
//! as the original makes it), the project's tags with their placeholders filled in, and the description
//! CloudFormation shows.

use serde_json::json;

use crate::create::RootStack;

impl RootStack {
    /// The root stack of environment `env` of `project`, tagged with `tags` as `amplify/backend/tags.json`
    /// holds them (`{project-name}` and `{project-env}` not yet filled in).
    pub fn for_environment(project: &str, env: &str, tags: &[(String, String)]) -> RootStack {
        RootStack {
            stack_name: root_stack_name(project, env),
            tags: hydrate_tags(tags, project, env),
            description: json!({
                "createdOn": platform(std::env::consts::OS),
                "createdBy": "Amplify",
                "createdWith": format!("amplify-rs {}", env!("CARGO_PKG_VERSION")),
                "stackType": "root",
                "metadata": {"whyContinueWithGen1": ""}
            })
            .to_string(),
            permissions_boundary: None,
        }
    }

    /// The stack with its roles bounded by the IAM policy `arn`, if any.
    #[must_use]
    pub fn with_permissions_boundary(mut self, arn: Option<String>) -> RootStack {
        self.permissions_boundary = arn;
        self
    }
}

/// The platform as the original names it in the description.
fn platform(os: &str) -> &'static str {
    match os {
        "linux" => "Linux",
        "macos" => "Mac",
        "windows" => "Windows",
        _ => "Other",
    }
}

/// `tags` with `{project-name}` and `{project-env}` replaced, as the original's `HydrateTags` does.
pub fn hydrate_tags(tags: &[(String, String)], project: &str, env: &str) -> Vec<(String, String)> {
    tags.iter()
        .map(|(key, value)| {
            let value = value
                .replace("{project-name}", project)
                .replace("{project-env}", env);
            (key.clone(), value)
        })
        .collect()
}

/// `amplify-<project>-<env>-<first 5 characters of a random UUID>`, normalised.
pub fn root_stack_name(project: &str, env: &str) -> String {
    let suffix: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .take(5)
        .collect();
    normalize_stack_name(&format!("amplify-{project}-{env}-{suffix}"))
}

/// Lower case, only `[-a-z0-9]`, starting with a letter.
pub fn normalize_stack_name(name: &str) -> String {
    let name: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name
    } else {
        format!("a{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_original() {
        assert_eq!(
            normalize_stack_name("amplify-My_App-dev-1a2b3"),
            "amplify-myapp-dev-1a2b3"
        );
        assert_eq!(normalize_stack_name("9lives"), "a9lives");
        let name = root_stack_name("myapp", "dev");
        assert!(
            name.starts_with("amplify-myapp-dev-") && name.len() == "amplify-myapp-dev-".len() + 5,
            "{name}"
        );
    }

    #[test]
    fn the_projects_tags_are_filled_in() {
        let tags = [
            ("user:Stack".to_string(), "{project-env}".to_string()),
            ("user:Application".to_string(), "{project-name}".to_string()),
            ("cost-center".to_string(), "biz-{project-name}".to_string()),
        ];
        let stack = RootStack::for_environment("myapp", "prod", &tags);
        assert_eq!(
            stack.tags,
            [
                ("user:Stack".to_string(), "prod".to_string()),
                ("user:Application".to_string(), "myapp".to_string()),
                ("cost-center".to_string(), "biz-myapp".to_string()),
            ]
        );
        let description: serde_json::Value = serde_json::from_str(&stack.description).unwrap();
        assert_eq!(description["stackType"], "root");
        assert_eq!(description["createdBy"], "Amplify");
        assert_eq!(description["metadata"], json!({"whyContinueWithGen1": ""}));
        let keys: Vec<&str> = description
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "createdOn",
                "createdBy",
                "createdWith",
                "stackType",
                "metadata"
            ]
        );
        assert_eq!(platform("linux"), "Linux");
        assert_eq!(platform("macos"), "Mac");
        assert_eq!(platform("freebsd"), "Other");
    }
}
