//! Is the change AI-assisted? Evidence from trailers, identities, branch names and notes.

pub mod marker;
