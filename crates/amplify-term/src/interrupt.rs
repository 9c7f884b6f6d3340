//! What Ctrl-C means depends on what the command is doing. Before anything is sent away, nothing was
//! written; once work has started elsewhere (a stack being created in AWS), stopping here does not stop it,
//! and the person is told what may be left; while files are written, stopping half way is what must never
//! happen, so the interrupt waits for the writes to finish. Commands say which phase they are in with
//! [`Phase::enter`]. Whatever stops the process first gives the terminal back as it was (echo on, cursor
//! shown) and exits with [`EXIT_CODE`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use console::style;

use crate::printer::stderr_line;

/// The exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_CODE: u8 = 130;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Idle,
    /// Work started elsewhere that Ctrl-C cannot take back (CreateStack sent): what to tell the person.
    Started(String),
    /// Files being written: Ctrl-C waits until they all are (the message names them as project files).
    Writing,
    /// A child program is running: it gets Ctrl-C from the terminal itself, and this process waits for it.
    Child,
}

static PHASE: Mutex<Phase> = Mutex::new(Phase::Idle);
/// The terminal's settings when the command started: a prompt that hides what is typed turns echo off, and
/// an interrupt in the middle of it must not leave the person's terminal that way.
static TERMINAL: std::sync::OnceLock<rustix::termios::Termios> = std::sync::OnceLock::new();
static PENDING: AtomicBool = AtomicBool::new(false);

impl Phase {
    /// Enters this phase until the guard is dropped (then back to the phase before).
    pub fn enter(self) -> PhaseGuard {
        let previous = std::mem::replace(&mut *PHASE.lock().expect("phase lock"), self);
        PhaseGuard {
            previous: Some(previous),
        }
    }
}

#[derive(Debug)]
pub struct PhaseGuard {
    previous: Option<Phase>,
}

impl Drop for PhaseGuard {
    fn drop(&mut self) {
        let leaving = std::mem::replace(
            &mut *PHASE.lock().expect("phase lock"),
            self.previous.take().unwrap_or(Phase::Idle),
        );
        if leaving == Phase::Writing && PENDING.load(Ordering::SeqCst) {
            stop("Interrupted after the project files were written completely.");
        }
    }
}

/// Set by the first thread that stops the process: a prompt's read and the signal handler can both see the
/// same Ctrl-C, and only one of them prints.
static STOPPING: AtomicBool = AtomicBool::new(false);

fn stop(message: &str) -> ! {
    if STOPPING.swap(true, Ordering::SeqCst) {
        // The other thread is exiting; wait for it.
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
    restore_terminal();
    // A prompt drawn an instant ago may still be turning echo off on the main thread: give it that instant,
    // then restore again, so the person's terminal is never left without echo.
    std::thread::sleep(std::time::Duration::from_millis(100));
    restore_terminal();
    let _ = console::Term::stderr().show_cursor();
    stderr_line(&format!("\n{}", style(message).yellow()));
    std::process::exit(i32::from(EXIT_CODE));
}

fn restore_terminal() {
    if let Some(saved) = TERMINAL.get() {
        let _ = rustix::termios::tcsetattr(
            std::io::stdin(),
            rustix::termios::OptionalActions::Now,
            saved,
        );
    }
}

/// What Ctrl-C means now. The signal handler calls it; so does a prompt whose read was interrupted by the
/// signal (the read fails with EINTR before the handler's thread runs), so the outcome does not depend on
/// which comes first.
pub fn interrupted() {
    let phase = PHASE.lock().map(|p| p.clone()).unwrap_or(Phase::Idle);
    match phase {
        Phase::Idle => stop("Interrupted: nothing was written."),
        Phase::Started(what) => stop(&what),
        Phase::Writing => PENDING.store(true, Ordering::SeqCst),
        Phase::Child => {}
    }
}

/// Ctrl-C reaches the process as SIGINT (dialoguer re-raises it from a prompt).
pub fn install_handler() {
    if let Ok(termios) = rustix::termios::tcgetattr(std::io::stdin()) {
        let _ = TERMINAL.set(termios);
    }
    let _ = ctrlc::set_handler(interrupted);
}
