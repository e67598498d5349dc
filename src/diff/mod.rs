//! Change sources: git ranges, the index, the working tree, unified-diff text and pushes,
//! all read into one [`ChangeSet`].

mod model;
pub mod unified;

pub use model::*;
