//! Change sources: git ranges, the index, the working tree, unified-diff text and pushes,
//! all read into one [`ChangeSet`].

pub(crate) mod base;
pub(crate) mod ci;
mod commits;
mod error;
mod from_git;
mod integrity;
mod model;
pub mod push;
mod read;
mod repo;
mod text;
pub mod unified;

pub use base::{BaseChoice, Env};
pub use ci::{Ci, CiRun, Platform, RequestText, explain_shallow};
pub use error::Error;
pub use model::*;
pub use push::{
    DEFAULT_BRANCH_KEY, DefaultBranch, Known, PushPlan, PushedRef, advertised, needs_known,
};
pub use read::{End, FileOptions, ReadOptions, range, staged, text, worktree};
pub use repo::{current_branch, merge_base, open, open_as_git, resolve_commit, short};
pub use text::is_text;
