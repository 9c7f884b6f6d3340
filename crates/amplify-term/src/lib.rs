//! amplify-rs at the terminal, without knowing any command: one [`Printer`] decides where messages, data
//! and spinners go; a [`Prompter`] asks questions through it so that no spinner ever covers a prompt; and
//! [`interrupt`] decides what Ctrl-C means in the phase the command says it is in, and gives the person
//! their terminal back as it was. The commands, with the original CLI's words, are in `amplify-cli`.

pub mod interrupt;
mod printer;
mod prompt;

pub use printer::{Printer, Spinner, stderr_line, write_stdout};
pub use prompt::{PromptError, Prompter};
