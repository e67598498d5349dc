//! Change sources: git ranges, the index, the working tree, unified-diff text and pushes,
//! all read into one [`ChangeSet`].

pub(crate) mod base;
mod blobs;
pub(crate) mod ci;
mod commits;
mod error;
pub(crate) mod from_git;
mod model;
pub mod push;
mod range;
mod read;
mod text;
pub mod unified;

pub use base::{Env, RevisionChoice};
pub use blobs::{Blobs, GitLines, git_lines, text_diff};
pub use ci::{Ci, CiRun, Platform, RequestText, explain_shallow};
pub use error::Error;
pub(crate) use error::GitContext;
pub use model::*;
pub use push::{
    DEFAULT_BRANCH_KEY, DefaultBranch, Known, PushPlan, PushedRef, advertised, needs_known,
};
pub use range::{Range, RangeRequest, resolve};
pub use read::{FileOptions, ReadOptions, range, staged, text, worktree};
pub use text::is_text;
