//! Which files Terraform reads. A root or child module is one directory, and Terraform loads
//! only `*.tf` and `*.tf.json` there (`OpenTofu` also `*.tofu`, `*.tofu.json`), skipping hidden
//! files and editor backups; the suffix is compared case-sensitively. A file renamed to
//! `main.tf.disabled`, `main.tf.bak` or `main.TF` is therefore removed from its module, however
//! unchanged its text is.
//!
//! Sources: Terraform docs, "Files and Directories" (language/files: `.tf`, `.tf.json`, one
//! directory per module); `OpenTofu` docs, "Files and Directories" (`.tofu` and `.tofu.json`
//! take precedence); Terraform's config loader ignores names starting with `.` or ending with
//! `~`, and `#…#` (Emacs autosave) files.

/// How a loaded file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// Native HCL syntax.
    Hcl,
    /// The JSON syntax (`*.tf.json`).
    Json,
}

/// Suffixes Terraform/`OpenTofu` load, and their syntax.
const LOADED: &[(&str, Notation)] = &[
    (".tf", Notation::Hcl),
    (".tofu", Notation::Hcl),
    (".tf.json", Notation::Json),
    (".tofu.json", Notation::Json),
];

/// The file name of a path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The syntax of `path` when Terraform loads it as part of its directory's module; `None`
/// when it does not (`main.tf.disabled`, `main.TF`, `.main.tf`, `main.tf~`, `notes.txt`).
#[must_use]
pub fn loaded(path: &str) -> Option<Notation> {
    let name = file_name(path);
    if name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
    {
        return None;
    }
    // Case-sensitive, as Terraform's loader compares: `main.TF` is not loaded.
    LOADED
        .iter()
        .find(|(suffix, _)| name.len() > suffix.len() && name.ends_with(suffix))
        .map(|(_, syntax)| *syntax)
}

/// The name of a loaded file without its suffix (`db` for `db.tf.json`).
fn stem(path: &str) -> Option<&str> {
    let name = file_name(path);
    loaded(path)?;
    LOADED
        .iter()
        .filter_map(|(suffix, _)| name.strip_suffix(suffix))
        .min_by_key(|stem| stem.len())
}

/// Whether a loaded file is an override file (`override.tf`, `db_override.tf`, their JSON and
/// `.tofu` forms): merged into the blocks of the module's other files, not added to them.
/// Terraform docs, "Override Files".
#[must_use]
pub fn is_override(path: &str) -> bool {
    stem(path).is_some_and(|stem| stem == "override" || stem.ends_with("_override"))
}

/// The file that hides `path` from `OpenTofu` when both exist: `db.tofu` for `db.tf`,
/// `db.tofu.json` for `db.tf.json` (`OpenTofu` docs, "Files and Directories": a `.tofu` file
/// takes precedence over the `.tf` file of the same name).
#[must_use]
pub fn shadow_of(path: &str) -> Option<String> {
    [(".tf", ".tofu"), (".tf.json", ".tofu.json")]
        .into_iter()
        .filter(|_| loaded(path).is_some())
        .find_map(|(tf, tofu)| Some(format!("{}{tofu}", path.strip_suffix(tf)?)))
}

/// Whether `path` is an `OpenTofu` file that can hide a `.tf` twin (`db.tofu`, `db.tofu.json`).
#[must_use]
pub fn shadows(path: &str) -> bool {
    // Case-sensitive, as the loader compares (`db.TOFU` is not loaded at all).
    loaded(path).is_some()
        && [".tofu", ".tofu.json"]
            .into_iter()
            .any(|suffix| path.strip_suffix(suffix).is_some())
}

/// Whether a file is, or looks like it was, a Terraform file: loaded, or a name with a
/// Terraform extension inside it (`main.tf.disabled`, `db.tf.bak`, `.main.tf`, `main.tf~`), so
/// a rename out of the loaded set is still read for what it removes.
#[must_use]
pub fn terraform_like(path: &str) -> bool {
    if loaded(path).is_some() {
        return true;
    }
    let lower = file_name(path).to_ascii_lowercase();
    let trimmed = lower.trim_matches(['.', '~', '#']);
    trimmed
        .split('.')
        .skip(1)
        .any(|segment| matches!(segment.trim_end_matches('~'), "tf" | "tofu"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Terraform loads, and the renames that take a file out of its module.
    #[test]
    fn loaded_names() {
        let cases = [
            ("infra/main.tf", Some(Notation::Hcl)),
            // Terraform compares suffixes case-sensitively (terraform 1.11 plans a `b.TF`'s
            // resources as absent).
            ("main.TF", None),
            ("main.Tf", None),
            ("main.TF.JSON", None),
            ("main.TOFU", None),
            ("main.tofu", Some(Notation::Hcl)),
            ("infra/main.tf.json", Some(Notation::Json)),
            ("x.tofu.json", Some(Notation::Json)),
            ("infra/main.tf.disabled", None),
            ("infra/main.tf.bak", None),
            ("infra/.main.tf", None),
            ("infra/main.tf~", None),
            ("infra/#main.tf#", None),
            ("infra/.tf", None),
            ("terraform.tfvars", None),
            ("main.json", None),
        ];
        for (path, expected) in cases {
            assert_eq!(loaded(path), expected, "{path}");
        }
    }

    /// Override files by name, and the `.tofu` file that hides each `.tf` file.
    #[test]
    fn overrides_and_shadows() {
        for path in [
            "override.tf",
            "infra/db_override.tf",
            "infra/override.tf.json",
            "x_override.tofu.json",
        ] {
            assert!(is_override(path), "{path}");
        }
        for path in [
            "overrides.tf",
            "infra/override.tf.bak",
            "my-override.tf",
            "db.tf",
        ] {
            assert!(!is_override(path), "{path}");
        }
        assert_eq!(shadow_of("infra/db.tf").as_deref(), Some("infra/db.tofu"));
        assert_eq!(
            shadow_of("infra/db.tf.json").as_deref(),
            Some("infra/db.tofu.json")
        );
        assert_eq!(shadow_of("infra/db.tofu"), None);
        assert_eq!(shadow_of("infra/db.tf.disabled"), None);
        assert!(shadows("infra/db.tofu") && shadows("db.tofu.json") && !shadows("db.tf"));
    }

    /// Renamed-away names are still read; unrelated files are not.
    #[test]
    fn terraform_like_names() {
        for path in [
            "main.tf",
            "main.tf.disabled",
            "db.tf.bak",
            ".main.tf",
            "main.tf~",
            "x.tf.json.off",
            "main.TF",
        ] {
            assert!(terraform_like(path), "{path}");
        }
        for path in ["README.md", "tf.txt", "terraform.tfvars", "a.tfstate", "tf"] {
            assert!(!terraform_like(path), "{path}");
        }
    }
}
