//! `cargo xtask bench`: how fast and how lean `amplify-rs` is, next to its peers and to the floor, measured in
//! one run on one machine so the ratios mean something on a noisy one. Every case runs whole processes, the
//! way people and CI run them, alternating `amplify-rs`, the floor and the peer; each reports the median and
//! the spread (25th-75th percentile) of the wall time and the median peak memory (maximum resident set, from
//! GNU time). The floor is what the work cannot cost less than: a process that reads the same files
//! (`cat FILES > /dev/null`), or one HTTP round trip (`curl --aws-sigv4`). A local STS and CloudFormation
//! (moto) answer every AWS call; moto's recorder counts the STS calls of the cold cases.
//!
//! Results go to `docs/performance.md` (tables, the targets of issue 13 checked, and a chart drawn by
//! [`crate::chart`] into `docs/performance.svg`) and `docs/performance.json` (every figure), with the machine
//! and versions that produced them; the text under the page's marker line is written by hand and kept.
//! `--only TEXT` measures the cases whose name holds TEXT and keeps the other rows of the last run;
//! `--quick` makes three runs a case (one for the peers of the largest files). Timing lives here, never in
//! tests.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::demo::{CONFIG, CREDENTIALS};
use crate::moto::Moto;
use crate::{cargo, root, run_checked, setup};

const MFA_CODE: &str = "123456";
const PROVIDERS: &str = r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}"#;
/// The line of `docs/performance.md` under which the page is written by hand.
const MARKER: &str =
    "<!-- Everything above this line is written by `cargo xtask bench`; what follows is kept. -->";

/// One measured command line.
struct Sample {
    millis: f64,
    max_rss_kb: u64,
}

#[derive(Clone, Debug)]
pub struct Stats {
    pub case: String,
    pub tool: String,
    runs: usize,
    pub median_ms: f64,
    p25_ms: f64,
    p75_ms: f64,
    min_ms: f64,
    max_ms: f64,
    pub max_rss_kb: u64,
    sts_calls: Option<usize>,
    /// The size of the files the case reads, when that is what it is about.
    pub input_bytes: Option<u64>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

fn stats(case: &str, tool: &str, samples: &[Sample], sts_calls: Option<usize>) -> Stats {
    let mut times: Vec<f64> = samples.iter().map(|s| s.millis).collect();
    times.sort_by(f64::total_cmp);
    let mut rss: Vec<u64> = samples.iter().map(|s| s.max_rss_kb).collect();
    rss.sort_unstable();
    Stats {
        case: case.into(),
        tool: tool.into(),
        runs: samples.len(),
        median_ms: percentile(&times, 0.5),
        p25_ms: percentile(&times, 0.25),
        p75_ms: percentile(&times, 0.75),
        min_ms: times[0],
        max_ms: times[times.len() - 1],
        max_rss_kb: rss[rss.len() / 2],
        sts_calls,
        input_bytes: None,
    }
}

/// What the command line asked for.
struct Options {
    runs: usize,
    quick: bool,
    only: Option<String>,
}

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Options> {
        let value = |flag: &str| {
            args.iter()
                .position(|a| a == flag)
                .map(|i| {
                    args.get(i + 1)
                        .with_context(|| format!("{flag} needs a value"))
                })
                .transpose()
        };
        let quick = args.iter().any(|a| a == "--quick");
        let runs = match value("--runs")? {
            Some(runs) => runs.parse().context("--runs takes a number")?,
            None if quick => 3,
            None => 15,
        };
        Ok(Options {
            runs,
            quick,
            only: value("--only")?.cloned(),
        })
    }
}

/// The environment every tool gets: a fake HOME, the local endpoint, nothing of the developer's.
struct Env {
    home: PathBuf,
    endpoint: String,
    extra: Vec<(String, String)>,
}

impl Env {
    fn command(&self, program: &Path, args: &[&str], cwd: &Path) -> Command {
        let rss_file = self.home.join(".bench-rss");
        let mut command = Command::new("/usr/bin/time");
        command
            .args(["-f", "%M", "-o"])
            .arg(&rss_file)
            .arg(program)
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("LANG", "C.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in &self.extra {
            command.env(k, v);
        }
        command
    }

    /// Runs once and measures; `stdin` is fed when given (the AWS CLI reads its MFA code there).
    fn sample(
        &self,
        program: &Path,
        args: &[&str],
        cwd: &Path,
        env: &[(&str, &str)],
        stdin: Option<&str>,
    ) -> anyhow::Result<Sample> {
        let mut command = self.command(program, args, cwd);
        for (k, v) in env {
            command.env(k, v);
        }
        command.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let start = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot run {}", program.display()))?;
        if let Some(input) = stdin {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .expect("piped")
                .write_all(input.as_bytes())?;
        }
        let output = child.wait_with_output()?;
        let millis = start.elapsed().as_secs_f64() * 1000.0;
        if !output.status.success() {
            bail!(
                "{} {} failed:\n{}",
                program.display(),
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let rss = fs_err::read_to_string(self.home.join(".bench-rss"))?;
        let max_rss_kb = rss
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0);
        Ok(Sample { millis, max_rss_kb })
    }
}

/// One command line of a case: the tool's name in the report, the program, its arguments, how many runs.
struct Tool<'a> {
    name: &'a str,
    program: &'a Path,
    args: Vec<&'a str>,
    runs: usize,
}

impl<'a> Tool<'a> {
    fn new(name: &'a str, program: &'a Path, args: &[&'a str], runs: usize) -> Self {
        Tool {
            name,
            program,
            args: args.to_vec(),
            runs,
        }
    }
}

struct Bench {
    env: Env,
    moto: Moto,
    amplify: PathBuf,
    /// The AWS CLI of the venv, the peer of most cases.
    aws: PathBuf,
    python: PathBuf,
    cat: PathBuf,
    /// The temporary folder everything lives in.
    work: PathBuf,
    home: PathBuf,
    project: PathBuf,
    options: Options,
    results: Vec<Stats>,
}

impl Bench {
    fn runs(&self) -> usize {
        self.options.runs
    }

    fn wants(&self, case: &str) -> bool {
        self.options
            .only
            .as_deref()
            .is_none_or(|only| case.contains(only))
    }

    /// Every tool of the case, alternated (each up to its own number of runs), then one row each.
    fn measure(
        &mut self,
        case: &str,
        tools: &[Tool<'_>],
        input_bytes: Option<u64>,
    ) -> anyhow::Result<()> {
        if !self.wants(case) {
            return Ok(());
        }
        let mut samples: Vec<Vec<Sample>> = tools.iter().map(|_| Vec::new()).collect();
        let rounds = tools.iter().map(|t| t.runs).max().unwrap_or(0);
        for round in 0..rounds {
            for (tool, samples) in tools.iter().zip(&mut samples) {
                if round < tool.runs {
                    samples.push(self.env.sample(
                        tool.program,
                        &tool.args,
                        &self.project,
                        &[],
                        None,
                    )?);
                }
            }
        }
        for (tool, samples) in tools.iter().zip(&samples) {
            let mut row = stats(case, tool.name, samples, None);
            row.input_bytes = input_bytes;
            self.results.push(row);
        }
        eprintln!("bench: {case} done");
        Ok(())
    }

    fn count_sts(&self) -> anyhow::Result<usize> {
        let text = http(
            &self.moto.endpoint(),
            "GET",
            "/moto-api/recorder/download-recording",
        )?;
        Ok(text
            .lines()
            .filter(|l| l.contains("/sts/aws4_request"))
            .count())
    }

    fn recorder(&self, action: &str) -> anyhow::Result<()> {
        http(
            &self.moto.endpoint(),
            "POST",
            &format!("/moto-api/recorder/{action}"),
        )?;
        Ok(())
    }

    /// What `amplify-rs ARGS` prints, run as the cases run it.
    fn amplify_output(&self, args: &[&str]) -> anyhow::Result<String> {
        let output = self
            .env
            .command(&self.amplify, args, &self.project)
            .stdout(Stdio::piped())
            .output()?;
        if !output.status.success() {
            bail!(
                "amplify-rs {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8(output.stdout)?)
    }
}

/// A tiny HTTP/1.1 client for moto's control API (keeps xtask free of an HTTP crate).
fn http(endpoint: &str, method: &str, path: &str) -> anyhow::Result<String> {
    use std::io::{Read as _, Write as _};
    let address = endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address)?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default())
}

/// A config file of `n` profiles: half role profiles (with MFA every fourth) over static keys in the
/// credentials file, the other half plain keys. Written as it is made: a million profiles are 150 MB.
fn write_profiles(dir: &Path, n: usize) -> anyhow::Result<(PathBuf, PathBuf, u64)> {
    use std::io::Write as _;
    let (config_path, credentials_path) = (
        dir.join(format!("config-{n}")),
        dir.join(format!("credentials-{n}")),
    );
    let mut config = std::io::BufWriter::new(fs_err::File::create(&config_path)?);
    let mut credentials = std::io::BufWriter::new(fs_err::File::create(&credentials_path)?);
    for i in 0..n {
        if i % 2 == 0 {
            write!(
                config,
                "[profile role{i}]\nrole_arn = arn:aws:iam::111122223333:role/Role{i}\nsource_profile = keys{}\nregion = us-east-1\n{}\n",
                i + 1,
                if i % 4 == 0 {
                    "mfa_serial = arn:aws:iam::444455556666:mfa/dev\n"
                } else {
                    ""
                }
            )?;
        } else {
            write!(config, "[profile keys{i}]\nregion = us-west-2\n\n")?;
            write!(
                credentials,
                "[keys{i}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = {}\n\n",
                "s".repeat(40)
            )?;
        }
    }
    config.flush()?;
    credentials.flush()?;
    let bytes = fs_err::metadata(&config_path)?.len() + fs_err::metadata(&credentials_path)?.len();
    Ok((config_path, credentials_path, bytes))
}

fn version(program: &Path, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| {
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
            .trim()
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
        })
        .unwrap_or_default()
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let options = Options::parse(args)?;
    let mut bench = prepare(options)?;
    warm_credentials(&mut bench)?;
    cold_credentials(&mut bench)?;
    headless_init(&mut bench)?;
    next_to_the_original(&mut bench)?;
    profiles_at_scale(&mut bench)?;
    cache_at_scale(&mut bench)?;
    let machine = machine(&bench.aws)?;
    let results = match bench.options.only {
        Some(_) => merged(std::mem::take(&mut bench.results))?,
        None => std::mem::take(&mut bench.results),
    };
    crate::chart::draw(&results, &root().join("docs/performance.svg"))?;
    write_reports(&results, &machine, &bench.options)?;
    let work = bench.work.clone();
    drop(bench);
    let _ = fs_err::remove_dir_all(&work);
    Ok(())
}

/// A release build, moto, a home with the seed's profiles and a project, both tools' caches warm.
fn prepare(options: Options) -> anyhow::Result<Bench> {
    setup::run()?;
    run_checked(cargo().args(["build", "--quiet", "--release", "-p", "amplify-cli"]))?;
    let amplify = root().join("target/release/amplify-rs");
    let aws = setup::venv().join("bin/aws");
    let work = std::env::temp_dir().join(format!("amplify-rs-bench-{}", std::process::id()));
    let home = work.join("home");
    fs_err::create_dir_all(home.join(".aws"))?;
    fs_err::write(home.join(".aws/config"), CONFIG)?;
    fs_err::write(home.join(".aws/credentials"), CREDENTIALS)?;
    let project = home.join("myapp");
    fs_err::create_dir_all(&project)?;
    let moto = Moto::start()?;
    let env = Env {
        home: home.clone(),
        endpoint: moto.endpoint(),
        extra: Vec::new(),
    };
    let bench = Bench {
        env,
        moto,
        amplify,
        aws,
        python: setup::venv().join("bin/python"),
        cat: PathBuf::from("cat"),
        work,
        home,
        project,
        options,
        results: Vec::new(),
    };
    bench.env.sample(
        &bench.amplify,
        &["init", "--yes", "--providers", PROVIDERS],
        &bench.project,
        &[("AMPLIFY_RS_MFA_CODE", MFA_CODE)],
        None,
    )?;
    bench.env.sample(
        &bench.aws,
        WHOAMI_PEER,
        &bench.project,
        &[],
        Some(&format!("{MFA_CODE}\n")),
    )?;
    Ok(bench)
}

const WHOAMI_PEER: &[&str] = &["sts", "get-caller-identity", "--profile", "bizcorprole"];

fn warm_credentials(bench: &mut Bench) -> anyhow::Result<()> {
    let (aws, runs) = (bench.aws.clone(), bench.runs());
    let amplify = bench.amplify.clone();
    let true_ = PathBuf::from("true");
    bench.measure(
        "start-up (--version)",
        &[
            Tool::new("amplify-rs", &amplify, &["--version"], runs),
            Tool::new("floor: a process (true)", &true_, &[], runs),
            Tool::new("aws CLI", &aws, &["--version"], runs),
        ],
        None,
    )?;
    // The floor: the same GetCallerIdentity, signed by curl with the session amplify-rs has cached.
    let case = "warm credentials: whoami (GetCallerIdentity)";
    if bench.wants(case) {
        let session: serde_json::Value =
            serde_json::from_str(&bench.amplify_output(&["aws", "credentials"])?)?;
        let field = |name: &str| session[name].as_str().unwrap_or_default().to_string();
        let user = format!("{}:{}", field("AccessKeyId"), field("SecretAccessKey"));
        let token = format!("x-amz-security-token: {}", field("SessionToken"));
        let url = format!("{}/", bench.moto.endpoint());
        let curl = PathBuf::from("curl");
        let curl_args = [
            "-s",
            "--fail",
            "-o",
            "/dev/null",
            "--aws-sigv4",
            "aws:amz:us-east-1:sts",
            "--user",
            &user,
            "-H",
            &token,
            "-d",
            "Action=GetCallerIdentity&Version=2011-06-15",
            &url,
        ];
        bench.measure(
            case,
            &[
                Tool::new("amplify-rs", &amplify, &["aws", "whoami"], runs),
                Tool::new("floor: curl --aws-sigv4", &curl, &curl_args, runs),
                Tool::new("aws CLI", &aws, WHOAMI_PEER, runs),
            ],
            None,
        )?;
    }
    let cache = bench.home.join(".amplify/awscloudformation/cache.json");
    let cache_arg = cache.to_str().unwrap_or_default();
    let cat = bench.cat.clone();
    bench.measure(
        "warm credentials: aws credentials (no AWS call)",
        &[
            Tool::new("amplify-rs", &amplify, &["aws", "credentials"], runs),
            Tool::new("floor: cat cache.json", &cat, &[cache_arg], runs),
        ],
        None,
    )
}

/// Both caches emptied before every run, the MFA code supplied, STS calls counted.
fn cold_credentials(bench: &mut Bench) -> anyhow::Result<()> {
    let case = "cold credentials: whoami, MFA code given";
    if !bench.wants(case) {
        return Ok(());
    }
    let (amplify, aws, home, project) = (
        bench.amplify.clone(),
        bench.aws.clone(),
        bench.home.clone(),
        bench.project.clone(),
    );
    let runs = bench.runs();
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let (mut mine_calls, mut their_calls) = (0, 0);
    for _ in 0..runs {
        let _ = fs_err::remove_file(home.join(".amplify/awscloudformation/cache.json"));
        bench.recorder("reset-recording")?;
        bench.recorder("start-recording")?;
        mine.push(bench.env.sample(
            &amplify,
            &["aws", "whoami"],
            &project,
            &[("AMPLIFY_RS_MFA_CODE", MFA_CODE)],
            None,
        )?);
        bench.recorder("stop-recording")?;
        mine_calls += bench.count_sts()?;
        let _ = fs_err::remove_dir_all(home.join(".aws/cli/cache"));
        bench.recorder("reset-recording")?;
        bench.recorder("start-recording")?;
        theirs.push(bench.env.sample(
            &aws,
            WHOAMI_PEER,
            &project,
            &[],
            Some(&format!("{MFA_CODE}\n")),
        )?);
        bench.recorder("stop-recording")?;
        their_calls += bench.count_sts()?;
    }
    bench
        .results
        .push(stats(case, "amplify-rs", &mine, Some(mine_calls / runs)));
    bench
        .results
        .push(stats(case, "aws CLI", &theirs, Some(their_calls / runs)));
    eprintln!("bench: cold credentials done");
    Ok(())
}

/// The original's environment against moto (docs/testing.md): no Amplify service, no scripts, CI mode.
const ORIGINAL_ENV: [(&str, &str); 3] = [
    ("CLI_DEV_INTERNAL_DISABLE_AMPLIFY_APP_CREATION", "1"),
    ("AMPLIFY_CLI_DISABLE_SCRIPTING_FEATURES", "1"),
    ("CI", "1"),
];

const STATIC_PROVIDERS: &str = r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"devcorpuser"}}"#;
const FRONTEND: &str = r#"{"frontend":"javascript","framework":"react","config":{"SourceDir":"src","DistributionDir":"build","BuildCommand":"npm run-script build","StartCommand":"npm run-script start"}}"#;
const INIT_CASE: &str = "headless init --yes, static keys (CreateStack + S3 state + files)";
const STATUS_CASE: &str = "amplify status: through amplify-rs exec, and alone";

/// The original CLI next to amplify-rs: a headless init each (the static profile for both: the original
/// cannot use the role with MFA), and `amplify status` run directly and through `amplify-rs exec`.
fn next_to_the_original(bench: &mut Bench) -> anyhow::Result<()> {
    if !bench.wants(INIT_CASE) && !bench.wants(STATUS_CASE) {
        return Ok(());
    }
    let original = setup::original_cli_dir().join("node_modules/.bin/amplify");
    let runs = bench.runs().min(5);
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..runs {
        for (tool, samples) in [("rs", &mut mine), ("original", &mut theirs)] {
            let dir = bench.home.join(format!("vs-{tool}-{i}"));
            fs_err::create_dir_all(&dir)?;
            let amplify = r#"{"projectName":"myapp","envName":"dev","defaultEditor":"code"}"#;
            let args = [
                "init",
                "--amplify",
                amplify,
                "--frontend",
                FRONTEND,
                "--providers",
                STATIC_PROVIDERS,
                "--yes",
            ];
            let program = if tool == "rs" {
                &bench.amplify
            } else {
                &original
            };
            samples.push(
                bench
                    .env
                    .sample(program, &args, &dir, &ORIGINAL_ENV, None)?,
            );
        }
    }
    bench
        .results
        .push(stats(INIT_CASE, "amplify-rs", &mine, None));
    bench
        .results
        .push(stats(INIT_CASE, "original CLI 14.2.2", &theirs, None));
    eprintln!("bench: init next to the original done");

    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let project = bench.home.join("vs-original-0");
    for _ in 0..runs {
        let exec = [
            "exec",
            "--",
            original.to_str().unwrap_or_default(),
            "status",
        ];
        mine.push(
            bench
                .env
                .sample(&bench.amplify, &exec, &project, &ORIGINAL_ENV, None)?,
        );
        theirs.push(
            bench
                .env
                .sample(&original, &["status"], &project, &ORIGINAL_ENV, None)?,
        );
    }
    bench
        .results
        .push(stats(STATUS_CASE, "amplify-rs exec", &mine, None));
    bench
        .results
        .push(stats(STATUS_CASE, "original CLI 14.2.2", &theirs, None));
    eprintln!("bench: amplify status done");
    Ok(())
}

/// Headless init end to end, a new folder each time.
fn headless_init(bench: &mut Bench) -> anyhow::Result<()> {
    let case = "headless init --yes, role + MFA (AssumeRole + CreateStack + S3 state + files)";
    if !bench.wants(case) {
        return Ok(());
    }
    let mut inits = Vec::new();
    for i in 0..bench.runs() {
        let dir = bench.home.join(format!("init-{i}"));
        fs_err::create_dir_all(&dir)?;
        inits.push(bench.env.sample(
            &bench.amplify,
            &["init", "--yes", "--providers", PROVIDERS],
            &dir,
            &[("AMPLIFY_RS_MFA_CODE", MFA_CODE)],
            None,
        )?);
    }
    bench.results.push(stats(case, "amplify-rs", &inits, None));
    eprintln!("bench: init done");
    Ok(())
}

/// The profile counts measured; the chart draws them.
pub const PROFILE_COUNTS: [usize; 5] = [100, 1_000, 10_000, 100_000, 1_000_000];

pub fn list_case(n: usize) -> String {
    format!("list {n} profiles")
}

pub fn resolve_case(n: usize) -> String {
    format!("resolve 1 of {n} profiles")
}

fn profiles_at_scale(bench: &mut Bench) -> anyhow::Result<()> {
    let (aws, python, amplify, cat) = (
        bench.aws.clone(),
        bench.python.clone(),
        bench.amplify.clone(),
        bench.cat.clone(),
    );
    for n in PROFILE_COUNTS {
        let (list, resolve) = (list_case(n), resolve_case(n));
        if !bench.wants(&list) && !bench.wants(&resolve) {
            continue;
        }
        let (config, credentials, bytes) = write_profiles(&bench.work, n)?;
        // Fewer runs as the files grow: the peers take ten seconds at 100,000 profiles and minutes at a million.
        let (ours, peers) = match n {
            1_000_000 => (bench.runs().min(3), 1),
            100_000 if bench.options.quick => (bench.runs().min(5), 1),
            100_000 => (bench.runs().min(5), bench.runs().min(5)),
            _ => (bench.runs(), bench.runs()),
        };
        bench.env.extra = vec![
            ("AWS_CONFIG_FILE".into(), config.display().to_string()),
            (
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                credentials.display().to_string(),
            ),
        ];
        let files = [
            config.to_str().unwrap_or_default(),
            credentials.to_str().unwrap_or_default(),
        ];
        let last_role = format!("role{}", (n - 2) / 2 * 2);
        // AWS CLI v1 has no `configure list-profiles`: its library, botocore, lists them the same way.
        let list_peer: &[&str] = &[
            "-c",
            "import botocore.session as s; print(chr(10).join(s.Session().available_profiles))",
        ];
        bench.measure(
            &list,
            &[
                Tool::new("amplify-rs", &amplify, &["aws", "profiles"], ours),
                Tool::new("floor: cat the files", &cat, &files, ours),
                Tool::new("botocore", &python, list_peer, peers),
            ],
            Some(bytes),
        )?;
        let get_peer = ["configure", "get", "role_arn", "--profile", &last_role];
        bench.measure(
            &resolve,
            &[
                Tool::new(
                    "amplify-rs",
                    &amplify,
                    &["aws", "profiles", &last_role],
                    ours,
                ),
                Tool::new("floor: cat the files", &cat, &files, ours),
                Tool::new("aws CLI", &aws, &get_peer, peers),
            ],
            Some(bytes),
        )?;
        bench.env.extra.clear();
        fs_err::remove_file(&config)?;
        fs_err::remove_file(&credentials)?;
    }
    Ok(())
}

/// Cache lookups with 10,000 and 100,000 other projects cached (ours last: a lookup passes every other).
fn cache_at_scale(bench: &mut Bench) -> anyhow::Result<()> {
    let cache_path = bench.home.join(".amplify/awscloudformation/cache.json");
    let (amplify, cat) = (bench.amplify.clone(), bench.cat.clone());
    for n in [10_000usize, 100_000] {
        let case = format!("aws credentials with {} projects cached", thousands(n));
        if !bench.wants(&case) {
            continue;
        }
        bench.amplify_output(&["aws", "credentials"])?;
        let original = fs_err::read_to_string(&cache_path)?;
        let mut cache: serde_json::Value = serde_json::from_str(&original)?;
        let projects = cache["amplify-rs"]["projects"]
            .as_object_mut()
            .context("the cache holds our project")?;
        let (ours_key, ours) = projects
            .iter()
            .next()
            .map(|(k, v)| (k.clone(), v.clone()))
            .context("the cache holds our project")?;
        projects.clear();
        for i in 0..n {
            projects.insert(format!("/home/dev/projects/p{i:06}"), ours.clone());
        }
        projects.insert(ours_key, ours);
        fs_err::write(&cache_path, serde_json::to_string_pretty(&cache)?)?;
        let bytes = fs_err::metadata(&cache_path)?.len();
        let runs = bench.runs();
        let cache_arg = cache_path.to_str().unwrap_or_default();
        bench.measure(
            &case,
            &[
                Tool::new("amplify-rs", &amplify, &["aws", "credentials"], runs),
                Tool::new("floor: cat cache.json", &cat, &[cache_arg], runs),
            ],
            Some(bytes),
        )?;
        fs_err::write(&cache_path, original)?;
    }
    Ok(())
}

/// 10000 as `10,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The machine and the versions measured, for the report.
fn machine(aws: &Path) -> anyhow::Result<String> {
    Ok(format!(
        "{} ({} cores), Linux {}; {}; {}; {}; moto {}; measured {}",
        fs_err::read_to_string("/proc/cpuinfo")?
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split(':').nth(1))
            .unwrap_or("?")
            .trim(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        version(Path::new("uname"), &["-r"]),
        version(Path::new("rustc"), &["--version"]),
        version(aws, &["--version"]),
        version(Path::new("curl"), &["--version"])
            .split(" (")
            .next()
            .unwrap_or_default(),
        version(
            &setup::venv().join("bin/python"),
            &["-c", "import moto; print(moto.__version__)"]
        ),
        version(Path::new("date"), &["-u", "+%Y-%m-%d %H:%M UTC"]),
    ))
}

/// The rows of the last full run (docs/performance.json) with the cases measured now put in their place.
fn merged(new: Vec<Stats>) -> anyhow::Result<Vec<Stats>> {
    let path = root().join("docs/performance.json");
    let old: serde_json::Value = match fs_err::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)?,
        Err(_) => return Ok(new),
    };
    let old: Vec<Stats> = old["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(from_json)
        .collect();
    let mut out: Vec<Stats> = Vec::new();
    for row in &old {
        if out.iter().any(|r| r.case == row.case) {
            continue;
        }
        let fresh: Vec<&Stats> = new.iter().filter(|r| r.case == row.case).collect();
        if fresh.is_empty() {
            out.extend(old.iter().filter(|r| r.case == row.case).cloned());
        } else {
            out.extend(fresh.into_iter().cloned());
        }
    }
    for row in new {
        if !old.iter().any(|r| r.case == row.case) {
            out.push(row);
        }
    }
    Ok(out)
}

fn from_json(row: &serde_json::Value) -> Option<Stats> {
    let number = |key: &str| row[key].as_f64();
    Some(Stats {
        case: row["case"].as_str()?.to_string(),
        tool: row["tool"].as_str()?.to_string(),
        runs: number("runs")? as usize,
        median_ms: number("median_ms")?,
        p25_ms: number("p25_ms")?,
        p75_ms: number("p75_ms")?,
        min_ms: number("min_ms")?,
        max_ms: number("max_ms")?,
        max_rss_kb: row["max_rss_kb"].as_u64()?,
        sts_calls: row["sts_calls_per_run"].as_u64().map(|n| n as usize),
        input_bytes: row["input_bytes"].as_u64(),
    })
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// The rows of each case, in the order they were measured: amplify-rs first, then the floor and the peer.
fn cases(results: &[Stats]) -> Vec<(&str, Vec<&Stats>)> {
    let mut cases: Vec<(&str, Vec<&Stats>)> = Vec::new();
    for row in results {
        match cases.iter_mut().find(|(case, _)| *case == row.case) {
            Some((_, rows)) => rows.push(row),
            None => cases.push((&row.case, vec![row])),
        }
    }
    cases
}

fn time(s: &Stats) -> String {
    let calls = s
        .sts_calls
        .map(|c| format!(", {c} STS calls"))
        .unwrap_or_default();
    format!(
        "{:.1} ms [{:.1}-{:.1}]{calls}",
        s.median_ms, s.p25_ms, s.p75_ms
    )
}

fn table(results: &[Stats]) -> String {
    let mut md = String::from(
        "| case | amplify-rs | peak memory | floor | floor time | amplify-rs / floor | peer | peer time | peer memory | peer / amplify-rs |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for (case, rows) in cases(results) {
        let ours = rows[0];
        let floor = rows.iter().find(|r| r.tool.starts_with("floor"));
        let peer = rows[1..].iter().find(|r| !r.tool.starts_with("floor"));
        let size = ours
            .input_bytes
            .map(|b| format!(" ({:.1} MB)", b as f64 / 1e6))
            .unwrap_or_default();
        let runs = if ours.runs == 15 {
            String::new()
        } else {
            format!(", {} runs", ours.runs)
        };
        let (floor_tool, floor_time, over_floor) = match floor {
            Some(f) => (
                f.tool.trim_start_matches("floor: ").to_string(),
                time(f),
                format!(
                    "{:.1}x ({:+.1} ms)",
                    ours.median_ms / f.median_ms,
                    ours.median_ms - f.median_ms
                ),
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        let (peer_tool, peer_time, peer_mem, ratio) = match peer {
            Some(p) => (
                if p.runs == ours.runs {
                    p.tool.clone()
                } else {
                    format!("{} ({} runs)", p.tool, p.runs)
                },
                time(p),
                format!("{:.1} MiB", mib(p.max_rss_kb)),
                format!("{:.1}x", p.median_ms / ours.median_ms),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        let _ = writeln!(
            md,
            "| {case}{size}{runs} | {} | {:.1} MiB | {floor_tool} | {floor_time} | {over_floor} | {peer_tool} | {peer_time} | {peer_mem} | {ratio} |",
            time(ours),
            mib(ours.max_rss_kb)
        );
    }
    md
}

/// The done-when targets of issue 13, checked against this run's medians.
fn targets(results: &[Stats]) -> String {
    let row = |case: &str, tool: &str| {
        results
            .iter()
            .find(|r| r.case == case && r.tool.starts_with(tool))
    };
    let mut md = String::from("| target | measured | met |\n|---|---|---|\n");
    let mut line = |target: &str, measured: String, met: bool| {
        let _ = writeln!(
            md,
            "| {target} | {measured} | {} |",
            if met { "yes" } else { "**no**" }
        );
    };
    if let (Some(ours), Some(floor)) = (
        row(&resolve_case(10_000), "amplify-rs"),
        row(&resolve_case(10_000), "floor"),
    ) {
        line(
            "resolve 1 of 10,000 profiles: at most 3x reading the files (a process that does: `cat`)",
            format!(
                "{:.1} ms against {:.1} ms: {:.1}x",
                ours.median_ms,
                floor.median_ms,
                ours.median_ms / floor.median_ms
            ),
            ours.median_ms <= 3.0 * floor.median_ms,
        );
    }
    for (case, limit) in [
        (resolve_case(100_000), 60.0),
        (list_case(100_000), 150.0),
        (
            "aws credentials with 10,000 projects cached".to_string(),
            10.0,
        ),
        (
            "aws credentials with 100,000 projects cached".to_string(),
            60.0,
        ),
    ] {
        if let Some(ours) = row(&case, "amplify-rs") {
            line(
                &format!("{case}: under {limit:.0} ms"),
                format!("{:.1} ms", ours.median_ms),
                ours.median_ms < limit,
            );
        }
    }
    memory_targets(results, &mut line);
    let whoami = "warm credentials: whoami (GetCallerIdentity)";
    if let (Some(ours), Some(floor)) = (row(whoami, "amplify-rs"), row(whoami, "floor")) {
        line(
            "warm whoami within 2 ms of the curl floor",
            format!(
                "{:.1} ms against {:.1} ms: {:+.1} ms",
                ours.median_ms,
                floor.median_ms,
                ours.median_ms - floor.median_ms
            ),
            ours.median_ms - floor.median_ms <= 2.0,
        );
    }
    if let (Some(ours), Some(original)) = (row(INIT_CASE, "amplify-rs"), row(INIT_CASE, "original"))
    {
        let (faster, smaller) = (
            original.median_ms / ours.median_ms,
            original.max_rss_kb as f64 / ours.max_rss_kb as f64,
        );
        line(
            "init at least 50x faster and 20x smaller than the original CLI",
            format!("{faster:.0}x faster, {smaller:.0}x smaller"),
            faster >= 50.0 && smaller >= 20.0,
        );
    }
    md
}

/// Peak memory under twice the files' size plus 12 MiB, for every profile case.
fn memory_targets(results: &[Stats], line: &mut impl FnMut(&str, String, bool)) {
    for n in PROFILE_COUNTS {
        for case in [list_case(n), resolve_case(n)] {
            let ours = results
                .iter()
                .find(|r| r.case == case && r.tool == "amplify-rs");
            if let Some(ours) = ours
                && let Some(bytes) = ours.input_bytes
            {
                let limit = 2.0 * bytes as f64 / 1_048_576.0 + 12.0;
                line(
                    &format!("{case}: peak memory under 2x the files + 12 MiB"),
                    format!("{:.1} MiB, limit {limit:.1} MiB", mib(ours.max_rss_kb)),
                    mib(ours.max_rss_kb) < limit,
                );
            }
        }
    }
}

fn write_reports(results: &[Stats], machine: &str, options: &Options) -> anyhow::Result<()> {
    let mut md = String::from("# Performance\n\n");
    let partial = match &options.only {
        Some(only) => format!(
            " The cases whose name holds `{only}` were measured again on their own (`--only`); the other rows are those of the last run."
        ),
        None => String::new(),
    };
    let _ = writeln!(
        md,
        "Produced by `cargo xtask bench` (release build, {} runs per case unless noted; 100,000-profile cases 5 runs, a million 3, their peers fewer).{partial} \
Each figure is the median wall time of a whole process, with the 25th-75th percentile in brackets, and its median peak \
memory (maximum resident set). `amplify-rs`, the floor and the peer alternate in the same run against the same local STS and \
CloudFormation (moto on loopback), so the ratios hold even when the machine is noisy. The floor is what the work cannot cost \
less than: a process that only starts (`true`), reads the same files (`cat FILES > /dev/null`), or sends the same signed \
request (`curl --aws-sigv4`).\n\nMachine: {machine}\n",
        options.runs
    );
    md.push_str(&table(results));
    md.push_str("\n## Done when (issue 13)\n\nChecked by the bench against the medians above.\n\n");
    md.push_str(&targets(results));
    md.push_str("\n## Time and memory against the number of profiles\n\n![Time and peak memory of `aws profiles` (list) and `aws profiles NAME` (resolve) against the number of profiles, next to botocore, the AWS CLI and `cat` of the same files](performance.svg)\n\n");
    md.push_str("Peers: `aws --version`; `aws sts get-caller-identity --profile bizcorprole` (the AWS CLI's own cache at \
`~/.aws/cli/cache`, warm or emptied like ours; the cold runs feed it the MFA code on stdin); for listing, botocore's \
`Session().available_profiles` in the AWS CLI's own Python (AWS CLI v1 has no `configure list-profiles`); for resolving, \
`aws configure get role_arn --profile P`; the original Amplify CLI 14.2.2 (installed by `cargo xtask setup`) for init and \
`amplify status`. The profile files: half role profiles (MFA every fourth) whose source is the next profile, half keys in the \
credentials file; the profile resolved is the last role. The cache: the seed's project after a real `init`, N copies of its \
entry under other project paths before it.\n\n");
    md.push_str(MARKER);
    md.push_str("\n\n");
    let page = root().join("docs/performance.md");
    // Without the marker's newlines, so that each run does not add a blank line to the kept text.
    let kept = fs_err::read_to_string(&page)
        .ok()
        .and_then(|old| {
            old.split_once(MARKER)
                .map(|(_, rest)| rest.trim_start_matches('\n').to_string())
        })
        .unwrap_or_default();
    md.push_str(&kept);
    fs_err::write(&page, md)?;

    let rows: Vec<serde_json::Value> = results
        .iter()
        .map(|s| {
            serde_json::json!({
                "case": s.case, "tool": s.tool, "runs": s.runs,
                "median_ms": s.median_ms, "p25_ms": s.p25_ms, "p75_ms": s.p75_ms, "min_ms": s.min_ms, "max_ms": s.max_ms,
                "max_rss_kb": s.max_rss_kb, "sts_calls_per_run": s.sts_calls, "input_bytes": s.input_bytes,
            })
        })
        .collect();
    let json =
        serde_json::to_string_pretty(&serde_json::json!({"machine": machine, "results": rows}))?
            + "\n";
    fs_err::write(root().join("docs/performance.json"), json)?;
    println!("wrote docs/performance.md, docs/performance.json and docs/performance.svg");
    Ok(())
}
