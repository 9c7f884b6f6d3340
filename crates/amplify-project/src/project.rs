//! A project on disk: finding its root, reading its files, writing a new one all at once, adding an
//! environment, and saving the settings `configure project` changes.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::atomic::{read_text, to_json_text, write_file, write_json};
use crate::auth::{AccessKeysFile, AwsAuth};
use crate::cloud_backend::{self, CloudBackend};
use crate::editor::Editor;
use crate::error::ProjectError;
use crate::frontend::Frontend;
use crate::gitignore::update_gitignore;

/// `amplify/cli.json` of a new project: the original's feature flags, as its 14.2.2 writes them.
pub const DEFAULT_CLI_JSON: &str = include_str!("templates/cli.json");
const PROJECT_CONFIG_VERSION: &str = "3.1";
const PROVIDER: &str = "awscloudformation";

/// The root stack's outputs, as they go into `team-provider-info.json` and `amplify-meta.json`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StackOutputs(pub Map<String, Value>);

impl StackOutputs {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    pub fn region(&self) -> Option<&str> {
        self.get("Region")
    }

    pub fn stack_name(&self) -> Option<&str> {
        self.get("StackName")
    }
}

/// Relative paths of the project's files.
mod paths {
    pub const DOT_CONFIG: &str = "amplify/.config";
    pub const PROJECT_CONFIG: &str = "amplify/.config/project-config.json";
    pub const LOCAL_ENV_INFO: &str = "amplify/.config/local-env-info.json";
    pub const LOCAL_AWS_INFO: &str = "amplify/.config/local-aws-info.json";
    pub const TEAM_PROVIDER_INFO: &str = "amplify/team-provider-info.json";
    pub const BACKEND_META: &str = "amplify/backend/amplify-meta.json";
    pub const CURRENT_META: &str = "amplify/#current-cloud-backend/amplify-meta.json";
}

/// The nearest folder at or above `start` that holds an Amplify project: `amplify/.config/` with
/// `project-config.json`, or with a `local-env-info.json` whose `projectPath` is that folder. A project whose
/// `amplify/.config` belongs to another user is not the user's (someone can plant `/tmp/amplify/.config` to
/// capture every folder under `/tmp`): it is passed over, as git passes over a repository it does not trust.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    find_root_of(start, rustix::process::getuid().as_raw())
}

/// [`find_root`] for the user `uid`.
pub fn find_root_of(start: &Path, uid: u32) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| is_root(dir, uid))
        .map(Path::to_path_buf)
}

fn is_root(dir: &Path, uid: u32) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let Ok(meta) = fs_err::symlink_metadata(dir.join(paths::DOT_CONFIG)) else {
        return false;
    };
    if !meta.is_dir() || meta.uid() != uid {
        tracing::debug!("{} is not a project of uid {uid}", dir.display());
        return false;
    }
    if dir.join(paths::PROJECT_CONFIG).is_file() {
        return true;
    }
    let Ok(Some(text)) = read_text(&dir.join(paths::LOCAL_ENV_INFO)) else {
        return false;
    };
    let Ok(info) = serde_json::from_str::<Value>(&text) else {
        return false;
    };
    info.get("projectPath")
        .and_then(Value::as_str)
        .is_some_and(|p| Path::new(p) == dir)
}

fn read_json(path: &Path) -> Result<Map<String, Value>, ProjectError> {
    let text = read_text(path)?.ok_or_else(|| ProjectError::Missing {
        path: path.to_path_buf(),
    })?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ProjectError::Invalid {
            path: path.to_path_buf(),
            problem: "it is not a JSON object".into(),
        }),
        Err(e) => Err(ProjectError::Json {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

fn read_json_or_empty(path: &Path) -> Result<Map<String, Value>, ProjectError> {
    match read_json(path) {
        Err(ProjectError::Missing { .. }) => Ok(Map::new()),
        other => other,
    }
}

/// Everything `init` decided for a new project.
#[derive(Clone, Debug)]
pub struct NewProject {
    pub root: PathBuf,
    pub name: String,
    pub env: String,
    pub editor: Editor,
    pub frontend: Frontend,
    pub auth: AwsAuth,
    pub outputs: StackOutputs,
    /// The IAM policy bounding the environment's roles (`--permissions-boundary`).
    pub permissions_boundary: Option<String>,
}

/// Everything `init` decided for a new environment of an existing project.
#[derive(Clone, Debug)]
pub struct NewEnvironment {
    pub env: String,
    pub auth: AwsAuth,
    pub outputs: StackOutputs,
    /// The IAM policy bounding the environment's roles: given, or carried over from the current one.
    pub permissions_boundary: Option<String>,
}

/// Where the original keeps an environment's permissions boundary: its awscloudformation entry of
/// `team-provider-info.json`, which its `amplify push` reads to bound every role it deploys.
const BOUNDARY_KEY: &str = "PermissionsBoundaryPolicyArn";

/// The environment's awscloudformation entry of `team-provider-info.json` as the original writes it: the
/// permissions boundary (set before the stack is created) first, then the stack's outputs.
fn provider_entry(outputs: &StackOutputs, boundary: Option<&str>) -> Value {
    let mut entry = Map::new();
    if let Some(arn) = boundary {
        entry.insert(BOUNDARY_KEY.into(), arn.into());
    }
    entry.extend(outputs.0.clone());
    Value::Object(entry)
}

impl NewProject {
    /// The new environment's `#current-cloud-backend/`, which also goes to its deployment bucket.
    pub fn cloud_backend(&self) -> CloudBackend {
        CloudBackend::new_environment(&self.outputs, &default_tags_text())
    }

    fn project_config(&self) -> Value {
        let mut config = Map::new();
        config.insert("projectName".into(), self.name.clone().into());
        config.insert("version".into(), PROJECT_CONFIG_VERSION.into());
        set_frontend(&mut config, &self.frontend);
        Value::Object(config)
    }

    /// Writes the whole project. The `amplify/` folder is assembled under a temporary name and renamed
    /// into place last: until then the folder is not a project, and after it is a complete one.
    pub fn write(&self) -> Result<Project, ProjectError> {
        let amplify_dir = self.root.join("amplify");
        if amplify_dir.exists() {
            return Err(ProjectError::AmplifyDirInTheWay { path: amplify_dir });
        }
        remove_abandoned_stages(&self.root);
        let stage = tempfile::Builder::new()
            .prefix(&format!("{STAGE_PREFIX}{}-", std::process::id()))
            .tempdir_in(&self.root)
            .map_err(|source| amplify_fs::FsError::Write {
                path: self.root.clone(),
                source,
            })?;
        let staged = |relative: &str| {
            stage
                .path()
                .join(relative.strip_prefix("amplify/").unwrap_or(relative))
        };
        let provider = provider_entry(&self.outputs, self.permissions_boundary.as_deref());
        let meta = json!({"providers": {PROVIDER: provider.clone()}});
        let tags = tags_json(&default_tags());
        let cloud = self.cloud_backend();
        let env_info = json!({
            "projectPath": self.root.display().to_string(),
            "defaultEditor": self.editor.id,
            "envName": self.env,
        });
        let files: Vec<(&str, Value)> = vec![
            (paths::PROJECT_CONFIG, self.project_config()),
            (paths::LOCAL_ENV_INFO, env_info),
            (
                paths::LOCAL_AWS_INFO,
                json!({ &self.env: self.auth.to_json() }),
            ),
            (
                paths::TEAM_PROVIDER_INFO,
                json!({ &self.env: { PROVIDER: provider } }),
            ),
            (paths::BACKEND_META, meta),
            ("amplify/backend/backend-config.json", json!({})),
            ("amplify/backend/tags.json", tags),
        ];
        for (relative, value) in &files {
            write_json(&staged(relative), value)?;
        }
        cloud.write_into(&staged(cloud_backend::DIR))?;
        write_file(
            &staged(&format!("amplify/backend/{}", cloud_backend::ROOT_TEMPLATE)),
            cloud_backend::STORED_ROOT_TEMPLATE.as_bytes(),
        )?;
        write_file(
            &staged("amplify/cli.json"),
            DEFAULT_CLI_JSON.trim_end().as_bytes(),
        )?;

        // Outside amplify/: harmless if the rename below never happens, and rewritten by the next init.
        if let Some(region) = self.outputs.region() {
            write_frontend_files(&self.root, &self.frontend, region)?;
        }
        update_gitignore(&self.root)?;

        let stage = stage.keep();
        if let Err(source) = fs_err::rename(&stage, &amplify_dir) {
            let _ = fs_err::remove_dir_all(&stage);
            return Err(amplify_fs::FsError::Write {
                path: amplify_dir,
                source,
            }
            .into());
        }
        Project::load(&self.root)
    }
}

/// `outputs` as the environment's awscloudformation entry of `team-provider-info.json`, keeping what else it
/// holds (the original merges them).
fn merge_outputs(entry: &mut Value, outputs: &StackOutputs) {
    if !entry.is_object() {
        *entry = json!({});
    }
    let map = entry.as_object_mut().expect("an object");
    let provider = map.entry(PROVIDER).or_insert_with(|| json!({}));
    if !provider.is_object() {
        *provider = json!({});
    }
    let provider = provider.as_object_mut().expect("an object");
    for (key, value) in &outputs.0 {
        provider.insert(key.clone(), value.clone());
    }
}

/// The original's tags: the environment and the project's name, filled in when a stack is created.
pub fn default_tags() -> Vec<(String, String)> {
    vec![
        ("user:Stack".into(), "{project-env}".into()),
        ("user:Application".into(), "{project-name}".into()),
    ]
}

/// `amplify/backend/tags.json` of a new project.
pub fn default_tags_text() -> String {
    to_json_text(&tags_json(&default_tags()))
}

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Array(
        tags.iter()
            .map(|(key, value)| json!({"Key": key, "Value": value}))
            .collect(),
    )
}

/// The name of the folder a new project's `amplify/` is assembled in: `.amplify-init-<pid>-<random>`.
const STAGE_PREFIX: &str = ".amplify-init-";

/// Removes staging folders left by an `init` that was killed before renaming its folder into place. A folder
/// whose process is still alive (another `init` at work in the same folder) is left alone.
fn remove_abandoned_stages(root: &Path) {
    let Ok(entries) = fs_err::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(STAGE_PREFIX) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| {
            pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
        });
        if !alive {
            let _ = fs_err::remove_dir_all(entry.path());
        }
    }
}

/// A project's files, read.
#[derive(Clone, Debug)]
pub struct Project {
    root: PathBuf,
    config: Map<String, Value>,
    env_info: Map<String, Value>,
    aws_info: Map<String, Value>,
    team_provider: Map<String, Value>,
    /// Keys files of access-keys settings replaced or removed since the project was read, deleted by
    /// [`Project::remove_retired_keys`] once the new setting is saved, as the original deletes them.
    retired_keys: Vec<PathBuf>,
}

impl Project {
    /// Reads the project. The `local-*` files may be missing: `.gitignore` keeps them out of version
    /// control, so a fresh clone has none until an environment is chosen ([`Project::has_local_env`]).
    pub fn load(root: &Path) -> Result<Project, ProjectError> {
        let project = Project {
            root: root.to_path_buf(),
            config: read_json(&root.join(paths::PROJECT_CONFIG))?,
            env_info: read_json_or_empty(&root.join(paths::LOCAL_ENV_INFO))?,
            aws_info: read_json_or_empty(&root.join(paths::LOCAL_AWS_INFO))?,
            team_provider: read_json_or_empty(&root.join(paths::TEAM_PROVIDER_INFO))?,
            retired_keys: Vec::new(),
        };
        project.project_name()?;
        if !project.env_info.is_empty() {
            project.env_name()?;
        }
        project.frontend()?;
        project.check_shapes()?;
        Ok(project)
    }

    /// `team-provider-info.json` and `local-aws-info.json` hold an object per environment, named as the
    /// original names environments: anything else is refused at load, naming the file and the entry.
    fn check_shapes(&self) -> Result<(), ProjectError> {
        for (file, map) in [
            (paths::TEAM_PROVIDER_INFO, &self.team_provider),
            (paths::LOCAL_AWS_INFO, &self.aws_info),
        ] {
            for (env, value) in map {
                if !crate::names::is_valid_env_name(env) {
                    return Err(self.invalid(
                        file,
                        format!(
                            "its environment \"{}\" is not 2 to 10 lower-case letters",
                            crate::frontend::displayable(env)
                        ),
                    ));
                }
                if !value.is_object() {
                    return Err(self.invalid(file, format!("its entry for {env} is not an object")));
                }
            }
        }
        Ok(())
    }

    /// Whether this checkout has chosen an environment (a fresh clone has not).
    pub fn has_local_env(&self) -> bool {
        self.env_info
            .get("envName")
            .and_then(Value::as_str)
            .is_some()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn invalid(&self, file: &str, problem: impl Into<String>) -> ProjectError {
        ProjectError::Invalid {
            path: self.root.join(file),
            problem: problem.into(),
        }
    }

    /// The project's name, as the original allows it (3-20 letters and digits): a project file is untrusted
    /// input, and a name holding escape sequences would be printed to the terminal.
    pub fn project_name(&self) -> Result<&str, ProjectError> {
        let name = self
            .config
            .get("projectName")
            .and_then(Value::as_str)
            .ok_or_else(|| self.invalid(paths::PROJECT_CONFIG, "it has no \"projectName\""))?;
        if !crate::names::is_valid_project_name(name) {
            return Err(self.invalid(
                paths::PROJECT_CONFIG,
                format!(
                    "its projectName \"{}\" is not 3 to 20 letters and digits",
                    crate::frontend::displayable(name)
                ),
            ));
        }
        Ok(name)
    }

    /// The current environment (a name the original allows: 2-10 lower-case letters).
    pub fn env_name(&self) -> Result<&str, ProjectError> {
        let env = self
            .env_info
            .get("envName")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                if self.env_info.is_empty() {
                    self.invalid(
                        paths::LOCAL_ENV_INFO,
                        "it is missing, as in a fresh clone (it is not in version control): run `amplify-rs init` to choose an environment",
                    )
                } else {
                    self.invalid(paths::LOCAL_ENV_INFO, "it has no \"envName\"")
                }
            })?;
        if !crate::names::is_valid_env_name(env) {
            return Err(self.invalid(
                paths::LOCAL_ENV_INFO,
                format!(
                    "its envName \"{}\" is not 2 to 10 lower-case letters",
                    crate::frontend::displayable(env)
                ),
            ));
        }
        Ok(env)
    }

    /// The editor as stored (an id such as `vscode`, or the original's display name).
    pub fn editor(&self) -> Option<Editor> {
        self.env_info
            .get("defaultEditor")
            .and_then(Value::as_str)
            .and_then(Editor::from_stored)
    }

    pub fn frontend(&self) -> Result<Frontend, ProjectError> {
        Frontend::from_project_config(&self.config)
            .map_err(|problem| self.invalid(paths::PROJECT_CONFIG, problem))
    }

    /// How `env` gets credentials; `None` when `local-aws-info.json` has no entry for it.
    pub fn auth(&self, env: &str) -> Result<Option<AwsAuth>, ProjectError> {
        self.aws_info
            .get(env)
            .map(|value| {
                AwsAuth::from_json(value).map_err(|problem| {
                    self.invalid(
                        paths::LOCAL_AWS_INFO,
                        format!("environment \"{env}\": {problem}"),
                    )
                })
            })
            .transpose()
    }

    /// The tags of `amplify/backend/tags.json` as written (placeholders such as `{project-name}` not filled
    /// in), the original's two when the file is missing; entries that are not `{"Key","Value"}` are left out.
    pub fn tags(&self) -> Result<Vec<(String, String)>, ProjectError> {
        let path = self.root.join("amplify/backend/tags.json");
        let Some(text) = read_text(&path)? else {
            return Ok(default_tags());
        };
        let value: Value = serde_json::from_str(&text).map_err(|e| ProjectError::Json {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let entries = value.as_array().ok_or_else(|| ProjectError::Invalid {
            path: path.clone(),
            problem: "it is not a JSON list of {\"Key\",\"Value\"} tags".into(),
        })?;
        Ok(entries
            .iter()
            .filter_map(|tag| {
                Some((
                    tag.get("Key")?.as_str()?.to_string(),
                    tag.get("Value")?.as_str()?.to_string(),
                ))
            })
            .collect())
    }

    /// The environments recorded in `team-provider-info.json` (checked at load: names the original allows).
    pub fn environments(&self) -> Vec<String> {
        self.team_provider.keys().cloned().collect()
    }

    /// The root stack outputs of `env`.
    pub fn outputs(&self, env: &str) -> Option<StackOutputs> {
        self.team_provider
            .get(env)?
            .get(PROVIDER)?
            .as_object()
            .cloned()
            .map(StackOutputs)
    }

    /// The IAM policy bounding `env`'s roles, as the original records it in `team-provider-info.json`.
    pub fn permissions_boundary(&self, env: &str) -> Option<&str> {
        self.team_provider
            .get(env)?
            .get(PROVIDER)?
            .get(BOUNDARY_KEY)?
            .as_str()
            .filter(|arn| !arn.is_empty())
    }

    /// The original's protection against `--appId` naming another app than the project's (the original
    /// skips it when `AMPLIFY_SKIP_APP_ID_MISMATCH_CHECK=true`; the caller decides that).
    pub fn check_app_id(&self, given: &str) -> Result<(), ProjectError> {
        match self.app_id() {
            Some(recorded) if recorded != given => Err(ProjectError::AppIdMismatch {
                recorded: recorded.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// The Amplify app id the current environment records (`AmplifyAppId` of its stack outputs), which the
    /// original checks `--appId` against.
    pub fn app_id(&self) -> Option<&str> {
        let env = self.env_name().ok()?;
        self.team_provider
            .get(env)?
            .get(PROVIDER)?
            .get("AmplifyAppId")?
            .as_str()
    }

    /// Region of the current environment's stack.
    pub fn region(&self) -> Option<String> {
        let env = self.env_name().ok()?;
        self.outputs(env)?.region().map(str::to_string)
    }

    pub fn set_project_name(&mut self, name: &str) {
        self.config.insert("projectName".into(), name.into());
    }

    pub fn set_editor(&mut self, editor: Editor) {
        self.env_info
            .insert("defaultEditor".into(), editor.id.into());
    }

    pub fn set_frontend(&mut self, frontend: &Frontend) {
        set_frontend(&mut self.config, frontend);
    }

    /// `env`'s AWS setting becomes `auth`; a keys file the old setting had and the new one has not is
    /// retired ([`Project::remove_retired_keys`]).
    pub fn set_auth(&mut self, env: &str, auth: &AwsAuth) {
        if let Ok(Some(AwsAuth::AccessKeys { path })) = self.auth(env)
            && *auth != (AwsAuth::AccessKeys { path: path.clone() })
        {
            self.retired_keys.push(path);
        }
        self.aws_info.insert(env.into(), auth.to_json());
    }

    /// Deletes the keys files retired by [`Project::set_auth`], after the new setting is saved: the
    /// original deletes the old keys file when the setting is updated or removed. Only files of the keys
    /// folder `home/.amplify/awscloudformation/` are deleted (`local-aws-info.json` could have been planted
    /// to name another file); the others are returned, left as they are.
    pub fn remove_retired_keys(&mut self, home: &Path) -> Result<Vec<PathBuf>, ProjectError> {
        let folder = AccessKeysFile::folder(home);
        let mut left = Vec::new();
        for path in std::mem::take(&mut self.retired_keys) {
            if path.parent() != Some(folder.as_path()) {
                left.push(path);
                continue;
            }
            match fs_err::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(amplify_fs::FsError::Write { path, source }.into()),
            }
        }
        Ok(left)
    }

    /// Whether the project uses the original's container-based deployments (`ServerlessContainers` in its
    /// frontend's config), shown and changed by `configure project`.
    pub fn serverless_containers(&self) -> bool {
        self.frontend_config()
            .and_then(|config| config.get("ServerlessContainers"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    pub fn set_serverless_containers(&mut self, on: bool) {
        let Some(frontend) = self
            .config
            .get("frontend")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return;
        };
        let block = self.config.entry(frontend).or_insert_with(|| json!({}));
        if !block.is_object() {
            *block = json!({});
        }
        let config = block
            .as_object_mut()
            .expect("an object")
            .entry("config")
            .or_insert_with(|| json!({}));
        if !config.is_object() {
            *config = json!({});
        }
        config
            .as_object_mut()
            .expect("an object")
            .insert("ServerlessContainers".into(), on.into());
    }

    fn frontend_config(&self) -> Option<&Map<String, Value>> {
        let frontend = self.config.get("frontend")?.as_str()?;
        self.config.get(frontend)?.get("config")?.as_object()
    }

    /// Rewrites what `configure project` changes: project-config.json, local-aws-info.json,
    /// local-env-info.json (in that order, the last one naming the current environment), and the frontend's
    /// configuration files.
    pub fn save_settings(&self) -> Result<(), ProjectError> {
        write_json(
            &self.root.join(paths::PROJECT_CONFIG),
            &Value::Object(self.config.clone()),
        )?;
        write_json(
            &self.root.join(paths::LOCAL_AWS_INFO),
            &Value::Object(self.aws_info.clone()),
        )?;
        write_json(
            &self.root.join(paths::LOCAL_ENV_INFO),
            &Value::Object(self.env_info.clone()),
        )?;
        if let Some(region) = self.region() {
            write_frontend_files(&self.root, &self.frontend()?, &region)?;
        }
        Ok(())
    }

    /// Records a new environment and makes it the current one. The writes are ordered so that an
    /// interruption leaves a project that still works: the environment's AWS setting first, then its stack in
    /// `team-provider-info.json` (from then on it is listed, and usable), and `local-env-info.json`, which
    /// names the current environment, last.
    pub fn add_environment(&mut self, new: &NewEnvironment) -> Result<(), ProjectError> {
        // The original empties #current-cloud-backend for a new environment: it was the other one's.
        self.cloud_backend_for(&new.outputs)?
            .replace_in(&self.root)?;
        self.aws_info.insert(new.env.clone(), new.auth.to_json());
        write_json(
            &self.root.join(paths::LOCAL_AWS_INFO),
            &Value::Object(self.aws_info.clone()),
        )?;
        let entry = self
            .team_provider
            .entry(new.env.clone())
            .or_insert_with(|| json!({PROVIDER: provider_entry(&StackOutputs::default(), new.permissions_boundary.as_deref())}));
        merge_outputs(entry, &new.outputs);
        self.write_team_provider()?;
        self.write_metas(&new.outputs, new.permissions_boundary.as_deref(), None)?;
        self.make_current(&new.env)
    }

    /// A new environment's `#current-cloud-backend/` in this project (whose tags it carries), which also goes
    /// to its deployment bucket.
    pub fn cloud_backend_for(&self, outputs: &StackOutputs) -> Result<CloudBackend, ProjectError> {
        Ok(CloudBackend::new_environment(outputs, &self.tags_text()?))
    }

    /// `amplify/cli.json` as written (it goes to the deployment bucket with the environment's state), the
    /// original's default when it is missing.
    pub fn cli_json(&self) -> Result<String, ProjectError> {
        Ok(read_text(&self.root.join("amplify/cli.json"))?
            .unwrap_or_else(|| DEFAULT_CLI_JSON.trim_end().to_string()))
    }

    /// `amplify/backend/tags.json` as written, the original's default when it is missing.
    pub fn tags_text(&self) -> Result<String, ProjectError> {
        Ok(read_text(&self.root.join("amplify/backend/tags.json"))?
            .unwrap_or_else(default_tags_text))
    }

    /// Makes `env`, an environment of the project that was deployed before, the current one from its state
    /// in the cloud, as the original's init of an existing environment does: `pulled` (the deployment
    /// bucket's `#current-cloud-backend.zip`) becomes `#current-cloud-backend/` (without `cli*.json`), its
    /// `amplify-meta.json` with the root stack's current `outputs` becomes `backend/amplify-meta.json`, the
    /// outputs go into `team-provider-info.json`, and `auth` (when given) becomes the environment's AWS
    /// setting. Everything that can fail without writing is checked first.
    pub fn pull_environment(
        &mut self,
        env: &str,
        auth: Option<&AwsAuth>,
        pulled: &CloudBackend,
        outputs: &StackOutputs,
    ) -> Result<(), ProjectError> {
        let cloud_meta: Option<Map<String, Value>> = pulled
            .file(cloud_backend::META)
            .and_then(|bytes| serde_json::from_slice(bytes).ok());
        let kept = CloudBackend::from_files(
            pulled
                .files()
                .filter(|(path, _)| {
                    !(path.starts_with("cli") && path.ends_with(".json") && !path.contains('/'))
                })
                .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
                .collect(),
        );
        if let Some(auth) = auth {
            self.aws_info.insert(env.into(), auth.to_json());
            write_json(
                &self.root.join(paths::LOCAL_AWS_INFO),
                &Value::Object(self.aws_info.clone()),
            )?;
        }
        kept.replace_in(&self.root)?;
        write_file(
            &self
                .root
                .join("amplify/backend")
                .join(cloud_backend::ROOT_TEMPLATE),
            cloud_backend::STORED_ROOT_TEMPLATE.as_bytes(),
        )?;
        let entry = self
            .team_provider
            .entry(env.to_string())
            .or_insert_with(|| json!({}));
        merge_outputs(entry, outputs);
        self.write_team_provider()?;
        self.write_metas(outputs, None, Some(cloud_meta.unwrap_or_default()))?;
        self.make_current(env)
    }

    fn write_team_provider(&self) -> Result<(), ProjectError> {
        write_json(
            &self.root.join(paths::TEAM_PROVIDER_INFO),
            &Value::Object(self.team_provider.clone()),
        )
    }

    /// `outputs` (after the permissions boundary, as the original writes a new environment's) into
    /// `backend/amplify-meta.json` (whose base is `pulled` when the environment was pulled) and, for a new
    /// environment, into `#current-cloud-backend/amplify-meta.json`.
    fn write_metas(
        &self,
        outputs: &StackOutputs,
        boundary: Option<&str>,
        pulled: Option<Map<String, Value>>,
    ) -> Result<(), ProjectError> {
        let metas: &[&str] = if pulled.is_some() {
            &[paths::BACKEND_META]
        } else {
            &[paths::BACKEND_META, paths::CURRENT_META]
        };
        for meta in metas {
            let path = self.root.join(meta);
            let mut value = match &pulled {
                Some(base) => base.clone(),
                None => read_json_or_empty(&path)?,
            };
            let providers = value.entry("providers").or_insert_with(|| json!({}));
            if !providers.is_object() {
                *providers = json!({});
            }
            providers
                .as_object_mut()
                .expect("an object")
                .insert(PROVIDER.into(), provider_entry(outputs, boundary));
            write_json(&path, &Value::Object(value))?;
        }
        Ok(())
    }

    /// The frontend's files for `env`'s region, then `local-env-info.json` naming `env` (created in a fresh
    /// clone).
    fn make_current(&mut self, env: &str) -> Result<(), ProjectError> {
        let outputs = self.outputs(env).expect("recorded before");
        if let Some(region) = outputs.region() {
            write_frontend_files(&self.root, &self.frontend()?, region)?;
        }
        if !self.env_info.contains_key("projectPath") {
            self.env_info
                .insert("projectPath".into(), self.root.display().to_string().into());
        }
        if !self.env_info.contains_key("defaultEditor") {
            self.env_info
                .insert("defaultEditor".into(), Editor::default_editor().id.into());
        }
        self.env_info.insert("envName".into(), env.into());
        write_json(
            &self.root.join(paths::LOCAL_ENV_INFO),
            &Value::Object(self.env_info.clone()),
        )
    }
}

fn set_frontend(config: &mut Map<String, Value>, frontend: &Frontend) {
    if let Some(old) = config
        .get("frontend")
        .and_then(Value::as_str)
        .map(str::to_string)
        && old != frontend.type_name()
    {
        config.shift_remove(&old);
    }
    // Keep the original's key order: projectName, version, frontend, <block>, providers.
    let providers = config
        .shift_remove("providers")
        .unwrap_or_else(|| json!([PROVIDER]));
    config.insert("frontend".into(), frontend.type_name().into());
    match frontend.block() {
        Some(mut block) => {
            // Keys of the config this model does not hold (`ServerlessContainers`, ...) stay, as the
            // original merges new settings into the old config.
            if let (Some(Value::Object(old)), Some(Value::Object(new))) = (
                config
                    .get(frontend.type_name())
                    .and_then(|b| b.get("config"))
                    .cloned(),
                block.get_mut("config"),
            ) {
                for (key, value) in old {
                    new.entry(key).or_insert(value);
                }
            }
            config.insert(frontend.type_name().into(), block);
        }
        None => {
            config.shift_remove(frontend.type_name());
        }
    }
    config.insert("providers".into(), providers);
}

/// The javascript frontend's `aws-exports.js` and `amplifyconfiguration.json` in its source folder, keeping
/// keys that other categories or the user added to an existing `aws-exports.js`.
fn write_frontend_files(
    root: &Path,
    frontend: &Frontend,
    region: &str,
) -> Result<(), ProjectError> {
    let Frontend::Javascript { config, .. } = frontend else {
        return Ok(());
    };
    let dir = root.join(&config.source_dir);
    let exports_path = dir.join("aws-exports.js");
    let mut exports = read_text(&exports_path)
        .ok()
        .flatten()
        .and_then(|text| parse_aws_exports(&text))
        .unwrap_or_default();
    exports.insert("aws_project_region".into(), region.into());
    let object = serde_json::to_string_pretty(&Value::Object(exports))
        .expect("serializes")
        .replace("\n  ", "\n    ");
    let js = format!(
        "/* eslint-disable */\n// WARNING: DO NOT EDIT. This file is automatically generated by AWS Amplify. It will be overwritten.\n\nconst awsmobile = {object};\n\n\nexport default awsmobile;\n"
    );
    write_file(&exports_path, js.as_bytes())?;
    write_file(
        &dir.join("amplifyconfiguration.json"),
        to_json_text(&json!({"aws_project_region": region})).as_bytes(),
    )
}

fn parse_aws_exports(text: &str) -> Option<Map<String, Value>> {
    let start = text.find("const awsmobile = ")? + "const awsmobile = ".len();
    let end = text[start..].find("};")? + start + 1;
    match serde_json::from_str(&text[start..end]).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests may use std::fs
mod tests {
    use super::*;
    use crate::frontend::Framework;

    fn outputs(env: &str, region: &str) -> StackOutputs {
        let stack = format!("amplify-myapp-{env}-12345");
        let value = json!({
            "Region": region,
            "StackName": stack,
            "StackId": format!("arn:aws:cloudformation:{region}:111122223333:stack/{stack}/uuid"),
            "DeploymentBucketName": format!("{stack}-deployment"),
        });
        StackOutputs(value.as_object().unwrap().clone())
    }

    fn new_project(root: &Path) -> NewProject {
        NewProject {
            root: root.to_path_buf(),
            name: "myapp".into(),
            env: "dev".into(),
            editor: Editor::default_editor(),
            frontend: Frontend::Javascript {
                framework: Framework::React,
                config: Framework::React.defaults(),
            },
            auth: AwsAuth::Profile {
                profile_name: "bizcorprole".into(),
            },
            outputs: outputs("dev", "us-east-1"),
            permissions_boundary: None,
        }
    }

    #[test]
    fn a_new_project_appears_whole_and_is_found_from_below() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("myapp");
        std::fs::create_dir_all(root.join("src/components")).unwrap();
        assert_eq!(find_root(&root.join("src/components")), None);
        let project = new_project(&root).write().unwrap();
        assert_eq!(
            find_root(&root.join("src/components")).as_deref(),
            Some(root.as_path())
        );
        assert_eq!(project.project_name().unwrap(), "myapp");
        assert_eq!(
            project.auth("dev").unwrap().unwrap().profile_name(),
            Some("bizcorprole")
        );
        let leftovers: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with('.') && n != ".gitignore")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let exports = std::fs::read_to_string(root.join("src/aws-exports.js")).unwrap();
        assert!(exports.contains("const awsmobile = {\n    \"aws_project_region\": \"us-east-1\"\n};\n\n\nexport default awsmobile;\n"), "{exports}");
    }

    #[test]
    fn the_permissions_boundary_is_kept_where_the_original_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let arn = "arn:aws:iam::111122223333:policy/Bound";
        let mut new = new_project(dir.path());
        new.permissions_boundary = Some(arn.into());
        let mut project = new.write().unwrap();
        let tpi: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(paths::TEAM_PROVIDER_INFO)).unwrap(),
        )
        .unwrap();
        let entry = tpi["dev"][PROVIDER].as_object().unwrap();
        assert_eq!(entry.keys().next().map(String::as_str), Some(BOUNDARY_KEY));
        assert_eq!(entry[BOUNDARY_KEY], arn);
        assert_eq!(entry["StackName"], "amplify-myapp-dev-12345");
        assert_eq!(project.permissions_boundary("dev"), Some(arn));
        project
            .add_environment(&NewEnvironment {
                env: "prod".into(),
                auth: AwsAuth::General,
                outputs: outputs("prod", "eu-west-1"),
                permissions_boundary: Some(arn.into()),
            })
            .unwrap();
        let project = Project::load(dir.path()).unwrap();
        assert_eq!(project.permissions_boundary("prod"), Some(arn));
    }

    #[test]
    fn a_replaced_keys_file_is_deleted_only_from_the_keys_folder() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let keys_dir = home.join(".amplify/awscloudformation");
        std::fs::create_dir_all(&keys_dir).unwrap();
        let ours = keys_dir.join("abcdefghij");
        let planted = dir.path().join("precious.txt");
        std::fs::write(&ours, "{}").unwrap();
        std::fs::write(&planted, "keep me").unwrap();
        std::fs::create_dir_all(dir.path().join("app")).unwrap();
        let mut project = new_project(&dir.path().join("app")).write().unwrap();
        for (path, deleted) in [(&ours, true), (&planted, false)] {
            project.set_auth("dev", &AwsAuth::AccessKeys { path: path.clone() });
            project.set_auth("dev", &AwsAuth::General);
            let left = project.remove_retired_keys(&home).unwrap();
            assert_eq!(!path.exists(), deleted, "{}", path.display());
            assert_eq!(left.is_empty(), deleted);
        }
    }

    #[test]
    fn another_users_project_above_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        new_project(dir.path()).write().unwrap();
        let below = dir.path().join("src/components");
        std::fs::create_dir_all(&below).unwrap();
        let me = rustix::process::getuid().as_raw();
        assert_eq!(find_root_of(&below, me).as_deref(), Some(dir.path()));
        assert_eq!(
            find_root_of(&below, me.wrapping_add(4242)),
            None,
            "for another user, this project is not theirs"
        );
    }

    #[test]
    fn an_unrelated_amplify_folder_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("amplify")).unwrap();
        std::fs::write(dir.path().join("amplify/notes.txt"), "mine").unwrap();
        let error = new_project(dir.path()).write().unwrap_err();
        assert!(
            matches!(error, ProjectError::AmplifyDirInTheWay { .. }),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("amplify/notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn adding_an_environment_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let mut project = new_project(dir.path()).write().unwrap();
        std::fs::write(
            dir.path().join("src/aws-exports.js"),
            std::fs::read_to_string(dir.path().join("src/aws-exports.js"))
                .unwrap()
                .replace(
                    "\"aws_project_region\"",
                    "\"custom_key\": \"kept\",\n    \"aws_project_region\"",
                ),
        )
        .unwrap();
        project
            .add_environment(&NewEnvironment {
                env: "prod".into(),
                auth: AwsAuth::General,
                outputs: outputs("prod", "eu-west-1"),
                permissions_boundary: None,
            })
            .unwrap();
        let project = Project::load(dir.path()).unwrap();
        assert_eq!(project.env_name().unwrap(), "prod");
        assert_eq!(project.environments(), ["dev", "prod"]);
        assert_eq!(
            project.auth("dev").unwrap().unwrap().profile_name(),
            Some("bizcorprole")
        );
        assert_eq!(project.auth("prod").unwrap(), Some(AwsAuth::General));
        let exports = std::fs::read_to_string(dir.path().join("src/aws-exports.js")).unwrap();
        assert!(
            exports.contains("\"custom_key\": \"kept\"") && exports.contains("eu-west-1"),
            "{exports}"
        );
    }

    #[test]
    fn a_new_project_keeps_its_cloud_backend_as_the_original_does() {
        let dir = tempfile::tempdir().unwrap();
        let project = new_project(dir.path()).write().unwrap();
        let current = dir.path().join(cloud_backend::DIR);
        let meta = std::fs::read(current.join("amplify-meta.json")).unwrap();
        assert_eq!(
            meta,
            std::fs::read(dir.path().join(paths::BACKEND_META)).unwrap()
        );
        for copy in [current.clone(), dir.path().join("amplify/backend")] {
            assert_eq!(
                std::fs::read_to_string(copy.join(cloud_backend::ROOT_TEMPLATE)).unwrap(),
                cloud_backend::STORED_ROOT_TEMPLATE
            );
        }
        assert!(
            !current.join("cli.json").exists(),
            "the original keeps cli.json out of it"
        );
        let cloud = project
            .cloud_backend_for(&outputs("dev", "us-east-1"))
            .unwrap();
        assert_eq!(cloud.file("amplify-meta.json"), Some(meta.as_slice()));
    }

    #[test]
    fn pulling_an_environment_restores_its_cloud_backend_and_takes_the_stacks_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let mut project = new_project(dir.path()).write().unwrap();
        let prod = outputs("prod", "eu-west-1");
        project
            .add_environment(&NewEnvironment {
                env: "prod".into(),
                auth: AwsAuth::General,
                outputs: prod.clone(),
                permissions_boundary: None,
            })
            .unwrap();
        // What the bucket of dev holds after a push of the original with an api category.
        let zip_meta = json!({"providers": {"awscloudformation": outputs("dev", "us-east-1").0}, "api": {"todo": {"service": "AppSync"}}});
        let pulled = CloudBackend::from_files(vec![
            ("cli.json".into(), b"{}".to_vec()),
            (
                "amplify-meta.json".into(),
                to_json_text(&zip_meta).into_bytes(),
            ),
            (
                "api/todo/schema.graphql".into(),
                b"type Todo { id: ID! }".to_vec(),
            ),
        ]);
        let mut fresh = outputs("dev", "us-east-1");
        fresh.0.insert(
            "AuthRoleName".into(),
            "amplify-myapp-dev-12345-authRole".into(),
        );
        project
            .pull_environment("dev", None, &pulled, &fresh)
            .unwrap();

        let project = Project::load(dir.path()).unwrap();
        assert_eq!(project.env_name().unwrap(), "dev");
        let current = dir.path().join(cloud_backend::DIR);
        assert!(current.join("api/todo/schema.graphql").is_file());
        assert!(!current.join("cli.json").exists());
        assert!(
            !current.join(cloud_backend::ROOT_TEMPLATE).exists(),
            "prod's folder is gone"
        );
        let backend: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(paths::BACKEND_META)).unwrap(),
        )
        .unwrap();
        assert_eq!(backend["api"]["todo"]["service"], "AppSync");
        assert_eq!(
            backend["providers"]["awscloudformation"]["AuthRoleName"],
            "amplify-myapp-dev-12345-authRole"
        );
        assert_eq!(
            project.outputs("dev").unwrap().get("AuthRoleName"),
            Some("amplify-myapp-dev-12345-authRole")
        );
        assert_eq!(project.outputs("prod"), Some(prod));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("amplify"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".current"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn frontend_change_replaces_the_block_and_keeps_unknown_keys() {
        let mut config = Map::new();
        config.insert("whyContinueWithGen1".into(), "Prefer not to answer".into());
        config.insert("projectName".into(), "myapp".into());
        set_frontend(
            &mut config,
            &Frontend::Javascript {
                framework: Framework::None,
                config: Framework::None.defaults(),
            },
        );
        set_frontend(
            &mut config,
            &Frontend::Flutter {
                res_dir: "./lib/".into(),
            },
        );
        let keys: Vec<&str> = config.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "whyContinueWithGen1",
                "projectName",
                "frontend",
                "flutter",
                "providers"
            ]
        );
    }
}
