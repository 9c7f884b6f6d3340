//! amplify-rs at the terminal, without knowing any command: one [`Printer`] decides where messages, data
//! and spinners go; a [`Prompter`] asks questions through it so that no spinner ever covers a prompt; and
//! [`interrupt`] decides what Ctrl-C means in the phase the command says it is in, and gives the person
//! their terminal back as it was. The commands, with the original CLI's words, are in `amplify-cli`.
//!
//! What this crate does shows only at a real terminal, so it is tested there: through the binary in a
//! pseudo-terminal (`amplify-cli/tests/it`: `init_interactive::ctrl_c_at_a_prompt_writes_nothing`,
//! `init_interactive::the_terminal_is_restored_after_ctrl_c_at_each_prompt`,
//! `settings::settings_progress_and_color_reach_the_terminal`, and every interactive test's prompts).

pub mod interrupt;
mod printer;
mod prompt;

pub use printer::{Printer, Spinner, stderr_line, write_stdout};
pub use prompt::{PromptError, Prompter};
