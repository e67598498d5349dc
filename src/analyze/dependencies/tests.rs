//! Unit tests of the dependency analyzer on real-shaped manifests and lockfiles.
