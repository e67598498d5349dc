//! Paths inside a repository's tree, joined as git stores them: lexically, with no file
//! system to ask (a module `source`, a symbolic link's target).

/// `relative` read from the directory `dir` (`a/b` or `a/b/`, empty at the root): `.` and
/// empty parts dropped, `..` climbing one directory; `None` when it climbs out of the tree.
/// The tree's root is the empty string.
#[must_use]
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|part| !part.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::join;

    /// Parts are resolved from `dir`; climbing past the root is out of the tree.
    #[test]
    fn relative_paths_join_lexically() {
        assert_eq!(
            join("infra/", "../shared/b.hcl").as_deref(),
            Some("shared/b.hcl")
        );
        assert_eq!(join("", "./a//b").as_deref(), Some("a/b"));
        assert_eq!(join("a/b", "../..").as_deref(), Some(""));
        assert_eq!(join("a", "../../c"), None);
    }
}
