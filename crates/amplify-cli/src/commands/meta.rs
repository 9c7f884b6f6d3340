//! Commands about the command line itself: shell completions, and the Markdown reference that
//! `cargo xtask docs` writes to `docs/reference.md` (a test fails when that file is stale).

use clap::CommandFactory as _;

use crate::cli::Cli;
use amplify_term::write_stdout;

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "amplify-rs", &mut out);
    Ok(write_stdout(&out)?)
}

/// Every command's `--help`, in Markdown, at a fixed width and without colour so the output is stable.
pub fn reference() -> anyhow::Result<()> {
    let mut root = Cli::command()
        .term_width(100)
        .color(clap::ColorChoice::Never);
    root.build();
    let mut text = String::from(
        "# Command reference\n\nGenerated from the command line's definition by `cargo xtask docs`; a test fails when this file is stale.\nSee [commands.md](commands.md) for what the commands do and the exit codes.\n",
    );
    render(&mut root, "amplify-rs", &mut text);
    Ok(write_stdout(text.as_bytes())?)
}

fn render(command: &mut clap::Command, path: &str, out: &mut String) {
    let help = command.render_long_help().to_string();
    out.push_str(&format!(
        "\n## `{path}`\n\n```text\n{}\n```\n",
        help.trim_end()
    ));
    let names: Vec<String> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let sub = command.find_subcommand_mut(&name).expect("listed above");
        render(sub, &format!("{path} {name}"), out);
    }
}
