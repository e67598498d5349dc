//! The plan as evidence (issue 13): `blastgate check --terraform-plan plan.json` reads the JSON
//! of `terraform show -json PLANFILE` (Terraform ≥ 1.0 and `OpenTofu`, format documented at
//! <https://developer.hashicorp.com/terraform/internals/json-format>) and turns what the plan
//! destroys, replaces or forgets into the same facts the source analysis produces, marked
//! "from the plan". Source analysis guesses what `apply` will do; the plan is what it will do,
//! so where the two disagree the plan wins and the fact says so ([`reconcile`]).
//!
//! [`read`] is the only door: a file that cannot be read or is not a plan is an [`Error`]
//! naming the file (exit 2), never an empty plan.

mod facts;
mod read;

use std::path::{Path, PathBuf};

pub use facts::reconcile;

/// Why a plan file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read the Terraform plan {}: {reason}; pass the file `terraform show -json PLANFILE` wrote", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why, in words (the edge prints one line).
        reason: String,
    },
    /// The file is not the JSON of a plan.
    #[error("{} is not a Terraform plan in JSON: {message}; write it with `terraform show -json PLANFILE > {}`", path.display(), path.display())]
    Shape {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Plans larger than this are refused rather than read into memory: a plan of tens of
/// thousands of resources is a few tens of megabytes.
pub const MAX_PLAN_BYTES: u64 = 256 * 1024 * 1024;

/// One read plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The file, as given on the command line (messages name it).
    pub name: String,
    /// The managed resource instance changes, in plan order (those that keep the object too:
    /// they are how a plan contradicts a source-level destroy).
    pub changes: Vec<Change>,
    /// Module call path without instance keys (`module.app.module.db`) → the directory of
    /// its local source relative to the plan's root module (`modules/db`); registry and git
    /// sources have none.
    pub module_dirs: Vec<(String, String)>,
}

/// What a change does to the object that exists now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `["delete"]`.
    Delete,
    /// `["delete","create"]` (destroy first) or `["create","delete"]` (create before destroy).
    Replace {
        /// `create_before_destroy`: the new object exists before the old one goes.
        create_first: bool,
    },
    /// `["forget"]` / `["create","forget"]`: removed from state, the object keeps running.
    Forget,
    /// Anything that leaves the object in place (`no-op`, `update`, `read`, `create`).
    Keep,
}

/// One resource instance in `resource_changes`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The full address with instance keys (`module.app["eu"].aws_db_instance.main[0]`).
    pub address: String,
    /// The address without instance keys, as configuration names it
    /// (`module.app.aws_db_instance.main`).
    pub config_address: String,
    /// `previous_address` without instance keys, when the object moved.
    pub previous_config_address: Option<String>,
    /// The resource type (`aws_db_instance`).
    pub resource_type: String,
    /// What the plan does to it.
    pub action: Action,
    /// `action_reason`, when the plan gives one.
    pub reason: Option<String>,
    /// `replace_paths`, rendered (`engine`, `tags["env"]`).
    pub replace_paths: Vec<String>,
    /// The key of a deposed object (left over by a failed create-before-destroy).
    pub deposed: Option<String>,
}

/// Reads and checks one plan file.
///
/// # Errors
/// When the file cannot be read, is too large, or is not the JSON of a plan.
pub fn read(path: &Path) -> Result<Plan, Error> {
    let read_error = |reason: String| Error::Read {
        path: path.to_path_buf(),
        reason,
    };
    let size = std::fs::metadata(path)
        .map_err(|error| read_error(read::io_reason(&error)))?
        .len();
    if size > MAX_PLAN_BYTES {
        return Err(read_error(format!(
            "{size} bytes, over the {MAX_PLAN_BYTES}-byte limit"
        )));
    }
    let bytes = std::fs::read(path).map_err(|error| read_error(read::io_reason(&error)))?;
    parse(&path.display().to_string(), &bytes).map_err(|message| Error::Shape {
        path: path.to_path_buf(),
        message,
    })
}

/// Parses the bytes of a plan named `name`, or says in one line what is wrong.
///
/// # Errors
/// When `bytes` are not the JSON of a Terraform plan.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Plan, String> {
    read::parse(name, bytes)
}

#[cfg(test)]
mod tests;
