//! One module per command; [`questions`] holds the questions `init` and `configure project` share.

pub mod aws;
pub mod configure;
pub mod init;
pub mod meta;
pub mod profiles;
pub mod questions;
pub mod reset_cache;
