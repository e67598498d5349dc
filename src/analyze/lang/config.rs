//! Configuration languages: grammars the domain analyzers (Terraform, Kubernetes,
//! `CloudFormation`, migrations, pipelines, Dockerfiles) parse. They have no symbols to outline,
//! so they sit in their own small table beside the code languages.

/// One configuration language.
#[derive(Debug)]
pub struct ConfigLanguage {
    /// Registry name: `hcl`, `yaml`, `json`, `sql`, `dockerfile`.
    pub name: &'static str,
    /// File extensions without the dot (matched case-insensitively).
    pub extensions: &'static [&'static str],
    /// Whole file names, or prefixes ending in `*` (`Dockerfile.*`).
    pub file_names: &'static [&'static str],
    /// The grammar.
    pub grammar: fn() -> tree_sitter::Language,
}

/// Every configuration language.
pub static CONFIG_LANGUAGES: &[ConfigLanguage] = &[
    ConfigLanguage {
        name: "hcl",
        extensions: &["tf", "tofu", "tfvars", "hcl"],
        file_names: &[],
        grammar: || tree_sitter_hcl::LANGUAGE.into(),
    },
    ConfigLanguage {
        name: "yaml",
        extensions: &["yaml", "yml"],
        file_names: &[],
        grammar: || tree_sitter_yaml::LANGUAGE.into(),
    },
    ConfigLanguage {
        name: "json",
        extensions: &["json", "jsonc", "template"],
        file_names: &[],
        grammar: || tree_sitter_json::LANGUAGE.into(),
    },
    ConfigLanguage {
        name: "sql",
        extensions: &["sql"],
        file_names: &[],
        grammar: || tree_sitter_sequel::LANGUAGE.into(),
    },
    ConfigLanguage {
        name: "dockerfile",
        extensions: &["dockerfile"],
        file_names: &[
            "Dockerfile",
            "Containerfile",
            "Dockerfile.*",
            "Containerfile.*",
        ],
        grammar: tree_sitter_dockerfile_updated::language,
    },
];

/// The configuration language of `path`, by file name (or name prefix), then extension.
#[must_use]
pub fn config_for_path(path: &str) -> Option<&'static ConfigLanguage> {
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let by_name = CONFIG_LANGUAGES.iter().find(|language| {
        language
            .file_names
            .iter()
            .any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => file_name.starts_with(prefix),
                None => file_name == *pattern,
            })
    });
    by_name.or_else(|| {
        let (stem, extension) = file_name.rsplit_once('.')?;
        if stem.is_empty() {
            return None;
        }
        CONFIG_LANGUAGES.iter().find(|language| {
            language
                .extensions
                .iter()
                .any(|known| known.eq_ignore_ascii_case(extension))
        })
    })
}

/// Parses `source` with `language`'s grammar (no time budget: configuration files are capped by
/// the policy's size limit and parse in microseconds); the tree the mechanical-change
/// comparison kept for the same bytes is reused.
#[must_use]
pub fn parse_config(language: &ConfigLanguage, source: &[u8]) -> Option<tree_sitter::Tree> {
    crate::analyze::blast::outline::parse::parse_config(
        language.name,
        &(language.grammar)(),
        source,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every configuration grammar loads and parses a small sample without errors.
    #[test]
    fn grammars_load_and_parse() {
        let samples = [
            (
                "main.tf",
                "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
            ),
            (
                "deploy.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
            ),
            ("template.json", "{\"Resources\": {}}\n"),
            ("db/001_init.sql", "CREATE TABLE users (id INT);\n"),
            ("Dockerfile", "FROM debian:12\nUSER app\n"),
        ];
        for (path, text) in samples {
            let language =
                config_for_path(path).unwrap_or_else(|| panic!("{path} has a config language"));
            let tree = parse_config(language, text.as_bytes()).expect("parses");
            assert!(
                !tree.root_node().has_error(),
                "{path}: {}",
                tree.root_node().to_sexp()
            );
        }
    }

    /// Names and prefixes win over extensions; unknown files have none.
    #[test]
    fn lookup() {
        assert_eq!(
            config_for_path("ops/Dockerfile.prod").map(|l| l.name),
            Some("dockerfile")
        );
        assert_eq!(
            config_for_path("infra/main.TF").map(|l| l.name),
            Some("hcl")
        );
        assert_eq!(config_for_path("src/main.rs").map(|l| l.name), None);
        assert_eq!(config_for_path(".yaml").map(|l| l.name), None);
    }
}
