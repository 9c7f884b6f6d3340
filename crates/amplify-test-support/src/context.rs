//! A fake HOME holding the seed's two profiles, a project folder inside it, and commands of the binary
//! under test with a clean environment: the developer's `AWS_*` variables never reach a test.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::moto::Moto;
use crate::pty::Pty;

/// Biz Corp's role, in account 111122223333.
pub const SEED_ROLE_ARN: &str = "arn:aws:iam::111122223333:role/BizCorpAmplifyRole";
/// Dev Corp's user's virtual MFA device, in account 444455556666.
pub const SEED_MFA_SERIAL: &str = "arn:aws:iam::444455556666:mfa/devcorpuser";
/// Dev Corp user's secret key: tests grep every output for it.
pub const SEED_SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEVCORPKEY";

/// `~/.aws/config` as the seed document writes it (`fixtures/aws-files/seed/config`, shared with the demo).
pub const SEED_CONFIG: &str = include_str!("../../../fixtures/aws-files/seed/config");

/// `~/.aws/credentials` as the seed document writes it (`fixtures/aws-files/seed/credentials`).
pub const SEED_CREDENTIALS: &str = include_str!("../../../fixtures/aws-files/seed/credentials");

/// The workspace root, found from this crate's manifest folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/<name> is two levels down")
        .to_path_buf()
}

#[derive(Debug)]
pub struct TestContext {
    binary: PathBuf,
    home: tempfile::TempDir,
    moto: Option<Moto>,
    extra_env: Vec<(String, String)>,
}

impl TestContext {
    /// A fresh HOME with an empty `.aws` folder and a project folder `myapp`.
    pub fn new(binary: impl Into<PathBuf>) -> Self {
        let home = tempfile::Builder::new()
            .prefix("amplify-rs-test-")
            .tempdir()
            .expect("temporary HOME");
        fs_err::create_dir_all(home.path().join(".aws")).unwrap();
        fs_err::create_dir_all(home.path().join("myapp")).unwrap();
        Self {
            binary: binary.into(),
            home,
            moto: None,
            extra_env: Vec::new(),
        }
    }

    /// The seed's `bizcorprole` and `devcorpuser` profiles in `~/.aws`.
    pub fn with_seed_profiles(self) -> Self {
        self.write_aws_files(SEED_CONFIG, SEED_CREDENTIALS);
        self
    }

    /// Starts a moto server for this test; its endpoint is given to every command.
    pub fn with_moto(mut self) -> Self {
        self.moto = Some(Moto::start());
        self
    }

    /// Uses `other`'s moto server (a teammate working with the same account). `other` must outlive this
    /// context.
    pub fn sharing_moto_of(mut self, other: &TestContext) -> Self {
        self.extra_env
            .push(("AWS_ENDPOINT_URL".into(), other.moto().endpoint()));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.extra_env.push((key.into(), value.into()));
        self
    }

    pub fn write_aws_files(&self, config: &str, credentials: &str) {
        fs_err::write(self.home().join(".aws/config"), config).unwrap();
        fs_err::write(self.home().join(".aws/credentials"), credentials).unwrap();
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The canonical HOME path, as the binary sees it after resolving symbolic links.
    pub fn canonical_home(&self) -> PathBuf {
        fs_err::canonicalize(self.home()).unwrap()
    }

    /// `HOME/myapp`, the folder commands run in unless told otherwise.
    pub fn project_dir(&self) -> PathBuf {
        self.home().join("myapp")
    }

    pub fn moto(&self) -> &Moto {
        self.moto
            .as_ref()
            .expect("this test did not start moto: call with_moto()")
    }

    pub fn cache_path(&self) -> PathBuf {
        self.home().join(".amplify/awscloudformation/cache.json")
    }

    /// The binary with HOME, a clean environment and the moto endpoint, run in the project folder.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_of(&self.binary, args)
    }

    /// `program` as [`TestContext::command`] runs the binary: this HOME, a clean environment, moto, the
    /// project folder.
    pub fn command_of(&self, program: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(self.project_dir())
            .env_clear();
        for (key, value) in self.base_env() {
            command.env(key, value);
        }
        command
    }

    /// The binary run through `sh` with `umask` applied first, as a user with that umask would run it.
    pub fn command_under_umask(&self, umask: &str, args: &[&str]) -> Command {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(&self.binary)
            .args(args)
            .current_dir(self.project_dir())
            .env_clear();
        for (key, value) in self.base_env() {
            command.env(key, value);
        }
        command
    }

    fn base_env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("HOME".to_string(), self.home().display().to_string()),
            (
                "PATH".to_string(),
                std::env::var("PATH").unwrap_or_default(),
            ),
            ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
            ("LANG".to_string(), "C.UTF-8".to_string()),
        ];
        if let Some(moto) = &self.moto {
            env.push(("AWS_ENDPOINT_URL".to_string(), moto.endpoint()));
        }
        env.extend(self.extra_env.iter().cloned());
        env
    }

    /// Runs the binary without a terminal, stdin closed; what it printed and the project's files are
    /// scanned for secrets ([`crate::secrets`]).
    pub fn run(&self, args: &[&str]) -> CommandOutput {
        self.run_command(self.command(args).stdin(std::process::Stdio::null()))
    }

    /// Runs `command` (made by [`TestContext::command`], perhaps with more variables) and scans it as
    /// [`TestContext::run`] does. The values of variables that name an MFA code or a secret count as secrets.
    pub fn run_command(&self, command: &mut Command) -> CommandOutput {
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let given: Vec<String> = self
            .extra_env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain(command.get_envs().filter_map(|(k, v)| {
                Some((
                    k.to_string_lossy().into_owned(),
                    v?.to_string_lossy().into_owned(),
                ))
            }))
            .filter(|(k, _)| k.contains("MFA_CODE") || k.contains("SECRET"))
            .map(|(_, v)| v)
            .collect();
        let out = CommandOutput::run(command);
        // `aws credentials` prints credentials by design, and `exec`'s program prints what it likes.
        let prints_credentials = args.iter().any(|a| a == "credentials" || a == "exec");
        let texts: Vec<&str> = if prints_credentials {
            vec![&out.stderr]
        } else {
            vec![&out.stdout, &out.stderr]
        };
        crate::secrets::assert_none_in(
            &crate::secrets::secrets_in(self.home(), &given),
            &texts,
            &self.project_dir(),
        );
        out
    }

    /// Every secret this test's runs may hold now (see [`crate::secrets`]).
    pub fn secrets(&self, given: &[String]) -> Vec<String> {
        crate::secrets::secrets_in(self.home(), given)
    }

    /// Runs the binary in a pseudo-terminal of 30 rows and 100 columns; when it ends, what it showed and
    /// the project's files are scanned for secrets, as [`TestContext::run`] scans.
    pub fn pty(&self, args: &[&str]) -> Pty {
        let mut command = self.command(args);
        command.env("TERM", "xterm-256color");
        Pty::spawn(command, 30, 100).scanned_in(self.home(), &self.project_dir())
    }

    /// `text` with this test's HOME replaced by `[HOME]`, for messages that name files.
    pub fn normalize(&self, text: &str) -> String {
        let canonical = self.canonical_home().display().to_string();
        text.replace(&canonical, "[HOME]")
            .replace(&self.home().display().to_string(), "[HOME]")
    }

    /// [`TestContext::pty`] with the terminal's echo turned on before the program starts, as a person's
    /// terminal has it (the pseudo-terminal starts without).
    pub fn pty_with_echo(&self, args: &[&str]) -> Pty {
        let mut command = self.command_of(std::path::Path::new("sh"), &[]);
        command
            .arg("-c")
            .arg("stty echo && exec \"$0\" \"$@\"")
            .arg(&self.binary)
            .args(args)
            .env("TERM", "xterm-256color");
        Pty::spawn(command, 30, 100).scanned_in(self.home(), &self.project_dir())
    }

    /// Reads a JSON file of the project.
    pub fn project_json(&self, relative: &str) -> serde_json::Value {
        let text = fs_err::read_to_string(self.project_dir().join(relative)).unwrap();
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{relative} is not JSON: {e}\n{text}"))
    }
}

/// What a command printed and how it ended.
#[derive(Debug)]
pub struct CommandOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl CommandOutput {
    /// Runs `command` to its end.
    pub fn run(command: &mut Command) -> CommandOutput {
        let output = command.output().expect("the program runs");
        CommandOutput {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}
