//! Chaos: headless `amplify-rs init --yes` runs, each in its own HOME, through the fault proxy in front of
//! one moto, with faults drawn at random at a seeded rate on every AWS call (STS, CloudFormation, S3):
//! throttling in its three spellings, HTTP 500 and 503, connections reset before or after moto acted,
//! delays, and expired tokens; and one run in five whose root stack fails and rolls back. Each run must
//! either succeed whole (every project file parses, exactly one stack of its name, complete) or fail
//! cleanly (exit 1 or 3 with an `error:` line, no project file at all); the cache always parses and no
//! secret is printed. 20 runs in CI; `cargo xtask soak` sets `AMPLIFY_RS_CHAOS_RUNS=200`.
//!
//! Before the random runs, one run per kind of fault, each asserting the exit code, the message, the calls
//! moto and the proxy saw, and the files on disk.
//!
//! A failed run deletes the stack it created (`--yes`; a person is asked), so nothing is left in the account
//! unasked: the only stacks left are those whose deletion could not get credentials (a renewal that needed a
//! second MFA code), named with the command that deletes them.

use std::collections::BTreeMap;
use std::process::Stdio;

use amplify_test_support::{
    Call, CommandOutput, FailedStack, Fault, FaultProxy, Moto, Rule, TestContext,
};

use crate::common::*;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The seed role's session, as IAM names it in its refusals.
const ROLE_SESSION: &str = "arn:aws:sts::111122223333:assumed-role/BizCorpAmplifyRole/amplify";

/// How a run ended.
#[derive(Debug, Default)]
struct Tally {
    succeeded: usize,
    /// Failed runs by exit code and the first cause printed.
    failed: BTreeMap<String, usize>,
    /// Runs in which at least one fault was injected.
    faulted_runs: usize,
    /// Faults injected, by what the proxy did.
    faults: BTreeMap<String, usize>,
    /// Failed runs whose root stack exists in the account afterwards, by its status.
    stacks_left: BTreeMap<String, usize>,
    played_failures: usize,
}

fn init(ctx: &TestContext) -> CommandOutput {
    ctx.run_command(
        ctx.command(&["init", "--yes", "--providers", PROFILE_PROVIDERS])
            .env("AMPLIFY_RS_MFA_CODE", MFA_CODE)
            .stdin(Stdio::null()),
    )
}

/// A person whose stack failed is asked before it is deleted; one who keeps it is told how to delete it.
#[test]
fn a_person_is_asked_before_a_failed_stack_is_deleted() {
    let bench = Bench::start();
    bench
        .proxy
        .play_failed_stack(FailedStack::roles_denied(ROLE_SESSION));
    let ctx = bench.context();
    let mut pty = ctx.pty(&["init"]);
    accept_the_defaults(&mut pty);
    pty.enter();
    pty.expect("Please choose the profile you want to use");
    pty.send("bizcorp");
    pty.enter();
    pty.expect("Enter the MFA token code:");
    pty.send_line(MFA_CODE);
    pty.expect("so nothing is left in the account?");
    pty.send("n");
    pty.enter();
    assert_eq!(pty.wait(), 3, "{}", pty.screen());
    let screen = pty.screen();
    assert!(
        screen.contains("The following resources failed to deploy:"),
        "{screen}"
    );
    assert!(
        screen.contains("was left in the account; to delete it: aws cloudformation delete-stack --stack-name amplify-myapp-dev-"),
        "{screen}"
    );
    assert!(project_files(&ctx).is_empty());
    assert!(
        bench.proxy.calls("DeleteStack").is_empty(),
        "nothing deleted unasked"
    );
}

/// One moto and one proxy for many runs, each run in its own HOME.
struct Bench {
    moto: Moto,
    proxy: FaultProxy,
}

impl Bench {
    fn start() -> Bench {
        let moto = Moto::start();
        // moto loads each service on its first call, longer than the attempt limit below.
        moto.call("cloudformation", &[("Action", "ListStacks")]);
        moto.call("sts", &[("Action", "GetCallerIdentity")]);
        let proxy = FaultProxy::start(&moto.endpoint());
        Bench { moto, proxy }
    }

    /// A fresh HOME with the seed's profiles, its AWS calls through the proxy.
    fn context(&self) -> TestContext {
        TestContext::new(env!("CARGO_BIN_EXE_amplify-rs"))
            .with_seed_profiles()
            .env("AWS_ENDPOINT_URL", &self.proxy.endpoint())
            .env("AMPLIFY_RS_AWS_TIMEOUT", "2")
    }

    /// Forgets the last run's rules, play and exchanges.
    fn reset(&self) {
        self.proxy.clear_rules();
        self.proxy.cancel_failed_stack();
        self.proxy.take_exchanges();
    }
}

/// What one run of one fault kind must show.
struct Case {
    name: &'static str,
    rule: Option<Rule>,
    play: bool,
    exit: i32,
    /// Said on stderr.
    says: &'static [&'static str],
    /// (action, exchanges the proxy saw, of which forwarded to moto)
    calls: &'static [(&'static str, usize, usize)],
    /// The stack's status in the account afterwards (moto's own; a played rollback shows CREATE_COMPLETE).
    stack: Option<&'static str>,
}

fn on(service: &str, action: &str) -> Rule {
    Rule::on(Call::action(service, action))
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "sts throttled once",
            rule: Some(on("sts", "AssumeRole").nth(1).answer(Fault::throttling())),
            play: false,
            exit: 0,
            says: &[
                "sts:AssumeRole: AWS answered Throttling (HTTP 400); retrying (attempt 2 of 3)",
            ],
            calls: &[("AssumeRole", 2, 1), ("CreateStack", 1, 1)],
            stack: Some("CREATE_COMPLETE"),
        },
        Case {
            name: "cloudformation 500 once",
            rule: Some(
                on("cloudformation", "CreateStack")
                    .nth(1)
                    .answer(Fault::internal_failure()),
            ),
            play: false,
            exit: 0,
            says: &[
                "cloudformation:CreateStack: AWS answered InternalFailure (HTTP 500); retrying (attempt 2 of 3)",
            ],
            calls: &[("CreateStack", 2, 1)],
            stack: Some("CREATE_COMPLETE"),
        },
        Case {
            name: "connection dropped after CreateStack was taken",
            rule: Some(
                on("cloudformation", "CreateStack")
                    .nth(1)
                    .answer(Fault::reset_after_forwarding()),
            ),
            play: false,
            exit: 0,
            says: &[],
            calls: &[("CreateStack", 2, 1)],
            stack: Some("CREATE_COMPLETE"),
        },
        Case {
            name: "s3 slowed down once",
            rule: Some(on("s3", "PutObject").nth(1).answer(Fault::slow_down())),
            play: false,
            exit: 0,
            says: &[],
            calls: &[("PutObject", 5, 4)],
            stack: Some("CREATE_COMPLETE"),
        },
        Case {
            name: "cloudformation throttled on every attempt",
            rule: Some(on("cloudformation", "CreateStack").answer(Fault::throttling())),
            play: false,
            exit: 3,
            says: &[
                ": Throttling: Rate exceeded",
                "hint: AWS is limiting the account's request rate: wait a minute and run the command again",
            ],
            calls: &[("CreateStack", 3, 0)],
            stack: None,
        },
        Case {
            name: "cloudformation 503 on every attempt",
            rule: Some(on("cloudformation", "CreateStack").answer(Fault::service_unavailable())),
            play: false,
            exit: 3,
            says: &[
                ": ServiceUnavailable: The request has failed due to a temporary failure of the server.",
                "hint: AWS failed on its side on every attempt",
            ],
            calls: &[("CreateStack", 3, 0)],
            stack: None,
        },
        Case {
            name: "s3 refusing the state upload",
            rule: Some(on("s3", "PutObject").answer(Fault::access_denied())),
            play: false,
            exit: 3,
            says: &[
                "could not be stored in its deployment bucket",
                "AccessDenied: Access Denied",
                "Deleted stack amplify-myapp-dev-",
                "error: Initialization of project failed; the stack amplify-myapp-dev-",
            ],
            calls: &[("CreateStack", 1, 1), ("PutObject", 1, 0)],
            stack: Some("DELETE_COMPLETE"),
        },
        Case {
            name: "sts throttled on every attempt",
            rule: Some(on("sts", "AssumeRole").answer(Fault::throttling())),
            play: false,
            exit: 3,
            says: &["Throttling: Rate exceeded"],
            calls: &[("AssumeRole", 3, 0), ("CreateStack", 0, 0)],
            stack: None,
        },
        Case {
            name: "expired token during the wait, one MFA code given",
            rule: Some(
                on("cloudformation", "DescribeStacks")
                    .nth(1)
                    .answer(Fault::expired_token()),
            ),
            play: false,
            exit: 1,
            says: &["cannot renew the credentials while working on stack"],
            calls: &[("AssumeRole", 1, 1), ("DescribeStacks", 1, 0)],
            stack: Some("CREATE_COMPLETE"),
        },
        Case {
            name: "a root stack that fails and rolls back",
            rule: None,
            play: true,
            exit: 3,
            says: &[
                "it ended in ROLLBACK_COMPLETE",
                "The following resources failed to deploy:",
                "AuthRole (AWS::IAM::Role): Resource handler returned message: \"User: arn:aws:sts::111122223333:assumed-role/BizCorpAmplifyRole/amplify is not authorized to perform: iam:CreateRole",
                "UnauthRole (AWS::IAM::Role): Resource creation cancelled",
                "Deleted stack amplify-myapp-dev-",
                "hint: fix the cause shown above (often a permission the role lacks), then run the command again",
            ],
            calls: &[("CreateStack", 1, 1), ("PutObject", 0, 0)],
            stack: Some("DELETE_COMPLETE"),
        },
    ]
}

#[test]
fn each_kind_of_fault_through_the_binary() {
    let bench = Bench::start();
    for case in cases() {
        bench.reset();
        if let Some(rule) = case.rule {
            bench.proxy.add(rule);
        }
        if case.play {
            bench
                .proxy
                .play_failed_stack(FailedStack::roles_denied(ROLE_SESSION));
        }
        let ctx = bench.context();
        let out = init(&ctx);
        let exchanges = bench.proxy.take_exchanges();
        let context = format!("{}: exit {:?}\n{}", case.name, out.code, out.all());
        assert_eq!(out.code, Some(case.exit), "{context}");
        for said in case.says {
            assert!(out.stderr.contains(said), "missing {said:?}\n{context}");
        }
        for (action, seen, forwarded) in case.calls {
            let of: Vec<_> = exchanges.iter().filter(|e| e.action == *action).collect();
            assert_eq!(of.len(), *seen, "{action} seen by the proxy\n{context}");
            let reached = of.iter().filter(|e| e.forwarded).count();
            assert_eq!(reached, *forwarded, "{action} reaching moto\n{context}");
        }
        if case.exit == 0 {
            for file in PROJECT_FILES {
                let text = fs_err::read_to_string(ctx.project_dir().join(file))
                    .unwrap_or_else(|e| panic!("{file}: {e}\n{context}"));
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{file}: {e}\n{context}"));
            }
        } else {
            assert!(
                project_files(&ctx).is_empty(),
                "{:?}\n{context}",
                project_files(&ctx)
            );
        }
        let create = exchanges.iter().find(|e| e.action == "CreateStack");
        let in_account = create
            .map(|c| stacks_named(&bench.moto, &c.access_key, &c.params["StackName"]))
            .unwrap_or_default();
        assert_eq!(
            in_account.first().map(String::as_str),
            case.stack,
            "{context}"
        );
        assert!(in_account.len() <= 1, "{in_account:?}\n{context}");
        assert_no_secrets(&ctx, &[&out.stdout, &out.stderr]);
    }
}

/// The statuses of the stacks named `name` in the account of `access_key`.
fn stacks_named(moto: &Moto, access_key: &str, name: &str) -> Vec<String> {
    let xml = moto.call_as(access_key, "cloudformation", &[("Action", "ListStacks")]);
    xml.split("<member>")
        .filter(|m| m.contains(&format!("<StackName>{name}</StackName>")))
        .filter_map(|m| {
            let start = m.find("<StackStatus>")? + "<StackStatus>".len();
            let end = m[start..].find("</StackStatus>")? + start;
            Some(m[start..end].to_string())
        })
        .collect()
}

/// The first cause the error printed, with the run's names taken out, for the tally.
fn first_cause(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("Caused by:"))
        .or_else(|| stderr.lines().find(|l| l.starts_with("error:")))
        .unwrap_or("(no error line)");
    let mut line: String = line
        .split_whitespace()
        .take(14)
        .collect::<Vec<_>>()
        .join(" ");
    // The stack's random suffix, wherever it appears (the stack, its bucket).
    while let Some(at) = line.find("amplify-myapp-dev-") {
        let end = (at + "amplify-myapp-dev-".len() + 5).min(line.len());
        line.replace_range(at..end, "STACK");
    }
    line
}

#[test]
fn headless_inits_under_random_faults_succeed_whole_or_fail_cleanly() {
    let runs = setting("AMPLIFY_RS_CHAOS_RUNS", 20);
    let seed = setting("AMPLIFY_RS_CHAOS_SEED", 20261129);
    let rate = setting("AMPLIFY_RS_CHAOS_RATE_PERCENT", 15) as f64 / 100.0;
    eprintln!(
        "chaos: {runs} headless inits, faults on {:.0}% of calls, seed {seed}",
        rate * 100.0
    );
    let bench = Bench::start();
    let (moto, proxy) = (&bench.moto, &bench.proxy);
    let mut faults = Fault::transient_mix();
    faults.push(Fault::expired_token());
    let mut tally = Tally::default();
    for run in 0..runs {
        bench.reset();
        proxy.add(
            Rule::on(Call::any())
                .with_probability(rate, seed.wrapping_add(run))
                .answer_one_of(faults.clone()),
        );
        let played = (seed.wrapping_add(run)) % 5 == 0;
        if played {
            proxy.play_failed_stack(FailedStack::roles_denied(ROLE_SESSION));
        }
        let ctx = bench.context();
        let out = init(&ctx);
        let exchanges = proxy.take_exchanges();
        check_run(run, &ctx, &out, &exchanges, moto, played, &mut tally);
    }
    eprintln!("chaos: {tally:#?}");
    assert!(
        tally.faulted_runs > 0,
        "the proxy injected nothing: the test proved nothing"
    );
    assert!(
        tally.succeeded > 0,
        "no run succeeded: the faults are not survivable at this rate"
    );
}

/// One run's result: whole or clean, never half.
fn check_run(
    run: u64,
    ctx: &TestContext,
    out: &CommandOutput,
    exchanges: &[amplify_test_support::Exchange],
    moto: &Moto,
    played: bool,
    tally: &mut Tally,
) {
    let context = || format!("run {run}: exit {:?}\n{}", out.code, out.all());
    let injected: Vec<&amplify_test_support::Exchange> =
        exchanges.iter().filter(|e| e.injected.is_some()).collect();
    let real_faults: Vec<&&amplify_test_support::Exchange> = injected
        .iter()
        .filter(|e| {
            !e.injected
                .as_deref()
                .unwrap_or_default()
                .starts_with("played")
                && !e
                    .injected
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("CreateStack answered again")
        })
        .collect();
    if !real_faults.is_empty() {
        tally.faulted_runs += 1;
    }
    for e in &real_faults {
        let what = e.injected.as_deref().unwrap_or_default();
        let kind = what.split(';').next().unwrap_or(what);
        let kind = if kind.starts_with("reset after") {
            "reset after moto answered"
        } else {
            kind
        };
        *tally.faults.entry(kind.to_string()).or_default() += 1;
    }
    assert!(!out.all().contains("panicked"), "{}", context());
    assert_no_secrets(ctx, &[&out.stdout, &out.stderr]);
    if ctx.cache_path().exists() {
        let text = fs_err::read_to_string(ctx.cache_path()).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{}\nthe cache does not parse: {e}", context()));
    }
    let creates: Vec<_> = exchanges
        .iter()
        .filter(|e| e.action == "CreateStack")
        .collect();
    let stack_name = creates.first().map(|c| c.params["StackName"].clone());
    assert!(
        creates
            .iter()
            .all(|c| Some(&c.params["StackName"]) == stack_name.as_ref()),
        "one stack name per run: {}",
        context()
    );
    // Every attempt of the run carried the same ClientRequestToken.
    let tokens: std::collections::BTreeSet<_> = creates
        .iter()
        .map(|c| c.params["ClientRequestToken"].clone())
        .collect();
    assert!(tokens.len() <= 1, "{tokens:?}: {}", context());
    let in_account = match (&stack_name, creates.first()) {
        (Some(name), Some(create)) => stacks_named(moto, &create.access_key, name),
        _ => Vec::new(),
    };
    assert!(
        in_account.len() <= 1,
        "a second stack of one name {in_account:?}: {}",
        context()
    );

    if out.code == Some(0) {
        tally.succeeded += 1;
        assert!(!played, "a played failure cannot succeed: {}", context());
        for file in PROJECT_FILES {
            let text = fs_err::read_to_string(ctx.project_dir().join(file))
                .unwrap_or_else(|e| panic!("{file}: {e}\n{}", context()));
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{file} does not parse: {e}\n{}", context()));
        }
        let providers =
            fs_err::read_to_string(ctx.project_dir().join("amplify/team-provider-info.json"))
                .unwrap();
        assert!(
            providers.contains(stack_name.as_deref().unwrap()),
            "{}",
            context()
        );
        assert_eq!(in_account, ["CREATE_COMPLETE"], "{}", context());
        return;
    }
    assert!(
        matches!(out.code, Some(1) | Some(3)),
        "not a clean failure: {}",
        context()
    );
    assert!(out.stderr.contains("error:"), "{}", context());
    assert!(
        project_files(ctx).is_empty(),
        "a failed init wrote {:?}: {}",
        project_files(ctx),
        context()
    );
    // A played run may fail for another fault first (an expired token whose renewal needs a second code).
    if played && out.stderr.contains("it ended in ROLLBACK_COMPLETE") {
        tally.played_failures += 1;
        assert!(
            out.all()
                .contains("The following resources failed to deploy:"),
            "{}",
            context()
        );
        assert!(
            out.all()
                .contains("is not authorized to perform: iam:CreateRole"),
            "{}",
            context()
        );
    }
    let key = format!(
        "exit {}: {}",
        out.code.unwrap_or(-1),
        first_cause(&out.stderr)
    );
    *tally.failed.entry(key).or_default() += 1;
    if let Some(status) = in_account.first().filter(|s| *s != "DELETE_COMPLETE") {
        // A failed run deletes the stack it created (--yes), unless the failure took the credentials the
        // deletion needs (a renewal that needed a second MFA code): then the stack is named with the
        // command that deletes it.
        assert!(
            out.stderr.contains("could not be deleted")
                || out.stderr.contains("cannot renew the credentials")
                || out.stderr.contains("was left in the account"),
            "a stack ({status}) left behind unasked: {}",
            context()
        );
        *tally.stacks_left.entry(status.clone()).or_default() += 1;
    }
}
