//! What every test of `amplify-rs` stands on: a [`TestContext`] with its own temporary HOME (so no test can
//! read or write a real `~/.aws` or `~/.amplify`), a [`Moto`] server on a loopback port (a real STS, IAM, S3
//! and CloudFormation, with its request recorder), and a [`Pty`] that runs the binary in a pseudo-terminal
//! and renders what a person would see.
//!
//! moto comes from the project's `.venv` (created by `cargo xtask test`); tests never assume a server is
//! running, they start their own and stop it when dropped.

#![allow(clippy::print_stderr)]

pub mod clock;
mod context;
pub mod faults;
mod moto;
mod original;
pub mod parity;
mod pty;
mod replay;
pub mod secrets;
pub mod session;
mod silent;

pub use context::{
    CommandOutput, SEED_CONFIG, SEED_CREDENTIALS, SEED_MFA_SERIAL, SEED_ROLE_ARN, SEED_SECRET_KEY,
    TestContext, repo_root,
};
pub use faults::{Call, Exchange, FailedStack, Fault, FaultProxy, Rule};
pub use moto::{Moto, Recorded};
pub use original::{ORIGINAL_ENV, original_cli};
pub use pty::Pty;
pub use replay::StsReplay;
pub use session::{ScriptedPerson, SessionFixture};
pub use silent::SilentPeer;
