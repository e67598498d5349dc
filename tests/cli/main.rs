//! End-to-end tests: real git repositories in temp dirs, the real `blastgate` binary.
//! Modules follow the pipeline's entry points.

mod bad_input;
mod blast;
mod check;
mod ci;
mod demo;
mod domain;
mod formats;
mod help;
mod hook;
mod incident;
mod keys;
mod parsers;
mod policy_cli;
mod precommit;
mod push;
mod replay;
mod server;
mod signoff;
mod snapshots;
mod sources;
mod structure;
mod support;
mod verbose;
mod waivers;
