//! The running build, as the caches that keep what its code derived name it: a cached result
//! is only as good as the code that computed it, and a rebuilt or upgraded binary must not
//! read what an older one kept. The name is a digest of what the build was made from, not the
//! executable's size and modification time: a packaged or reproducible build can keep both
//! equal across versions (Nix sets every modification time to 1).

/// This build: the crate version and a digest of the sources, data files, dependency lock,
/// compiler and profile it was built from (computed by the build script, `build.rs` at the
/// crate root).
#[cfg(not(test))]
pub const IDENTITY: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " ",
    env!("BLASTGATE_SOURCE_DIGEST")
);

/// A unit-test build of the same sources is another build: its test-only code paths are not
/// the shipped ones.
#[cfg(test)]
pub const IDENTITY: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " ",
    env!("BLASTGATE_SOURCE_DIGEST"),
    " test"
);

#[cfg(test)]
mod tests {
    /// The identity names the version and a 128-bit source digest, and a unit-test build is
    /// told apart from the shipped one.
    #[test]
    fn the_build_is_named_by_its_sources() {
        let mut parts = super::IDENTITY.split(' ');
        assert_eq!(parts.next(), Some(env!("CARGO_PKG_VERSION")));
        let digest = parts.next().expect("a digest");
        assert_eq!(digest.len(), 32);
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(parts.next(), Some("test"));
    }
}
