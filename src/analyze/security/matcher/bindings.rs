//! Names a file gives to what the rows know by another name: imports that rename
//! (`import subprocess as sp`), imports under the same name (`from pickle import loads`),
//! assignments of one name to another (`run = subprocess.run`) and lookups by string
//! (`getattr(subprocess, "run")`). A callee written with such a name is matched under the name
//! it stands for as well, so writing a call another way does not hide it.

use std::collections::HashMap;

use tree_sitter::Node;

use super::{select, text};
use crate::analyze::lang::kind_of;
use crate::analyze::security::shape::{Binding, LookedUp, LookupCall, Syntax};

/// How deep lookups may nest in one name (`getattr(getattr(…), …)`): enough for any written
/// by hand, and a bound on the recursion a crafted file could ask for.
const NESTING: usize = 8;

/// The longest name a local name may stand for. Every row's name is far shorter, and without
/// a bound `x = x.next` written again and again would grow one name by a segment per line.
const LONGEST_NAME: usize = 256;

/// What the file has bound so far in the walk's order.
#[derive(Debug, Default)]
pub(super) struct Bound {
    /// Local name → the name it stands for.
    names: HashMap<String, String>,
    /// Modules whose every name was imported (`from subprocess import *`).
    wildcards: Vec<String>,
}

impl Bound {
    /// Records what `node` (of `kind`) binds, if it is one of the syntax's bindings.
    pub(super) fn meet(&mut self, syntax: &Syntax, kind: &str, node: Node<'_>, source: &[u8]) {
        for binding in syntax.bindings {
            match *binding {
                Binding::Import {
                    kind: of,
                    imported,
                    local,
                    module,
                } if of == kind => {
                    if let Some((local, imported)) =
                        imported_as(node, imported, local, module, source)
                    {
                        self.bind(&local, Some(imported));
                    }
                }
                Binding::FromImport {
                    kind: of,
                    module,
                    names,
                    plain,
                    wildcard,
                } if of == kind => {
                    self.bind_from_import(node, module, names, (plain, wildcard), source);
                }
                Binding::Assignment {
                    kind: of,
                    left,
                    right,
                    callable_strings,
                    lists,
                } if of == kind => {
                    let (Some(left), Some(right)) = (
                        node.child_by_field_name(left),
                        node.child_by_field_name(right),
                    ) else {
                        continue;
                    };
                    for (left, right) in assigned_pairs(left, right, lists, source) {
                        let Some(local) = local_name(text(left, source)) else {
                            continue;
                        };
                        let value = trim(&source[right.byte_range()]);
                        let named = self
                            .named(syntax, value)
                            .or_else(|| callable_strings.then(|| string_literal(value)).flatten());
                        self.bind(local, named);
                    }
                }
                Binding::Destructuring {
                    kind: of,
                    pattern,
                    value,
                    shorthand,
                    renamed,
                } if of == kind => {
                    let (Some(taken), Some(value)) = (
                        node.child_by_field_name(pattern.0)
                            .filter(|taken| kind_of(*taken) == pattern.1),
                        node.child_by_field_name(value),
                    ) else {
                        continue;
                    };
                    let Some(object) = self.named(syntax, &source[value.byte_range()]) else {
                        continue;
                    };
                    self.bind_taken(taken, &object, shorthand, renamed, source);
                }
                _ => {}
            }
        }
    }

    /// The other names a call's callee `called` may stand for: through a dispatch or lookup
    /// call, the global object, a bound first segment, or a wildcard import.
    pub(super) fn alternatives(
        &self,
        syntax: &Syntax,
        node: Node<'_>,
        source: &[u8],
        called: &str,
    ) -> Vec<String> {
        let nothing_bound = self.names.is_empty() && self.wildcards.is_empty();
        if nothing_bound && syntax.lookups.is_empty() && syntax.global_objects.is_empty() {
            // Most calls of a file without bindings, and every call in a language without
            // any of these forms.
            return Vec::new();
        }
        let looked_up = dispatched(syntax, node, source, called).or_else(|| {
            syntax
                .lookups
                .iter()
                .any(|lookup| {
                    !matches!(lookup.returns, LookedUp::Dispatch(_))
                        && starts_with_segment(called, lookup.callee)
                })
                .then(|| callee_text(syntax, node, source))
                .flatten()
                .and_then(|callee| resolve(syntax.lookups, callee, 0))
        });
        let name = looked_up.as_deref().unwrap_or(called);
        let name = syntax
            .global_objects
            .iter()
            .find_map(|(global, _)| {
                name.strip_prefix(global)
                    .and_then(|rest| rest.strip_prefix('.'))
            })
            .unwrap_or(name);
        let mut names = match self.unaliased(name) {
            Some(unaliased) => vec![unaliased],
            None if !name.contains('.') => self
                .wildcards
                .iter()
                .map(|module| format!("{module}.{name}"))
                .chain((name != called).then(|| name.to_string()))
                .collect(),
            None => (name != called)
                .then(|| name.to_string())
                .into_iter()
                .collect(),
        };
        names.retain(|other| other != called);
        names
    }

    /// The name `expression` denotes ([`resolve`]), through what is bound so far.
    fn named(&self, syntax: &Syntax, expression: &[u8]) -> Option<String> {
        let name = resolve(syntax.lookups, expression, 0)?;
        Some(self.unaliased(&name).unwrap_or(name))
    }

    /// `name` with its first segment replaced by what that segment is bound to.
    fn unaliased(&self, name: &str) -> Option<String> {
        let (first, rest) = name.split_once('.').unwrap_or((name, ""));
        let bound = self.names.get(first)?;
        Some(if rest.is_empty() {
            bound.clone()
        } else {
            format!("{bound}.{rest}")
        })
    }

    /// Binds `local` to `to`, or unbinds it (`None`, itself, or a name no row could be).
    fn bind(&mut self, local: &str, to: Option<String>) {
        match to.filter(|to| to != local && to.len() <= LONGEST_NAME) {
            Some(to) => {
                self.names.insert(local.to_string(), to);
            }
            None => {
                self.names.remove(local);
            }
        }
    }

    /// `{ a, b: c }` taken from `object`: `a` is `object.a`, `c` is `object.b`.
    fn bind_taken(
        &mut self,
        pattern: Node<'_>,
        object: &str,
        shorthand: &str,
        (renamed, property, local): (&str, &str, &str),
        source: &[u8],
    ) {
        let mut cursor = pattern.walk();
        let taken: Vec<(String, String)> = pattern
            .named_children(&mut cursor)
            .filter_map(|part| {
                let kind = kind_of(part);
                let (property, local) = if kind == shorthand {
                    (part, part)
                } else if kind == renamed {
                    (
                        part.child_by_field_name(property)?,
                        part.child_by_field_name(local)?,
                    )
                } else {
                    return None;
                };
                let property = local_name(text(property, source))?;
                let local = local_name(text(local, source))?;
                Some((local.to_string(), format!("{object}.{property}")))
            })
            .collect();
        for (local, to) in taken {
            self.bind(&local, Some(to));
        }
    }

    /// `from module import a, b`: each plain name is `module.name`; `*` imports every name.
    fn bind_from_import(
        &mut self,
        node: Node<'_>,
        module: &str,
        names: &str,
        (plain, wildcard): (&str, &str),
        source: &[u8],
    ) {
        let Some(module) = node
            .child_by_field_name(module)
            .map(|module| text(module, source).trim())
            .filter(|module| !module.is_empty() && !module.starts_with('.'))
        else {
            return;
        };
        let mut cursor = node.walk();
        if node
            .named_children(&mut cursor)
            .any(|child| kind_of(child) == wildcard)
        {
            // Each one adds a name to try for every bare call, so each module counts once.
            if !self.wildcards.iter().any(|known| known == module) {
                self.wildcards.push(module.to_string());
            }
            return;
        }
        let imported: Vec<String> = node
            .children_by_field_name(names, &mut cursor)
            .filter(|name| kind_of(*name) == plain)
            .filter_map(|name| local_name(text(name, source)).map(str::to_string))
            .collect();
        for name in imported {
            let to = format!("{module}.{name}");
            self.bind(&name, Some(to));
        }
    }
}

/// The local name an import node gives, and what it imports (`sp` → `subprocess`,
/// `r` → `subprocess.run`, Go's `sh` → `interp`).
fn imported_as(
    node: Node<'_>,
    imported: &str,
    local: &str,
    module: Option<&str>,
    source: &[u8],
) -> Option<(String, String)> {
    let local = local_name(text(node.child_by_field_name(local)?, source))?;
    let imported = text(node.child_by_field_name(imported)?, source).trim();
    let imported = match imported.strip_prefix(['"', '`']) {
        Some(path) => go_package(path.trim_end_matches(['"', '`']))?.to_string(),
        None => imported.to_string(),
    };
    let module = module
        .and_then(|field| node.parent()?.child_by_field_name(field))
        .map(|module| text(module, source).trim())
        .filter(|module| !module.is_empty() && !module.starts_with('.'));
    let imported = match module {
        Some(module) => format!("{module}.{imported}"),
        None => imported,
    };
    (imported != local).then(|| (local.to_string(), imported))
}

/// The package name of a Go import path: its last element, past a `/vN` major version and
/// without a `.vN` suffix (`mvdan.cc/sh/v3/interp` → `interp`, `gopkg.in/yaml.v3` → `yaml`).
pub(super) fn go_package(path: &str) -> Option<&str> {
    let is_version = |part: &str| {
        part.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut parts = path.rsplit('/');
    let mut last = parts.next()?;
    if is_version(last) {
        last = parts.next()?;
    }
    match last.rsplit_once('.') {
        Some((name, version)) if is_version(version) => Some(name),
        _ => Some(last),
    }
}

/// The (name, value) pairs an assignment makes: itself, or, for a list of names given a list
/// of as many values (`run, x = subprocess.run, 1`, Go's `c, err := exec.Command, nil`,
/// `[run] = [cp.exec]`), each name with its value.
fn assigned_pairs<'t>(
    left: Node<'t>,
    right: Node<'t>,
    lists: &[&str],
    source: &[u8],
) -> Vec<(Node<'t>, Node<'t>)> {
    if local_name(text(left, source)).is_some() {
        return vec![(left, right)];
    }
    if !lists.contains(&kind_of(left)) || !lists.contains(&kind_of(right)) {
        // A list of names given one value (`host, port = address.split(":")`) binds nothing
        // this can follow.
        return Vec::new();
    }
    let (mut names, mut values) = (left.walk(), right.walk());
    let names: Vec<Node<'t>> = left.named_children(&mut names).collect();
    let values: Vec<Node<'t>> = right.named_children(&mut values).collect();
    if names.len() == values.len() {
        names.into_iter().zip(values).collect()
    } else {
        Vec::new()
    }
}

/// `text` as a local name: one identifier (letters of any script, digits, `_`, `$`), without
/// the `$` or `@` its callee's dotted text leaves out (PHP's `$f`, JavaScript's `$run`).
fn local_name(text: &str) -> Option<&str> {
    let name = text.trim().trim_matches(['$', '@']);
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$'))
    .then_some(name)
}

/// The callee expression of call `node`, as bytes of the source.
fn callee_text<'s>(syntax: &Syntax, node: Node<'_>, source: &'s [u8]) -> Option<&'s [u8]> {
    let (_, selector, _) = syntax
        .calls
        .iter()
        .find(|(kind, ..)| *kind == kind_of(node))?;
    Some(&source[select(node, *selector)?.byte_range()])
}

/// The name a dispatch call (`send(:system, cmd)`, `Kernel.public_send(:system, cmd)`,
/// `call_user_func('shell_exec', $cmd)`) calls: its first argument, a symbol or a plain
/// string, on the call's own receiver.
fn dispatched(syntax: &Syntax, node: Node<'_>, source: &[u8], called: &str) -> Option<String> {
    let (receiver, arguments) = syntax.lookups.iter().find_map(|lookup| {
        let LookedUp::Dispatch(arguments) = lookup.returns else {
            return None;
        };
        let receiver = match called.strip_suffix(lookup.callee)? {
            "" => "",
            prefix => prefix.strip_suffix('.')?,
        };
        Some((receiver, arguments))
    })?;
    let first = node.child_by_field_name(arguments)?.named_child(0)?;
    let first = trim(&source[first.byte_range()]);
    let method = match first.strip_prefix(b":") {
        Some(symbol) => identifier(symbol)
            .filter(|(_, rest)| rest.is_empty())?
            .0
            .to_string(),
        None => string_literal(first)?,
    };
    Some(if receiver.is_empty() {
        method
    } else {
        format!("{receiver}.{method}")
    })
}

/// An expression read as the name it denotes: a dotted name, or a lookup with string
/// arguments followed by members (`importlib.import_module("pickle").loads` →
/// `pickle.loads`). `None` for anything else. Reads bytes, so a long right-hand side is
/// given up at its first character that cannot start a name, without being decoded.
pub(super) fn resolve(lookups: &[LookupCall], expression: &[u8], depth: usize) -> Option<String> {
    let (mut name, mut rest) = dotted_prefix(expression)?;
    if rest.first() == Some(&b'(') {
        let lookup = lookups.iter().find(|lookup| lookup.callee == name)?;
        if depth >= NESTING {
            return None;
        }
        let (arguments, after) = arguments(rest)?;
        name = looked_up(lookups, lookup.returns, &arguments, depth)?;
        rest = after;
    }
    let mut rest = trim(rest);
    while let Some(after_dot) = rest.strip_prefix(b".") {
        let (member, after) = identifier(trim(after_dot))?;
        name.push('.');
        name.push_str(member);
        rest = trim(after);
    }
    rest.is_empty().then_some(name)
}

/// What a lookup's arguments name.
fn looked_up(
    lookups: &[LookupCall],
    returns: LookedUp,
    arguments: &[&[u8]],
    depth: usize,
) -> Option<String> {
    match (returns, arguments) {
        (LookedUp::Module, [module, ..]) => string_literal(module),
        (LookedUp::Attribute, [object, attribute, ..]) => {
            let object = resolve(lookups, object, depth + 1)?;
            Some(format!("{object}.{}", string_literal(attribute)?))
        }
        // A dispatch is read from the call's arguments node ([`dispatched`]), not from text;
        // too few arguments name nothing.
        _ => None,
    }
}

/// A leading dotted name (`a.b.c`), and the bytes after it.
fn dotted_prefix(expression: &[u8]) -> Option<(String, &[u8])> {
    let (first, mut rest) = identifier(trim(expression))?;
    let mut name = first.to_string();
    loop {
        let after = trim(rest);
        let Some((member, after)) = after
            .strip_prefix(b".")
            .and_then(|after| identifier(trim(after)))
        else {
            return Some((name, after));
        };
        name.push('.');
        name.push_str(member);
        rest = after;
    }
}

/// A leading ASCII identifier and the bytes after it.
fn identifier(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let is_part = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$';
    let end = bytes
        .iter()
        .position(|b| !is_part(b))
        .unwrap_or(bytes.len());
    if end == 0 || bytes[0].is_ascii_digit() {
        return None;
    }
    let (name, rest) = bytes.split_at(end);
    Some((std::str::from_utf8(name).ok()?, rest))
}

/// The top-level arguments of `(…)` at the start of `bytes`, and the bytes after `)`.
/// Quoted strings are skipped whole; `None` when the brackets do not close.
fn arguments(bytes: &[u8]) -> Option<(Vec<&[u8]>, &[u8])> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut start = 1;
    let mut found = Vec::new();
    let mut escaped = false;
    for (at, &byte) in bytes.iter().enumerate() {
        if let Some(open) = quote {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                _ if byte == open => quote = None,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' | b'\'' | b'`' => quote = Some(byte),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    let last = trim(&bytes[start..at]);
                    if !last.is_empty() {
                        found.push(last);
                    }
                    return Some((found, &bytes[at + 1..]));
                }
            }
            b',' if depth == 1 => {
                found.push(trim(&bytes[start..at]));
                start = at + 1;
            }
            _ => {}
        }
    }
    None
}

/// The text of a plain string literal (`"pickle"`, `'loads'`, Python's `r"pickle"`): quotes
/// of one kind, no escapes, no interpolation.
fn string_literal(bytes: &[u8]) -> Option<String> {
    let bytes = match bytes.first() {
        Some(b'r' | b'R' | b'u' | b'U') => &bytes[1..],
        _ => bytes,
    };
    let (&open, inner) = bytes.split_first()?;
    let (&close, inner) = inner.split_last()?;
    let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/');
    ((open == b'"' || open == b'\'') && close == open && inner.iter().all(plain))
        .then(|| String::from_utf8_lossy(inner).into_owned())
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Whether `name` is `prefix` or starts with `prefix.`.
fn starts_with_segment(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}
