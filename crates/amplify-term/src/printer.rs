//! Where output goes. Messages for people, prompts and progress go to stderr, so stdout stays for data;
//! spinners are drawn only when stderr is a terminal, the printer is not quiet and the caller allows them;
//! colours are forced on or off by the caller, or follow the terminal and `NO_COLOR`; anything printed while
//! a spinner runs is printed above it; and a prompt always suspends the spinner first (the original Amplify
//! CLI once hid its MFA prompt under one).

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::Duration;

use console::style;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug)]
pub struct Printer {
    quiet: bool,
    verbose: bool,
    /// Spinners allowed (`ui.progress`).
    progress: bool,
    stderr_is_terminal: bool,
    stdin_is_terminal: bool,
    spinner: Mutex<Option<ProgressBar>>,
}

impl Printer {
    /// `progress`: whether spinners are allowed at all; `colors`: forced on or off, else (`None`) used when
    /// the output is a terminal and `NO_COLOR` is not set.
    pub fn new(quiet: bool, verbose: bool, progress: bool, colors: Option<bool>) -> Self {
        if let Some(colors) = colors {
            console::set_colors_enabled(colors);
            console::set_colors_enabled_stderr(colors);
        }
        Self {
            quiet,
            verbose,
            progress,
            stderr_is_terminal: std::io::stderr().is_terminal(),
            stdin_is_terminal: std::io::stdin().is_terminal(),
            spinner: Mutex::new(None),
        }
    }

    /// Whether prompts can be shown: a person at a terminal.
    pub fn is_interactive(&self) -> bool {
        self.stdin_is_terminal && self.stderr_is_terminal
    }

    fn emit(&self, line: &str) {
        let spinner = self.spinner.lock().expect("printer lock");
        match spinner.as_ref() {
            Some(bar) => bar.suspend(|| stderr_line(line)),
            None => stderr_line(line),
        }
    }

    /// A plain line, hidden by `--quiet`.
    pub fn info(&self, line: impl AsRef<str>) {
        if !self.quiet {
            self.emit(line.as_ref());
        }
    }

    pub fn blank(&self) {
        self.info("");
    }

    pub fn success(&self, line: impl AsRef<str>) {
        self.info(style(line.as_ref()).green().to_string());
    }

    /// Yellow, without prefix, as the original prints its notes.
    pub fn note(&self, line: impl AsRef<str>) {
        self.info(style(line.as_ref()).yellow().to_string());
    }

    /// Always shown, even with `--quiet`.
    pub fn warn(&self, line: impl AsRef<str>) {
        self.emit(&format!(
            "{} {}",
            style("warning:").yellow().bold(),
            line.as_ref()
        ));
    }

    /// Shown with `--verbose` only.
    pub fn debug(&self, line: impl AsRef<str>) {
        if self.verbose {
            self.emit(&format!("{} {}", style("debug:").dim(), line.as_ref()));
        }
    }

    /// Starts a spinner with `message`; it stops when the returned guard is dropped.
    pub fn spinner(&self, message: impl Into<String>) -> Spinner<'_> {
        let message = message.into();
        let bar = if self.stderr_is_terminal && !self.quiet && self.progress {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                    .expect("valid template")
                    .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
            );
            bar.set_message(message);
            bar.enable_steady_tick(Duration::from_millis(100));
            Some(bar)
        } else {
            self.info(format!("{message}..."));
            None
        };
        *self.spinner.lock().expect("printer lock") = bar;
        Spinner { printer: self }
    }

    /// Runs `f` (a prompt) with the spinner, if any, cleared from the screen.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        let bar = self.spinner.lock().expect("printer lock").clone();
        match bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

/// A running spinner; dropping it clears it.
#[derive(Debug)]
pub struct Spinner<'a> {
    printer: &'a Printer,
}

impl Drop for Spinner<'_> {
    fn drop(&mut self) {
        if let Some(bar) = self.printer.spinner.lock().expect("printer lock").take() {
            bar.finish_and_clear();
        }
    }
}

/// Writes a line to stderr. A closed stderr (`2>&-`, a reader gone) is not worth failing a command for:
/// unlike `eprintln!`, this never panics.
pub fn stderr_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Writes data to stdout. A reader that went away (`| head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
