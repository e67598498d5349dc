//! Base image bumps that are mechanical: the same tag at a new digest (what Renovate and
//! Dependabot do to digest-pinned images), or a new patch release of the same image and variant
//! (`python:3.12.1-slim` → `python:3.12.2-slim`). Anything else (another image or registry, a new
//! major or minor, another variant, a downgrade, a digest pin dropped) stays `base-image-changed`.

/// A `FROM` image reference split by the Dockerfile grammar. The registry is part of `name`, so a
/// move to another registry is a change of name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ImageReference {
    /// Registry and repository, as written (`ghcr.io/org/app`, `python`).
    pub name: String,
    /// The tag without its `:`.
    pub tag: Option<String>,
    /// The digest without its `@`.
    pub digest: Option<String>,
}

/// Why a bump is mechanical, as in "base image X replaces Y: mechanical (…)".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bump {
    /// Same image and tag, new (or newly pinned) digest.
    Digest,
    /// Same image, major, minor and variant; a later patch release.
    Patch,
}

impl Bump {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Bump::Digest => "the same tag at a new digest",
            Bump::Patch => "a patch release of the same image and variant",
        }
    }
}

/// Tags that move across major versions, so a new digest under them can be anything. Sources:
/// Docker docs "docker image tag" (`latest` is the default tag); the official images' tag lists
/// on Docker Hub: node (`lts`, `current`), debian (`stable`, `testing`, `unstable`), alpine
/// (`edge`), ubuntu (`rolling`, `devel`), nginx (`mainline`, `stable`), rust (`nightly`).
const FLOATING_TAGS: &[&str] = &[
    "latest", "lts", "current", "stable", "testing", "unstable", "edge", "rolling", "devel",
    "mainline", "nightly",
];

/// Whether a tag (or its first `-` segment, as in `lts-alpine`) floats across major versions;
/// no tag at all means `latest`.
fn floats(tag: Option<&str>) -> bool {
    tag.is_none_or(|tag| {
        let head = tag.split('-').next().unwrap_or(tag);
        FLOATING_TAGS
            .iter()
            .any(|floating| floating.eq_ignore_ascii_case(head))
    })
}

/// A version tag: optional `v`, dotted numbers, then the variant (`-slim-bookworm`, `-alpine3.19`).
#[derive(Debug, PartialEq, Eq)]
struct Version<'a> {
    prefix: bool,
    numbers: Vec<u64>,
    variant: &'a str,
}

fn version(tag: &str) -> Option<Version<'_>> {
    let prefix = tag.starts_with('v');
    let rest = tag.strip_prefix('v').unwrap_or(tag);
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let (core, variant) = rest.split_at(end);
    let numbers = core
        .split('.')
        .map(str::parse)
        .collect::<Result<Vec<u64>, _>>()
        .ok()?;
    Some(Version {
        prefix,
        numbers,
        variant,
    })
}

/// Whether `new` is a later patch release than `old`: both spell at least major.minor.patch, the
/// same way, with the same major, minor and variant.
fn patch_bump(old: &str, new: &str) -> bool {
    let (Some(old), Some(new)) = (version(old), version(new)) else {
        return false;
    };
    old.numbers.len() >= 3
        && old.numbers.len() == new.numbers.len()
        && old.prefix == new.prefix
        && old.variant == new.variant
        && old.numbers[..2] == new.numbers[..2]
        && new.numbers[2..] > old.numbers[2..]
}

/// The mechanical bump from `old` to `new`, if it is one.
pub(super) fn classify(old: &ImageReference, new: &ImageReference) -> Option<Bump> {
    // A dropped digest pin lets the build change under the tag again: not mechanical.
    if old.name != new.name || (old.digest.is_some() && new.digest.is_none()) {
        return None;
    }
    match (old.tag.as_deref(), new.tag.as_deref()) {
        (old_tag, new_tag) if old_tag == new_tag => {
            (new.digest.is_some() && old.digest != new.digest && !floats(new_tag))
                .then_some(Bump::Digest)
        }
        (Some(old_tag), Some(new_tag)) => patch_bump(old_tag, new_tag).then_some(Bump::Patch),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> ImageReference {
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest.to_string())),
            None => (text, None),
        };
        // A `:` after the last `/` starts the tag (a registry port comes before it).
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].split_once(':') {
            Some((name, tag)) => (format!("{}{name}", &rest[..slash]), Some(tag.to_string())),
            None => (rest.to_string(), None),
        };
        ImageReference { name, tag, digest }
    }

    const A: &str = "sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30";
    const B: &str = "sha256:9a0f6a1e1d2f5b8e3c4d7a6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";

    /// (old, new, expected): what is mechanical and what stays a finding.
    #[test]
    fn bumps() {
        let digest = |image: &str, d: &str| format!("{image}@{d}");
        let cases: Vec<(String, String, Option<Bump>)> = vec![
            (
                "python:3.12.1".into(),
                "python:3.12.2".into(),
                Some(Bump::Patch),
            ),
            (
                "node:20.11.1-alpine".into(),
                "node:20.11.10-alpine".into(),
                Some(Bump::Patch),
            ),
            (
                "golang:1.22.1-bookworm".into(),
                "golang:1.22.2-bookworm".into(),
                Some(Bump::Patch),
            ),
            (
                "registry:5000/app:v1.4.2".into(),
                "registry:5000/app:v1.4.3".into(),
                Some(Bump::Patch),
            ),
            (
                digest("python:3.12", A),
                digest("python:3.12", B),
                Some(Bump::Digest),
            ),
            (
                digest("node:20", A),
                digest("node:20", B),
                Some(Bump::Digest),
            ),
            (
                "debian:12.5".into(),
                digest("debian:12.5", A),
                Some(Bump::Digest),
            ),
            (
                digest("python:3.12.1", A),
                digest("python:3.12.2", B),
                Some(Bump::Patch),
            ),
            // Major or minor, another variant, a downgrade, fewer parts: findings.
            ("python:3.12".into(), "python:3.13".into(), None),
            ("python:3.12.1".into(), "python:3.13.0".into(), None),
            ("node:20.1.0".into(), "node:21.1.0".into(), None),
            ("python:3.12.2".into(), "python:3.12.1".into(), None),
            ("python:3.12".into(), "python:3.12.1".into(), None),
            (
                "node:20.11.1-alpine3.19".into(),
                "node:20.11.2-alpine3.20".into(),
                None,
            ),
            ("python:3.12.1-slim".into(), "python:3.12.2".into(), None),
            ("app:1.2.3".into(), "app:v1.2.4".into(), None),
            // Another image or registry: findings.
            ("python:3.12.1".into(), "pypy:3.12.2".into(), None),
            (
                "python:3.12.1".into(),
                "ghcr.io/acme/python:3.12.2".into(),
                None,
            ),
            (
                "docker.io/library/python:3.12.1".into(),
                "python:3.12.2".into(),
                None,
            ),
            // Floating or absent tags, and a dropped pin: findings.
            (digest("python:latest", A), digest("python:latest", B), None),
            (
                digest("node:lts-alpine", A),
                digest("node:lts-alpine", B),
                None,
            ),
            (digest("ubuntu", A), digest("ubuntu", B), None),
            (digest("python:3.12.1", A), "python:3.12.2".into(), None),
            (digest("python:3.12", A), "python:3.12".into(), None),
            ("python:3.12".into(), "python:3.12".into(), None),
        ];
        for (old, new, expected) in cases {
            assert_eq!(
                classify(&reference(&old), &reference(&new)),
                expected,
                "{old} → {new}"
            );
        }
    }

    /// Version tags split into prefix, numbers and variant; other tags are not versions.
    #[test]
    fn versions() {
        assert_eq!(
            version("v1.22.3-alpine3.19"),
            Some(Version {
                prefix: true,
                numbers: vec![1, 22, 3],
                variant: "-alpine3.19",
            })
        );
        assert_eq!(version("bookworm"), None);
        assert_eq!(version("1..2"), None);
        assert!(floats(None) && floats(Some("LTS-slim")) && !floats(Some("bookworm")));
    }
}
