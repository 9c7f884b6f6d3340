//! `cargo xtask demo`: what a Dev Corp developer sees, on this machine and nothing else. A moto server plays
//! Biz Corp's STS and CloudFormation; a temporary HOME holds the seed's `~/.aws/config` (the role profile
//! `bizcorprole` with MFA and an external ID) and `~/.aws/credentials` (the user `devcorpuser`); then
//! `amplify-rs init` runs in the terminal. moto accepts any 6-digit MFA code. Without a terminal the demo runs
//! the headless form instead. `--keep` leaves the temporary HOME for a look around.

use std::io::IsTerminal as _;
use std::process::Command;

use anyhow::Context as _;

use crate::moto::Moto;
use crate::{cargo, root, run_checked, setup};

pub const CONFIG: &str = include_str!("../../fixtures/aws-files/seed/config");

pub const CREDENTIALS: &str = include_str!("../../fixtures/aws-files/seed/credentials");

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let keep = args.iter().any(|a| a == "--keep");
    setup::run()?;
    run_checked(cargo().args(["build", "--quiet", "-p", "amplify-cli"]))?;
    let binary = root().join("target/debug/amplify-rs");

    let home = std::env::temp_dir().join(format!("amplify-rs-demo-{}", std::process::id()));
    fs_err::create_dir_all(home.join(".aws"))?;
    fs_err::create_dir_all(home.join("myapp"))?;
    fs_err::write(home.join(".aws/config"), CONFIG)?;
    fs_err::write(home.join(".aws/credentials"), CREDENTIALS)?;
    let moto = Moto::start().context("cannot start the local STS and CloudFormation")?;

    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    println!(
        "A local STS and CloudFormation (moto) listen on {}.",
        moto.endpoint()
    );
    println!("HOME is {} with the seed's two profiles:\n", home.display());
    println!("~/.aws/config\n{CONFIG}\n~/.aws/credentials\n{CREDENTIALS}");
    if interactive {
        println!(
            "Pick `bizcorprole` in the list; moto accepts any 6-digit MFA code (try 123456).\n"
        );
    } else {
        println!("No terminal: running the headless form with AMPLIFY_RS_MFA_CODE=123456.\n");
    }

    let env = |command: &mut Command| {
        command
            .current_dir(home.join("myapp"))
            .env_clear()
            .env("HOME", &home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env(
                "TERM",
                std::env::var_os("TERM").unwrap_or_else(|| "xterm-256color".into()),
            )
            .env("AWS_ENDPOINT_URL", moto.endpoint())
            .env("AWS_EC2_METADATA_DISABLED", "true");
    };
    let mut init = Command::new(&binary);
    init.arg("init");
    env(&mut init);
    if !interactive {
        init.args(["--yes", "--providers", r#"{"awscloudformation":{"configLevel":"project","useProfile":true,"profileName":"bizcorprole"}}"#]);
        init.env("AMPLIFY_RS_MFA_CODE", "123456");
    }
    let status = init.status()?;
    if status.success() {
        println!("\nThe project's files:");
        let mut tree = Command::new("find");
        tree.args([".", "-type", "f"])
            .current_dir(home.join("myapp"));
        let _ = tree.status();
        println!(
            "\nThe credential cache is {}/.amplify/awscloudformation/cache.json (mode 0600).",
            home.display()
        );
        println!(
            "Run init again in the project to add an environment: no MFA prompt, the cached session is reused."
        );
    }
    if keep {
        println!("\nKept {} (moto has stopped).", home.display());
    } else {
        let _ = fs_err::remove_dir_all(&home);
    }
    drop(moto);
    if !status.success() {
        anyhow::bail!("amplify-rs init exited with {status}");
    }
    Ok(())
}
