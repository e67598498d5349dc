//! End-to-end tests: real git repositories in temp dirs, the real `blastgate` binary.
//! Modules follow the pipeline's entry points.

mod bad_input;
mod blast;
mod check;
mod ci;
mod demo;
mod domain;
mod domain_gaps;
mod formats;
mod help;
mod hidden;
mod hook;
mod incident;
mod keys;
mod mechanical;
mod parsers;
mod policy_cli;
mod policy_gaps;
mod precommit;
mod provenance;
mod push;
mod reach;
mod replay;
mod run_by;
mod server;
mod signoff;
mod snapshots;
mod sources;
mod spoof;
mod structure;
mod support;
mod verbose;
mod waivers;
