//! How many instances a `count` or `for_each` makes, evaluated statically where its shape is
//! simple: a literal, `length([])`, or a variable or local used plainly, through `length(…)`, or
//! as the condition of `? N : M`. Terraform docs "The `count` Meta-Argument", "The `for_each`
//! Meta-Argument", "Conditional Expressions", "length", "toset" (a `toset`/`tolist` call of a
//! literal or a reference is already unwrapped by the model).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use super::model::{Block, Value};

/// How many instances an expression makes: a number, or keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instances {
    /// `count`.
    Count(u64),
    /// `for_each` keys.
    Keys(BTreeSet<String>),
}

impl Instances {
    /// How many instances.
    pub fn len(&self) -> u64 {
        match self {
            Self::Count(n) => *n,
            Self::Keys(keys) => keys.len() as u64,
        }
    }

    /// What `self` → `now` destroys, in words; `None` when nothing.
    pub fn lost(&self, now: &Self) -> Option<String> {
        match (self, now) {
            (Self::Keys(before), Self::Keys(after)) => {
                let gone: Vec<String> = before
                    .difference(after)
                    .map(|k| format!("\"{k}\""))
                    .collect();
                (!gone.is_empty()).then(|| format!("instances {}", gone.join(", ")))
            }
            _ if now.len() < self.len() => Some(format!(
                "{} of its {} instance(s)",
                self.len() - now.len(),
                self.len()
            )),
            _ => None,
        }
    }
}

/// `count`/`for_each` shapes evaluated with a reference's value; `ref` is `var.x` or `local.x`.
static SHAPES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?P<len>length)\()?(?P<not>!)?(?P<ref>(?:var|local)\.[A-Za-z_][A-Za-z0-9_-]*)\)?(?: \? (?P<yes>\d+) : (?P<no>\d+))?$")
        .expect("valid pattern (tested)")
});

/// `length` of an empty literal: `length([])`, `length({})`, `length(toset([]))`.
static EMPTY_LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^length\((?:to(?:set|list|map)\()?(?:\[ *\]|\{ *\})\)?\)$")
        .expect("valid pattern (tested)")
});

/// The variable or local (`var.x`, `local.x`) a `count`/`for_each` shape depends on.
pub fn reference_of(expression: &Value) -> Option<String> {
    let Value::Expr(text) = expression else {
        return None;
    };
    Some(SHAPES.captures(text)?.name("ref")?.as_str().to_string())
}

fn truthy(value: &Value) -> Option<bool> {
    if value.is_true() {
        Some(true)
    } else if value.is_false() {
        Some(false)
    } else {
        None
    }
}

fn keys(value: &Value) -> Option<BTreeSet<String>> {
    match value {
        Value::List(items) => items.iter().map(|v| v.as_str().map(String::from)).collect(),
        Value::Map(entries) => Some(entries.iter().map(|(k, _)| k.clone()).collect()),
        Value::Null => Some(BTreeSet::new()),
        _ => None,
    }
}

/// The reference an expression's instances depend on, and the instances for a value of it.
pub fn evaluate(expression: &Value, meta: &str, value: &Value) -> Option<(String, Instances)> {
    let Value::Expr(text) = expression else {
        return None;
    };
    let shape = SHAPES.captures(text)?;
    let reference = shape.name("ref")?.as_str().to_string();
    let instances = match (shape.name("yes"), shape.name("no")) {
        (Some(yes), Some(no)) => {
            let chosen = truthy(value)? != shape.name("not").is_some();
            let n = if chosen { yes } else { no };
            Instances::Count(n.as_str().parse().ok()?)
        }
        _ if shape.name("not").is_some() => return None,
        _ if shape.name("len").is_some() => Instances::Count(keys(value)?.len() as u64),
        _ if meta == "for_each" => Instances::Keys(keys(value)?),
        _ => match value {
            Value::Num(n) => Instances::Count(n.parse().ok()?),
            _ => return None,
        },
    };
    Some((reference, instances))
}

/// Variable defaults (`var.x`) and locals (`local.x`) declared by some blocks.
pub fn values<'a>(blocks: impl IntoIterator<Item = &'a Block>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for block in blocks {
        match (block.kind.as_str(), block.labels.first()) {
            ("variable", Some(name)) => {
                if let Some(default) = block.attr("default") {
                    out.insert(format!("var.{name}"), default.clone());
                }
            }
            ("locals", _) => {
                for attr in &block.attrs {
                    out.insert(format!("local.{}", attr.name), attr.value.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// The instances a `count`/`for_each` value makes with the module's `values`; a block without
/// the meta-argument is one instance for `count` (`X` and `X[0]` are the same object).
pub fn evaluate_in(
    value: Option<&Value>,
    meta: &str,
    values: &BTreeMap<String, Value>,
) -> Option<Instances> {
    match (meta, value) {
        ("count", None) => Some(Instances::Count(1)),
        ("count", Some(Value::Num(n))) => Some(Instances::Count(n.parse().ok()?)),
        ("for_each", Some(literal @ (Value::List(_) | Value::Map(_)))) => {
            Some(Instances::Keys(keys(literal)?))
        }
        (_, Some(Value::Expr(text))) if EMPTY_LENGTH.is_match(text) => Some(Instances::Count(0)),
        (_, Some(expression @ Value::Expr(_))) => {
            let reference = reference_of(expression)?;
            Some(evaluate(expression, meta, values.get(&reference)?)?.1)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> Value {
        Value::Expr(text.to_string())
    }

    /// The shapes evaluated, with values before and after a default flip.
    #[test]
    fn shapes() {
        let list =
            |items: &[&str]| Value::List(items.iter().map(|s| Value::Str((*s).into())).collect());
        let count = |n: u64| Some(("var.x".to_string(), Instances::Count(n)));
        assert_eq!(
            evaluate(&expr("var.x ? 1 : 0"), "count", &Value::Bool(false)),
            count(0)
        );
        assert_eq!(
            evaluate(&expr("!var.x ? 1 : 0"), "count", &Value::Bool(false)),
            count(1)
        );
        assert_eq!(
            evaluate(&expr("var.x"), "count", &Value::Num("3".into())),
            count(3)
        );
        assert_eq!(
            evaluate(&expr("length(var.x)"), "count", &list(&["a", "b"])),
            count(2)
        );
        assert_eq!(
            evaluate(&expr("var.x"), "for_each", &list(&["a"])),
            Some(("var.x".into(), Instances::Keys(["a".to_string()].into())))
        );
        assert_eq!(
            evaluate(&expr("var.x * 2"), "count", &Value::Num("1".into())),
            None
        );
        assert_eq!(
            evaluate(&expr("local.x ? 1 : 0"), "count", &Value::Bool(true)),
            Some(("local.x".into(), Instances::Count(1)))
        );
        assert_eq!(reference_of(&expr("module.var.x")), None);
    }

    /// Literals, empty `length` calls and references evaluated against a module's values.
    #[test]
    fn in_a_module() {
        let values = BTreeMap::from([
            ("local.on".to_string(), Value::Bool(false)),
            (
                "local.envs".to_string(),
                Value::List(vec![Value::Str("prod".into())]),
            ),
        ]);
        let at = |value: Option<Value>, meta: &str| evaluate_in(value.as_ref(), meta, &values);
        assert_eq!(at(None, "count"), Some(Instances::Count(1)));
        assert_eq!(at(None, "for_each"), None);
        assert_eq!(
            at(Some(Value::Num("2".into())), "count"),
            Some(Instances::Count(2))
        );
        for empty in ["length([])", "length({})", "length(toset([]))"] {
            assert_eq!(at(Some(expr(empty)), "count"), Some(Instances::Count(0)));
        }
        assert_eq!(
            at(Some(expr("local.on ? 0 : 1")), "count"),
            Some(Instances::Count(1))
        );
        assert_eq!(
            at(Some(expr("local.envs")), "for_each"),
            Some(Instances::Keys(["prod".to_string()].into()))
        );
        assert_eq!(at(Some(expr("local.missing ? 1 : 0")), "count"), None);
        assert_eq!(at(Some(expr("length(var.list)")), "count"), None);
    }
}
