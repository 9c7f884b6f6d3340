//! `cargo xtask bench`: how fast and how lean `amplify-rs` is, next to its peers, measured in one run on one
//! machine so the ratios mean something on a noisy one. Every case runs whole processes, the way people and CI
//! run them, alternating `amplify-rs` and its peer; each reports the median and the spread (25th-75th
//! percentile) of the wall time and the median peak memory (maximum resident set, from GNU time). A local STS
//! and CloudFormation (moto) answer every AWS call; moto's recorder counts the STS calls of the cold cases.
//!
//! Results go to `docs/performance.md` (a table) and `docs/performance.json` (every figure), with the
//! machine and versions that produced them. Timing lives here, never in tests.

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

/// One measured command line.
struct Sample {
    millis: f64,
    max_rss_kb: u64,
}

#[derive(Clone, Debug)]
struct Stats {
    case: String,
    tool: String,
    runs: usize,
    median_ms: f64,
    p25_ms: f64,
    p75_ms: f64,
    min_ms: f64,
    max_ms: f64,
    max_rss_kb: u64,
    sts_calls: Option<usize>,
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
    }
}

/// The environment both tools get: a fake HOME, the local endpoint, nothing of the developer's.
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

struct Bench {
    env: Env,
    moto: Moto,
    amplify: PathBuf,
    /// The AWS CLI of the venv, the peer of most cases.
    aws: PathBuf,
    /// The temporary folder everything lives in.
    work: PathBuf,
    home: PathBuf,
    project: PathBuf,
    runs: usize,
    results: Vec<Stats>,
}

impl Bench {
    /// `amplify-rs` and its peer, alternated `runs` times.
    fn pair(
        &mut self,
        case: &str,
        ours: &[&str],
        peer: Option<(&Path, &[&str])>,
        runs: usize,
    ) -> anyhow::Result<()> {
        let mut mine = Vec::new();
        let mut theirs = Vec::new();
        for _ in 0..runs {
            mine.push(
                self.env
                    .sample(&self.amplify, ours, &self.project, &[], None)?,
            );
            if let Some((program, args)) = peer {
                theirs.push(self.env.sample(program, args, &self.project, &[], None)?);
            }
        }
        self.results.push(stats(case, "amplify-rs", &mine, None));
        if let Some((program, _)) = peer {
            let name = program
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tool = match name.as_str() {
                "aws" => "aws CLI",
                "python" => "botocore",
                other => other,
            };
            self.results.push(stats(case, tool, &theirs, None));
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
/// credentials file, the other half plain keys.
fn write_profiles(dir: &Path, n: usize) -> anyhow::Result<(PathBuf, PathBuf)> {
    let mut config = String::new();
    let mut credentials = String::new();
    for i in 0..n {
        if i % 2 == 0 {
            let _ = write!(
                config,
                "[profile role{i}]\nrole_arn = arn:aws:iam::111122223333:role/Role{i}\nsource_profile = keys{}\nregion = us-east-1\n{}\n",
                i + 1,
                if i % 4 == 0 {
                    "mfa_serial = arn:aws:iam::444455556666:mfa/dev\n"
                } else {
                    ""
                }
            );
        } else {
            let _ = write!(config, "[profile keys{i}]\nregion = us-west-2\n\n");
            let _ = write!(
                credentials,
                "[keys{i}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = {}\n\n",
                "s".repeat(40)
            );
        }
    }
    let (config_path, credentials_path) = (
        dir.join(format!("config-{n}")),
        dir.join(format!("credentials-{n}")),
    );
    fs_err::write(&config_path, config)?;
    fs_err::write(&credentials_path, credentials)?;
    Ok((config_path, credentials_path))
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
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let mut bench = prepare(runs)?;
    warm_credentials(&mut bench)?;
    cold_credentials(&mut bench)?;
    headless_init(&mut bench)?;
    next_to_the_original(&mut bench)?;
    profiles_at_scale(&mut bench)?;
    cache_at_scale(&mut bench)?;
    write_reports(&bench.results, &machine(&bench.aws)?, runs)?;
    let work = bench.work.clone();
    drop(bench);
    let _ = fs_err::remove_dir_all(&work);
    Ok(())
}

/// A release build, moto, a home with the seed's profiles and a project, both tools' caches warm.
fn prepare(runs: usize) -> anyhow::Result<Bench> {
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
        work,
        home,
        project,
        runs,
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
    let (aws, runs) = (bench.aws.clone(), bench.runs);
    let version_args: &[&str] = &["--version"];
    bench.pair(
        "start-up (--version)",
        &["--version"],
        Some((&aws, version_args)),
        runs,
    )?;
    bench.pair(
        "warm credentials: whoami (GetCallerIdentity)",
        &["aws", "whoami"],
        Some((&aws, WHOAMI_PEER)),
        runs,
    )?;
    bench.pair(
        "warm credentials: aws credentials (no AWS call)",
        &["aws", "credentials"],
        None,
        runs,
    )
}

/// Both caches emptied before every run, the MFA code supplied, STS calls counted.
fn cold_credentials(bench: &mut Bench) -> anyhow::Result<()> {
    let (amplify, aws, home, project) = (
        bench.amplify.clone(),
        bench.aws.clone(),
        bench.home.clone(),
        bench.project.clone(),
    );
    let runs = bench.runs;
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
    let case = "cold credentials: whoami, MFA code given";
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

/// The original CLI next to amplify-rs: a headless init each (the static profile for both: the original
/// cannot use the role with MFA), and `amplify status` run directly and through `amplify-rs exec`.
fn next_to_the_original(bench: &mut Bench) -> anyhow::Result<()> {
    let original = setup::original_cli_dir().join("node_modules/.bin/amplify");
    let runs = bench.runs.min(5);
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
    let case = "headless init --yes, static keys (CreateStack + S3 state + files)";
    bench.results.push(stats(case, "amplify-rs", &mine, None));
    bench
        .results
        .push(stats(case, "original CLI 14.2.2", &theirs, None));
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
    let case = "amplify status: through amplify-rs exec, and alone";
    bench
        .results
        .push(stats(case, "amplify-rs exec", &mine, None));
    bench
        .results
        .push(stats(case, "original CLI 14.2.2", &theirs, None));
    eprintln!("bench: amplify status done");
    Ok(())
}

/// Headless init end to end, a new folder each time.
fn headless_init(bench: &mut Bench) -> anyhow::Result<()> {
    let mut inits = Vec::new();
    for i in 0..bench.runs {
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
    bench.results.push(stats(
        "headless init --yes, role + MFA (AssumeRole + CreateStack + S3 state + files)",
        "amplify-rs",
        &inits,
        None,
    ));
    eprintln!("bench: init done");
    Ok(())
}

fn profiles_at_scale(bench: &mut Bench) -> anyhow::Result<()> {
    let aws = bench.aws.clone();
    for n in [100usize, 1_000, 10_000, 100_000] {
        let (config, credentials) = write_profiles(&bench.work, n)?;
        let scaled_runs = if n >= 100_000 {
            bench.runs.min(5)
        } else {
            bench.runs
        };
        bench.env.extra = vec![
            ("AWS_CONFIG_FILE".into(), config.display().to_string()),
            (
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                credentials.display().to_string(),
            ),
        ];
        let last_role = format!("role{}", (n - 2) / 2 * 2);
        // AWS CLI v1 has no `configure list-profiles`: its library, botocore, lists them the same way.
        let python = setup::venv().join("bin/python");
        let list_peer: &[&str] = &[
            "-c",
            "import botocore.session as s; print(chr(10).join(s.Session().available_profiles))",
        ];
        bench.pair(
            &format!("list {n} profiles"),
            &["aws", "profiles"],
            Some((&python, list_peer)),
            scaled_runs,
        )?;
        let get_peer: Vec<&str> = vec!["configure", "get", "role_arn", "--profile", &last_role];
        bench.pair(
            &format!("resolve 1 of {n} profiles"),
            &["aws", "profiles", &last_role],
            Some((&aws, &get_peer)),
            scaled_runs,
        )?;
        bench.env.extra.clear();
    }
    Ok(())
}

/// Cache lookups with 10,000 other projects cached.
fn cache_at_scale(bench: &mut Bench) -> anyhow::Result<()> {
    let cache_path = bench.home.join(".amplify/awscloudformation/cache.json");
    bench.env.sample(
        &bench.amplify,
        &["aws", "credentials"],
        &bench.project,
        &[],
        None,
    )?;
    let mut cache: serde_json::Value = serde_json::from_str(&fs_err::read_to_string(&cache_path)?)?;
    let projects = cache["amplify-rs"]["projects"]
        .as_object_mut()
        .context("the cache holds our project")?;
    let ours = projects
        .values()
        .next()
        .cloned()
        .context("the cache holds our project")?;
    for i in 0..10_000 {
        projects.insert(format!("/home/dev/projects/p{i:05}"), ours.clone());
    }
    fs_err::write(&cache_path, serde_json::to_string_pretty(&cache)?)?;
    let runs = bench.runs;
    bench.pair(
        "aws credentials with 10,000 projects cached",
        &["aws", "credentials"],
        None,
        runs,
    )
}

/// The machine and the versions measured, for the report.
fn machine(aws: &Path) -> anyhow::Result<String> {
    Ok(format!(
        "{} ({} cores), Linux {}; {}; {}; moto {}; measured {}",
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
        version(
            &setup::venv().join("bin/python"),
            &["-c", "import moto; print(moto.__version__)"]
        ),
        version(Path::new("date"), &["-u", "+%Y-%m-%d %H:%M UTC"]),
    ))
}

fn write_reports(results: &[Stats], machine: &str, runs: usize) -> anyhow::Result<()> {
    let mut md = String::from("# Performance\n\n");
    let _ = writeln!(
        md,
        "Produced by `cargo xtask bench` (release build, {runs} runs per case unless noted; 100,000-profile cases 5 runs). \
Each figure is the median wall time of a whole process, with the 25th-75th percentile in brackets, and its median peak \
memory (maximum resident set). `amplify-rs` and its peer alternate in the same run against the same local STS and \
CloudFormation (moto on loopback), so the ratio holds even when the machine is noisy. Ratio = peer median / amplify-rs median.\n\nMachine: {machine}\n"
    );
    md.push_str("| case | amplify-rs | peak memory | peer | peer time | peer memory | ratio |\n|---|---|---|---|---|---|---|\n");
    let mut i = 0;
    while i < results.len() {
        let ours = &results[i];
        let peer = results
            .get(i + 1)
            .filter(|p| p.case == ours.case && p.tool != "amplify-rs");
        let calls = |s: &Stats| {
            s.sts_calls
                .map(|c| format!(", {c} STS calls"))
                .unwrap_or_default()
        };
        let time = |s: &Stats| {
            format!(
                "{:.1} ms [{:.1}-{:.1}]{}",
                s.median_ms,
                s.p25_ms,
                s.p75_ms,
                calls(s)
            )
        };
        let mem = |s: &Stats| format!("{:.1} MiB", s.max_rss_kb as f64 / 1024.0);
        match peer {
            Some(peer) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {:.1}x |",
                    ours.case,
                    time(ours),
                    mem(ours),
                    peer.tool,
                    time(peer),
                    mem(peer),
                    peer.median_ms / ours.median_ms
                );
                i += 2;
            }
            None => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | - | - | - | - |",
                    ours.case,
                    time(ours),
                    mem(ours)
                );
                i += 1;
            }
        }
    }
    md.push_str("\nPeers: `aws --version`; `aws sts get-caller-identity --profile bizcorprole` (the AWS CLI's own cache at \
`~/.aws/cli/cache`, warm or emptied like ours; the cold runs feed it the MFA code on stdin); for listing, botocore's \
`Session().available_profiles` in the AWS CLI's own Python (AWS CLI v1 has no `configure list-profiles`); for resolving, \
`aws configure get role_arn --profile P`. The original Amplify CLI is not measured: it is not installed here.\n");
    fs_err::write(root().join("docs/performance.md"), md)?;

    let rows: Vec<serde_json::Value> = results
        .iter()
        .map(|s| {
            serde_json::json!({
                "case": s.case, "tool": s.tool, "runs": s.runs,
                "median_ms": s.median_ms, "p25_ms": s.p25_ms, "p75_ms": s.p75_ms, "min_ms": s.min_ms, "max_ms": s.max_ms,
                "max_rss_kb": s.max_rss_kb, "sts_calls_per_run": s.sts_calls,
            })
        })
        .collect();
    let json =
        serde_json::to_string_pretty(&serde_json::json!({"machine": machine, "results": rows}))?
            + "\n";
    fs_err::write(root().join("docs/performance.json"), json)?;
    println!("wrote docs/performance.md and docs/performance.json");
    Ok(())
}
