//! A Helm chart's default values turning off what its templates render: the template is
//! untouched, yet `{{- if .Values.db.enabled }}` around a `StatefulSet` now renders nothing, and
//! `helm upgrade` deletes what the release no longer renders (Helm docs, "Flow Control" and
//! `helm upgrade`). A subchart whose `Chart.yaml` condition turns false is dropped the same way
//! (Helm docs, "Charts": `dependencies[].condition`). An AI-assisted push flipping such a flag
//! reached "allow" in a red-team trial: the analyzers read only changed templates.
//!
//! The chart's templates and `Chart.yaml` are read from the tree the change starts from (or
//! their new version, when the change edits them). Only conditions this module can evaluate
//! count: a values path, `not`, `and`, `or`; anything else (`eq`, pipelines) is left alone.

use std::collections::HashMap;

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use super::super::tree::{self, Node, Value};
use super::{helm, loss};
use crate::analyze::Fact;
use crate::analyze::contents::FileContents;
use crate::signal::Signal;

/// Charts that run a data store: dropping one as a subchart deletes its volumes.
/// Source: the Bitnami chart catalogue (github.com/bitnami/charts), whose database, cache,
/// queue and object-store charts deploy `StatefulSet`s with `PersistentVolumeClaim`s.
const STATEFUL_CHARTS: &[&str] = &[
    "postgresql",
    "postgresql-ha",
    "mysql",
    "mariadb",
    "mariadb-galera",
    "mongodb",
    "mongodb-sharded",
    "redis",
    "redis-cluster",
    "valkey",
    "elasticsearch",
    "opensearch",
    "kafka",
    "rabbitmq",
    "cassandra",
    "etcd",
    "zookeeper",
    "minio",
    "clickhouse",
];

/// Each values path (`a.b.c`) with whether Go templates read it as true (`None`: an alias
/// this reader does not follow) and its line.
type Truths = HashMap<String, (Option<bool>, u32)>;

/// Facts for every chart whose `values.yaml` the change edits.
#[must_use]
pub fn facts(
    contents: &[FileContents<'_>],
    repo: Option<&Repository>,
    tree: Option<Oid>,
) -> Vec<Fact> {
    let (Some(repo), Some(tree)) = (repo, tree) else {
        return Vec::new();
    };
    let mut facts = Vec::new();
    for file in contents {
        let Some(path) = file.file.new_path.as_deref() else {
            continue;
        };
        let Some(dir) = values_dir(path) else {
            continue;
        };
        let (Some(old), Some(new)) = (file.old.bytes(), file.new.bytes()) else {
            continue;
        };
        let (Some(old), Some(new)) = (truths(old), truths(new)) else {
            continue;
        };
        let read = |path: &str| current(contents, (repo, tree), path);
        let Some(chart) = read(&format!("{dir}Chart.yaml")) else {
            continue;
        };
        // How the condition now reads, when it was true: false, or unknown (an alias this
        // reader does not follow), which fails closed as a possible removal.
        let turned_off = |condition: &Condition| match (condition.eval(&old), condition.eval(&new))
        {
            (Some(true), Some(false)) => Some("is now false"),
            (Some(true), None) => Some("now reads an alias this reader does not follow"),
            _ => None,
        };
        let line = |condition: &Condition| condition.line(&new);
        for (name, condition) in dependencies(&chart) {
            if let Some(now) = turned_off(&condition) {
                let stateful = STATEFUL_CHARTS.contains(&name.as_str());
                let (signal, what) = if stateful {
                    (
                        Signal::StatefulResourceDestroyed,
                        "the data store it runs is deleted (volumes made from a StatefulSet's volumeClaimTemplates are kept unless its retention policy says Delete)",
                    )
                } else {
                    (
                        Signal::ResourceDestroyed,
                        "everything it renders is deleted",
                    )
                };
                facts.push(finding(
                    signal,
                    path,
                    line(&condition),
                    format!("subchart {name}"),
                    format!(
                        "turns off the subchart {name} (`{}` {now}): helm upgrade drops it, {what}",
                        condition.text
                    ),
                ));
            }
        }
        for template in templates((repo, tree), &dir) {
            let Some(text) = read(&template) else {
                continue;
            };
            let text = String::from_utf8_lossy(&text);
            for (object, condition) in guarded(&text) {
                let Some((signal, what)) = loss(&object.kind) else {
                    continue;
                };
                if let Some(now) = turned_off(&condition) {
                    facts.push(finding(
                        signal,
                        path,
                        line(&condition),
                        object.subject.clone(),
                        format!(
                            "{} in {template} is no longer rendered (`{}`: {now}): helm upgrade deletes it, {what}",
                            object.subject, condition.text
                        ),
                    ));
                }
            }
        }
    }
    facts
}

fn finding(
    signal: Signal,
    file: &str,
    line: Option<u32>,
    subject: String,
    message: String,
) -> Fact {
    Fact {
        signal,
        file: Some(file.to_string()),
        line,
        quantity: 1.0,
        message,
        related: Vec::new(),
        subject: Some(subject),
    }
}

/// The chart directory (with its trailing `/`, empty at the root) of a default values file.
fn values_dir(path: &str) -> Option<String> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    matches!(name, "values.yaml" | "values.yml").then(|| {
        if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        }
    })
}

/// `path`'s content after the change: its new version when the change edits it, else the
/// tree's blob (a file the change deletes is gone).
fn current(
    contents: &[FileContents<'_>],
    (repo, tree): (&Repository, Oid),
    path: &str,
) -> Option<Vec<u8>> {
    let touched = |c: &&FileContents<'_>| {
        c.file.new_path.as_deref() == Some(path) || c.file.old_path.as_deref() == Some(path)
    };
    if let Some(changed) = contents.iter().find(touched) {
        return (changed.file.new_path.as_deref() == Some(path))
            .then(|| changed.new.bytes().map(<[u8]>::to_vec))
            .flatten();
    }
    let root = repo.find_tree(tree).ok()?;
    let entry = root.get_path(std::path::Path::new(path)).ok()?;
    Some(repo.find_blob(entry.id()).ok()?.content().to_vec())
}

/// Every file under the chart's `templates/` in `tree` that Helm renders into the release
/// (it reads the folder recursively).
fn templates((repo, tree): (&Repository, Oid), dir: &str) -> Vec<String> {
    let folder = format!("{dir}templates");
    let Some(subtree) = repo
        .find_tree(tree)
        .ok()
        .and_then(|root| root.get_path(std::path::Path::new(&folder)).ok())
        .and_then(|entry| entry.to_object(repo).ok())
        .and_then(|object| object.into_tree().ok())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let _ = subtree.walk(TreeWalkMode::PreOrder, |root, entry| {
        if entry.kind() == Some(ObjectType::Blob)
            && let Ok(name) = entry.name()
            // Partials (`_helpers.tpl`) render only where included; NOTES.txt is no object.
            && !name.starts_with('_')
            && name != "NOTES.txt"
        {
            out.push(format!("{folder}/{root}{name}"));
        }
        TreeWalkResult::Ok
    });
    out
}

/// Every values path of the first document with its truth as Go templates see it; `None`
/// when the file is not YAML.
fn truths(source: &[u8]) -> Option<Truths> {
    let documents = tree::parse(source).ok()?;
    let anchors = scalar_anchors(&String::from_utf8_lossy(source));
    let mut out = Truths::new();
    if let Some(root) = documents.first() {
        flatten(root, "", &anchors, &mut out);
    }
    Some(out)
}

fn flatten(node: &Node, prefix: &str, anchors: &HashMap<String, bool>, out: &mut Truths) {
    for entry in node.entries() {
        let path = if prefix.is_empty() {
            entry.key.clone()
        } else {
            format!("{prefix}.{}", entry.key)
        };
        out.insert(path.clone(), (truthy(&entry.value, anchors), entry.line));
        flatten(&entry.value, &path, anchors, out);
    }
}

/// Go template truth: false, 0, nil and empty strings, lists and maps are false. `no` and
/// `off` are YAML 1.1 booleans, as Helm's YAML reader takes them. The YAML reader leaves an
/// alias as its `*name` text: one naming a scalar anchor takes that scalar's truth, any other
/// is unknown (`None`).
fn truthy(node: &Node, anchors: &HashMap<String, bool>) -> Option<bool> {
    match &node.value {
        Value::Scalar(text) => match text.strip_prefix('*') {
            Some(alias) => anchors.get(alias).copied(),
            None => Some(plain_truth(text)),
        },
        Value::Map(entries) => Some(!entries.is_empty()),
        Value::Seq(items) => Some(!items.is_empty()),
        Value::Null => Some(false),
    }
}

fn plain_truth(text: &str) -> bool {
    !matches!(
        text.to_ascii_lowercase().as_str(),
        "false" | "no" | "off" | "0" | "" | "null" | "~"
    )
}

/// The truth of every anchor set on a scalar (`on: &on true`), read from the text: a quoted
/// scalar is a string, true unless empty. Anchors on maps and lists are left out.
fn scalar_anchors(text: &str) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let Some(at) = line.find(": &").map(|at| at + 3).or_else(|| {
            let trimmed = line.trim_start();
            trimmed
                .starts_with("- &")
                .then(|| line.len() - trimmed.len() + 3)
        }) else {
            continue;
        };
        let rest = &line[at..];
        let (name, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let value = value.split(" #").next().unwrap_or(value).trim();
        if name.is_empty() || value.is_empty() {
            continue;
        }
        let quoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')));
        let truth = quoted.map_or_else(|| plain_truth(value), |inner| !inner.is_empty());
        out.insert(name.to_string(), truth);
    }
    out
}

/// A condition on values this module can evaluate.
#[derive(Debug, Clone, PartialEq)]
struct Condition {
    /// As written, for messages.
    text: String,
    expression: Expression,
}

#[derive(Debug, Clone, PartialEq)]
enum Expression {
    Path(String),
    Not(Box<Expression>),
    And(Vec<Expression>),
    Or(Vec<Expression>),
}

impl Condition {
    fn eval(&self, truths: &Truths) -> Option<bool> {
        self.expression.eval(truths)
    }

    /// The new line of the first path the condition reads that still exists.
    fn line(&self, truths: &Truths) -> Option<u32> {
        self.expression
            .paths()
            .into_iter()
            .find_map(|path| truths.get(path).map(|(_, line)| *line))
    }
}

impl Expression {
    fn eval(&self, truths: &Truths) -> Option<bool> {
        match self {
            Self::Path(path) => match truths.get(path) {
                Some((truth, _)) => *truth,
                None => Some(false),
            },
            Self::Not(inner) => inner.eval(truths).map(|truth| !truth),
            Self::And(parts) => parts
                .iter()
                .try_fold(true, |all, part| Some(all && part.eval(truths)?)),
            Self::Or(parts) => parts
                .iter()
                .try_fold(false, |any, part| Some(any || part.eval(truths)?)),
        }
    }

    fn paths(&self) -> Vec<&str> {
        match self {
            Self::Path(path) => vec![path],
            Self::Not(inner) => inner.paths(),
            Self::And(parts) | Self::Or(parts) => parts.iter().flat_map(Self::paths).collect(),
        }
    }
}

/// `.Values.a.b`, `not X`, `and X Y…`, `or X Y…` (operands plain paths or parenthesised).
fn expression(text: &str) -> Option<Expression> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return expression(inner);
    }
    // `$` is the template's root, which `.` is too outside `range` and `with`.
    if let Some(path) = text
        .strip_prefix(".Values.")
        .or_else(|| text.strip_prefix("$.Values."))
    {
        let plain = path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
        return plain.then(|| Expression::Path(path.to_string()));
    }
    let (word, rest) = text.split_once(char::is_whitespace)?;
    let operands =
        || -> Option<Vec<Expression>> { operands(rest)?.into_iter().map(expression).collect() };
    match word {
        "not" => Some(Expression::Not(Box::new(expression(rest)?))),
        "and" => Some(Expression::And(operands()?)),
        "or" => Some(Expression::Or(operands()?)),
        _ => None,
    }
}

/// The space-separated operands of `text`, a parenthesised group as one.
fn operands(text: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0_i32, None);
    for (at, c) in text.char_indices() {
        match c {
            '(' => {
                depth += 1;
                start.get_or_insert(at);
            }
            ')' => depth -= 1,
            c if c.is_whitespace() && depth == 0 => {
                if let Some(from) = start.take() {
                    out.push(&text[from..at]);
                }
                continue;
            }
            _ => {
                start.get_or_insert(at);
            }
        }
        if depth < 0 {
            return None;
        }
    }
    if let Some(from) = start {
        out.push(&text[from..]);
    }
    (depth == 0 && !out.is_empty()).then_some(out)
}

/// One open block of a template, for the objects inside it.
enum Frame {
    /// `if`/`with` whose body renders only when the condition holds (`None`: not readable).
    Guard(Option<Condition>),
    /// Any other block, or an `else` branch: no condition this module reads.
    Other,
    /// A `define`: its text renders only where it is included.
    Define,
}

/// The objects of `text` whose rendering one readable `if`/`with` guards, with the innermost
/// such guard (any enclosing guard turned off drops the object).
fn guarded(text: &str) -> Vec<(helm::Rendered, Condition)> {
    let mut actions = actions(text).into_iter().peekable();
    let mut stack: Vec<Frame> = Vec::new();
    let mut out = Vec::new();
    for object in helm::objects(text) {
        while let Some((_, action)) = actions.next_if(|(line, _)| *line < object.line) {
            step(&mut stack, &action);
        }
        if stack.iter().any(|frame| matches!(frame, Frame::Define)) {
            continue;
        }
        let guard = stack.iter().rev().find_map(|frame| match frame {
            Frame::Guard(condition) => condition.clone(),
            _ => None,
        });
        if let Some(condition) = guard
            && !helm::kept(text, object.line)
        {
            out.push((object, condition));
        }
    }
    out
}

/// Applies one template action to the open blocks.
fn step(stack: &mut Vec<Frame>, action: &str) {
    let (word, rest) = action
        .split_once(char::is_whitespace)
        .unwrap_or((action, ""));
    match word {
        "if" | "with" => stack.push(Frame::Guard(expression(rest).map(|expression| Condition {
            text: rest.trim().to_string(),
            expression,
        }))),
        "range" | "block" => stack.push(Frame::Other),
        "define" => stack.push(Frame::Define),
        "else" => {
            if let Some(top) = stack.last_mut()
                && !matches!(top, Frame::Define)
            {
                *top = Frame::Other;
            }
        }
        "end" => {
            stack.pop();
        }
        _ => {}
    }
}

/// Every `{{ … }}` action of `text` with its 1-based line, trim markers and comments dropped.
fn actions(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut consumed = 0;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        let inner = &rest[open + 2..open + close];
        let inner = inner.strip_prefix('-').unwrap_or(inner);
        let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
        let line = text[..consumed + open].matches('\n').count() + 1;
        if !inner.starts_with("/*") {
            out.push((u32::try_from(line).unwrap_or(u32::MAX), inner.to_string()));
        }
        consumed += open + close + 2;
        rest = &rest[open + close + 2..];
    }
    out
}

/// `dependencies[]` of a `Chart.yaml` with a readable `condition` (the first of a
/// comma-separated list, as Helm uses the first path that exists).
fn dependencies(chart: &[u8]) -> Vec<(String, Condition)> {
    let Ok(documents) = tree::parse(chart) else {
        return Vec::new();
    };
    documents
        .first()
        .and_then(|root| root.get("dependencies"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|dependency| {
            let name = dependency.get("name")?.as_str()?.to_string();
            let condition = dependency.get("condition")?.as_str()?;
            let path = condition.split(',').next()?.trim();
            Some((
                name,
                Condition {
                    text: path.to_string(),
                    expression: Expression::Path(path.to_string()),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests;
