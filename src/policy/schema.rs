//! The JSON Schema of the policy format, generated from the raw types.
//!
//! It is committed as `policies/schema.json` for editors and CI, and it is also what the
//! unknown-key pass reads the allowed keys from, so the format is described in one place.

use std::sync::LazyLock;

use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::raw::RawPolicy;

/// The schema as a JSON value, generated once.
static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<RawPolicy>()
        .to_value()
});

/// The policy format's JSON Schema, pretty-printed, with a trailing newline.
///
/// # Panics
///
/// Never: a `serde_json::Value` always serializes.
#[must_use]
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(schema_value())
        .expect("a serde_json::Value always serializes");
    text.push('\n');
    text
}

/// The schema as a value, for the unknown-key pass.
pub(crate) fn schema_value() -> &'static Value {
    &SCHEMA
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the committed schema lives, relative to the crate root.
    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/schema.json");

    /// `policies/schema.json` matches the raw types; `BLASTGATE_BLESS=1` rewrites it.
    #[test]
    fn committed_schema_is_fresh() {
        let fresh = schema_json();
        if std::env::var_os("BLASTGATE_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(COMMITTED, &fresh).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == fresh,
            "policies/schema.json is stale. Regenerate it with\n  \
             BLASTGATE_BLESS=1 cargo test --lib policy::schema\n\
             (or `cargo run -- policy schema > policies/schema.json` once the CLI has it)"
        );
    }

    /// Every section and every signal is described, so the schema documents the format.
    #[test]
    fn schema_describes_sections_and_signals() {
        let schema = schema_value();
        let properties = schema["properties"].as_object().unwrap();
        for key in [
            "version",
            "tiers",
            "weights",
            "thresholds",
            "provenance",
            "rules",
            "seniors",
            "limits",
        ] {
            let description = properties[key]["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "{key} has no description");
        }
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(required, ["version", "thresholds"]);
        assert_eq!(schema["additionalProperties"], Value::Bool(false));
    }
}
