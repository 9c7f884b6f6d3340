//! The binary in a pseudo-terminal (expectrl spawns it), with everything it prints fed to a terminal
//! emulator (vt100), so a test asserts the screen a person would see: prompts drawn and redrawn, spinners
//! cleared, colours ignored.

use std::io::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use expectrl::process::unix::{PtyStream, UnixProcess};
use ptyprocess::WaitStatus;

const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Pty {
    session: Session<UnixProcess, PtyStream>,
    parser: vt100::Parser,
    transcript: Vec<u8>,
    exit: Option<i32>,
    /// The HOME and project folder scanned for secrets when the program ends, and what was typed that is
    /// secret (MFA codes, keys).
    scan: Option<(std::path::PathBuf, std::path::PathBuf)>,
    typed: Vec<String>,
}

impl std::fmt::Debug for Pty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pty")
            .field("screen", &self.screen())
            .finish()
    }
}

impl Pty {
    pub fn spawn(command: Command, rows: u16, cols: u16) -> Self {
        let mut session = Session::spawn(command).expect("spawn in a pseudo-terminal");
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("set the window size");
        Self {
            session,
            parser: vt100::Parser::new(rows, cols, 1000),
            transcript: Vec::new(),
            exit: None,
            scan: None,
            typed: Vec::new(),
        }
    }

    /// Scans what the program showed and the files of `project` for secrets when it ends.
    pub fn scanned_in(mut self, home: &std::path::Path, project: &std::path::Path) -> Self {
        self.scan = Some((home.to_path_buf(), project.to_path_buf()));
        self
    }

    /// Whether the terminal echoes what is typed (a program must leave it so, even when interrupted).
    pub fn echo_is_on(&self) -> bool {
        self.session
            .get_process()
            .get_echo()
            .expect("read the terminal's settings")
    }

    /// Reads whatever is available; returns false at end of output.
    fn pump(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        match self.session.try_read(&mut buf) {
            Ok(0) => false,
            Ok(n) => {
                self.parser.process(&buf[..n]);
                self.transcript.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
                true
            }
            // EIO: the child closed the terminal.
            Err(_) => false,
        }
    }

    /// Reads what is available without waiting long; false once the program has closed its terminal.
    pub fn poll(&mut self) -> bool {
        self.pump()
    }

    /// Waits until the screen shows `text`; panics with the screen after a minute.
    pub fn expect(&mut self, text: &str) {
        let start = Instant::now();
        loop {
            if self.screen().contains(text) {
                return;
            }
            if !self.pump() {
                assert!(
                    self.screen().contains(text),
                    "the program ended without showing {text:?}:\n{}",
                    self.screen()
                );
                return;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {text:?}; the screen is:\n{}",
                self.screen()
            );
        }
    }

    /// Types `text` (no Enter).
    pub fn send(&mut self, text: &str) {
        self.session.write_all(text.as_bytes()).unwrap();
        self.session.flush().unwrap();
        // Let the program read it before anything else is typed: terminals deliver keys one by one.
        std::thread::sleep(Duration::from_millis(50));
    }

    /// Types `text` and Enter.
    /// Types `text` and Enter. A line shaped like an MFA code (six digits) or a secret key (40 characters
    /// of base64) is remembered as a secret: it must never be shown.
    pub fn send_line(&mut self, text: &str) {
        let code = text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit());
        let key = text.len() == 40
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/+=".contains(&b));
        if code || key {
            self.typed.push(text.to_string());
        }
        self.send(text);
        self.send("\r");
    }

    pub fn enter(&mut self) {
        self.send("\r");
    }

    pub fn down(&mut self) {
        self.send("\x1b[B");
    }

    pub fn ctrl_c(&mut self) {
        self.send("\x03");
    }

    /// The visible screen, rows joined with newlines, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        let contents = self.parser.screen().contents();
        contents
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_string()
    }

    /// Everything printed, escape sequences included.
    pub fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.transcript).into_owned()
    }

    /// Reads to the end and returns the exit code.
    pub fn wait(&mut self) -> i32 {
        if let Some(code) = self.exit {
            return code;
        }
        let start = Instant::now();
        while self.pump() {
            assert!(
                start.elapsed() < TIMEOUT,
                "the program did not end; the screen is:\n{}",
                self.screen()
            );
        }
        let status = self
            .session
            .get_process()
            .wait()
            .expect("wait for the child");
        if let Some((home, project)) = &self.scan {
            let shown = String::from_utf8_lossy(&self.transcript).into_owned();
            crate::secrets::assert_none_in(
                &crate::secrets::secrets_in(home, &self.typed),
                &[&shown],
                project,
            );
        }
        let code = match status {
            WaitStatus::Exited(_, code) => code,
            WaitStatus::Signaled(_, signal, _) => 128 + signal as i32,
            other => panic!("unexpected wait status {other:?}"),
        };
        self.exit = Some(code);
        code
    }
}
