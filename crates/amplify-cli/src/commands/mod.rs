//! One module per command; [`questions`] holds the questions `init` and `configure project` share, and
//! [`deploy`] the creation of an environment's root stack.

pub mod aws;
pub mod config;
pub mod configure;
pub mod deploy;
pub mod exec;
pub mod init;
pub mod meta;
pub mod profiles;
pub mod questions;
pub mod reset_cache;
