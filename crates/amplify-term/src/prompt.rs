//! The prompts, drawn by dialoguer on stderr. Every prompt goes through
//! [`Printer::suspend`] so a spinner never covers it, and an answer that fails validation is asked again
//! with the reason, never ending the command.

use dialoguer::theme::{ColorfulTheme, Theme as _};
use dialoguer::{Confirm, FuzzySelect, Input, Password, Select};

use crate::printer::Printer;

/// Why a question got no answer.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// Esc or `q`: the person chose not to answer.
    #[error("cancelled")]
    Cancelled,
    #[error("cannot read from the terminal: {0}")]
    Terminal(#[source] std::io::Error),
}

type Result<T> = std::result::Result<T, PromptError>;

fn theme() -> ColorfulTheme {
    ColorfulTheme::default()
}

/// Turns dialoguer's errors into ours: Esc or `q` is a cancellation, anything else an I/O failure.
fn answered<T>(result: dialoguer::Result<Option<T>>) -> Result<T> {
    read(result)?.ok_or(PromptError::Cancelled)
}

/// A read that Ctrl-C interrupted is handled as Ctrl-C (see [`crate::interrupt::interrupted`]).
fn read<T>(result: dialoguer::Result<T>) -> Result<T> {
    result.map_err(|dialoguer::Error::IO(e)| {
        if e.kind() == std::io::ErrorKind::Interrupted {
            crate::interrupt::interrupted();
        }
        PromptError::Terminal(e)
    })
}

#[derive(Debug)]
pub struct Prompter<'a> {
    printer: &'a Printer,
}

impl<'a> Prompter<'a> {
    pub fn new(printer: &'a Printer) -> Self {
        Self { printer }
    }

    /// A line of text with a default, re-asked until `validate` accepts it.
    pub fn text(
        &self,
        prompt: &str,
        default: Option<&str>,
        validate: impl Fn(&str) -> std::result::Result<(), String>,
    ) -> Result<String> {
        self.printer.suspend(|| {
            let theme = theme();
            let mut input = Input::<String>::with_theme(&theme).with_prompt(prompt.trim_end());
            if let Some(default) = default {
                input = input.default(default.to_string());
            }
            read(
                input
                    .validate_with(|value: &String| validate(value.trim()))
                    .interact_text(),
            )
            .map(|s| s.trim().to_string())
        })
    }

    /// Hidden input (secret keys, MFA codes): what is typed never reaches the screen.
    pub fn secret(
        &self,
        prompt: &str,
        validate: impl Fn(&str) -> std::result::Result<(), String>,
    ) -> Result<String> {
        self.printer.suspend(|| {
            let theme = theme();
            read(
                Password::with_theme(&theme)
                    .with_prompt(prompt.trim_end())
                    .validate_with(|value: &String| validate(value.trim()))
                    .interact(),
            )
            .map(|s| s.trim().to_string())
        })
    }

    pub fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        self.printer.suspend(|| {
            let theme = theme();
            answered(
                Confirm::with_theme(&theme)
                    .with_prompt(prompt)
                    .default(default)
                    .interact_opt(),
            )
        })
    }

    /// One of `items`, with the arrow keys.
    pub fn select<S: std::fmt::Display>(
        &self,
        prompt: &str,
        items: &[S],
        default: usize,
    ) -> Result<usize> {
        self.printer.suspend(|| {
            let theme = theme();
            answered(
                Select::with_theme(&theme)
                    .with_prompt(prompt)
                    .items(items)
                    .default(default)
                    .interact_opt(),
            )
        })
    }

    /// One of `items`, with the arrow keys or by typing part of it.
    /// The answer is reported as `answer(index)` (say, a profile's name without its description).
    pub fn pick<S: std::fmt::Display>(
        &self,
        prompt: &str,
        items: &[S],
        default: usize,
        answer: impl Fn(usize) -> String,
    ) -> Result<usize> {
        self.printer.suspend(|| {
            let theme = theme();
            let index = answered(
                FuzzySelect::with_theme(&theme)
                    .with_prompt(prompt)
                    .items(items)
                    .default(default)
                    .max_length(12)
                    .report(false)
                    .interact_opt(),
            )?;
            let mut report = String::new();
            let _ = theme.format_input_prompt_selection(&mut report, prompt, &answer(index));
            crate::printer::stderr_line(&report);
            Ok(index)
        })
    }
}

impl Prompter<'_> {
    /// A line printed between questions.
    pub fn info(&self, line: &str) {
        self.printer.info(line);
    }
}
