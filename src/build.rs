//! The running build, as the caches that keep what its code derived name it: a cached result
//! is only as good as the code that computed it, and a rebuilt or upgraded binary must not
//! read what an older one kept.

use std::sync::LazyLock;

/// The crate version and the executable's size and modification time (as cargo fingerprints a
/// build script's output); `None` when the executable cannot be read, and then nothing that
/// depends on the build is cached.
static IDENTITY: LazyLock<Option<String>> = LazyLock::new(|| {
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = exe
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{} {} {}",
        env!("CARGO_PKG_VERSION"),
        exe.len(),
        modified.as_nanos()
    ))
});

/// This build's identity (see [`IDENTITY`]).
#[must_use]
pub fn identity() -> Option<&'static str> {
    IDENTITY.as_deref()
}

#[cfg(test)]
mod tests {
    /// The test binary is a readable executable: it has an identity, and the same one each time.
    #[test]
    fn the_running_build_has_a_stable_identity() {
        let first = super::identity().expect("the test executable can be read");
        assert!(first.starts_with(env!("CARGO_PKG_VERSION")));
        assert_eq!(super::identity(), Some(first));
    }
}
