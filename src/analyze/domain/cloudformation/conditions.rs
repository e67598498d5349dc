//! A resource's `Condition:` decides whether it exists: on a stack update `CloudFormation`
//! deletes a resource whose condition evaluates to false (AWS docs, "Conditions" section of
//! the template anatomy, and the `Condition` resource attribute). A condition added to a
//! stateful resource, or one whose meaning changed (its definition, a condition it uses, or
//! the `Default` of a parameter it reads), may delete it with its data: the change is judged as
//! a possible destroy, without evaluating the condition.

use super::super::tree::{Node, Value};

/// How many levels of conditions used by a condition are followed.
const DEPTH: usize = 4;

/// What condition `name` means in `template`: its definition, and recursively the definitions
/// and parameter defaults it reads, as one canonical text.
pub(super) fn meaning(template: Option<&Node>, name: &str) -> String {
    let mut out = Vec::new();
    let mut pending = vec![(name.to_string(), 0)];
    let mut seen = Vec::new();
    while let Some((name, depth)) = pending.pop() {
        if depth > DEPTH || seen.contains(&name) {
            continue;
        }
        let Some(definition) = template.and_then(|t| t.at(&["Conditions", &name])) else {
            out.push(format!("{name}=?"));
            continue;
        };
        out.push(format!("{name}={}", definition.canonical()));
        let (mut refs, mut conditions) = (Vec::new(), Vec::new());
        references(definition, &mut refs, &mut conditions);
        for parameter in refs {
            let default = template
                .and_then(|t| t.at(&["Parameters", parameter, "Default"]))
                .map(Node::canonical)
                .unwrap_or_default();
            out.push(format!("{parameter}:={default}"));
        }
        pending.extend(conditions.into_iter().map(|c| (c.to_string(), depth + 1)));
        seen.push(name);
    }
    out.join(";")
}

/// The parameters (`!Ref`, `Ref:`) and conditions (`!Condition`, `Condition:`) a node reads.
fn references<'n>(node: &'n Node, refs: &mut Vec<&'n str>, conditions: &mut Vec<&'n str>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match (node.tag.as_deref(), &node.value) {
            (Some("!Ref"), Value::Scalar(name)) => refs.push(name),
            (Some("!Condition"), Value::Scalar(name)) => conditions.push(name),
            (_, Value::Map(entries)) => {
                for entry in entries {
                    match (entry.key.as_str(), entry.value.as_str()) {
                        ("Ref", Some(name)) => refs.push(name),
                        ("Condition", Some(name)) => conditions.push(name),
                        _ => stack.push(&entry.value),
                    }
                }
            }
            (_, Value::Seq(items)) => stack.extend(items),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::tree;
    use super::*;

    /// A condition's meaning follows the conditions it uses and the defaults of the
    /// parameters they read, in short tags and JSON long form; other parameters do not count.
    #[test]
    fn meaning_follows_references() {
        let template = |default: &str, other: &str| {
            format!(
                "{{\"Parameters\": {{\"Env\": {{\"Default\": \"{default}\"}}, \"Size\": {{\"Default\": \"{other}\"}}}},\n\"Conditions\": {{\"IsProd\": {{\"Fn::Equals\": [{{\"Ref\": \"Env\"}}, \"prod\"]}},\n\"Keep\": {{\"Fn::And\": [{{\"Condition\": \"IsProd\"}}, true]}}}}}}"
            )
        };
        let read = |text: String| tree::parse(text.as_bytes()).expect("parses");
        let (base, flipped, other) = (
            read(template("prod", "1")),
            read(template("dev", "1")),
            read(template("prod", "2")),
        );
        let meaning_of = |docs: &[Node]| meaning(docs.first(), "Keep");
        assert_ne!(meaning_of(&base), meaning_of(&flipped));
        assert_eq!(meaning_of(&base), meaning_of(&other));
        let yaml = read(
            "Parameters:\n  Env:\n    Default: prod\nConditions:\n  C: !Equals [!Ref Env, prod]\n"
                .to_string(),
        );
        let yaml_dev = read(
            "Parameters:\n  Env:\n    Default: dev\nConditions:\n  C: !Equals [!Ref Env, prod]\n"
                .to_string(),
        );
        assert_ne!(meaning(yaml.first(), "C"), meaning(yaml_dev.first(), "C"));
    }
}
