//! `amplify-rs` as its users run it: the real binary, a temporary HOME with the seed's profiles, moto as
//! STS and CloudFormation, interactive runs in a pseudo-terminal. Each module is one feature.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long
#![allow(clippy::print_stderr)] // tests report their seeds and sizes

mod common;

mod add_env;
mod cache;
mod chaos;
mod compat;
mod config;
mod configure_project;
mod credentials;
mod errors;
mod faults;
mod headless_matrix;
mod help;
mod init_headless;
mod init_interactive;
mod original;
mod parity_flags;
mod parity_table;
mod permissions_boundary;
mod profiles;
mod reliability;
mod repository;
mod reset_cache;
mod settings;
