//! The blast radius of a code change: each changed file outlined with tree-sitter
//! ([`outline`], cached per blob in [`cache`]), its definitions compared ([`symbols`]), the
//! files that use them found ([`dependents`]), and the whole summed up per symbol
//! ([`structure`], [`impact`]). [`syntax`] holds the outline's types.

pub mod cache;
pub mod dependents;
pub(super) mod impact;
mod inherits;
pub mod outline;
pub mod structure;
pub mod symbols;
pub mod syntax;
