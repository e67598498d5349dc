//! The vocabulary of the construct tables: what a row matches ([`Shape`], [`Cond`]), what kind
//! of security-relevant code it is and why that matters ([`Class`], with its source), and how
//! one grammar spells calls, settings, comparisons and strings ([`Syntax`]).

use crate::analyze::lang::Selector;

/// A kind of security-relevant construct: the same id in every language, one line on why a
/// reviewer should look, and where that judgement comes from.
#[derive(Debug)]
pub struct Class {
    /// Stable kebab-case construct id, the first half of a fact's subject.
    pub id: &'static str,
    /// What it is, in words ("key derivation").
    pub what: &'static str,
    /// Why a change to it matters, one line.
    pub why: &'static str,
    /// CWE id and OWASP cheat sheet (or the library's documentation).
    pub source: &'static str,
}

/// What a row matches in the syntax tree.
#[derive(Debug)]
pub enum Shape {
    /// A call (or constructor) whose callee, as dotted text, is or ends with one of these names
    /// (`pbkdf2_hmac` matches `hashlib.pbkdf2_hmac`; a trailing `.*` matches any member), when
    /// every condition on its arguments holds.
    Call(&'static [&'static str], &'static [Cond]),
    /// A key set to a value: keyword argument, object or struct field, hash pair, assignment.
    /// Keys match like callees; values are token texts (case-insensitive), `*` for any value,
    /// `$secret` for a value that names a secret, `$built` for a string built from values.
    Setting(&'static [&'static str], &'static [&'static str]),
    /// A decorator, annotation or attribute with one of these names (matched like callees,
    /// arguments ignored).
    Decorator(&'static [&'static str]),
    /// `==` / `!=` where an operand is named like a secret and the other is not a null,
    /// boolean or number: a comparison that leaks timing.
    SecretComparison,
    /// A non-empty string literal set to a key named like a secret.
    HardcodedSecret,
    /// A string built by interpolation, concatenation or a format call whose literal text
    /// starts with an SQL statement keyword.
    SqlBuilt,
    /// A node of one of these kinds with an interpolation inside (Ruby and PHP backticks).
    InterpolatedKind(&'static [&'static str]),
}

/// A condition on a call's arguments (their leaf tokens: string literals count as one token
/// without quotes, symbols without their `:`; compared case-insensitively).
#[derive(Debug)]
pub enum Cond {
    /// Some token is one of these (`x*` matches a prefix).
    Token(&'static [&'static str]),
    /// A key token followed by `=`, `:` or `=>` and one of these values.
    Keyword(&'static str, &'static [&'static str]),
    /// Not every one of these tokens is present (`set_cookie` without `secure` or `httponly`).
    Missing(&'static [&'static str]),
    /// None of these tokens is present (`yaml.load` without a safe loader).
    Lacks(&'static [&'static str]),
    /// An argument is a string built from values (interpolation, `+`, a format call).
    Interpolated,
    /// An argument names a secret (`token`, `client_secret`, `api_key`…).
    Secret,
    /// An argument or the receiver names a secret (`token.equals(other)`).
    SecretOperand,
    /// A token of the callee's receiver chain is one of these (`Command::new("sh")…`).
    InChain(&'static [&'static str]),
    /// The callee is the name alone, without a receiver: the builtin `eval(code)`, not a
    /// model's `model.eval()` or an ORM session's `session.exec(query)`.
    Bare,
    /// An argument sets an origin to the string `*`: the nearest word before the `*` (past
    /// brackets, `,`, `=` and `:`) names an origin (`allow_origins=["*"]`, `{origin: '*'}`,
    /// `'Access-Control-Allow-Origin', '*'`), or there is none and the callee does
    /// (`allowedOrigins("*")`); `allow_methods=["*"]` is not one.
    AnyOrigin,
    /// The call passes nothing: the library's defaults (`cors()`).
    NoArguments,
}

/// How one grammar spells what the shapes look for. Kind and field names come from the
/// grammar's `node-types.json`.
#[derive(Debug)]
pub struct Syntax {
    /// Call node kinds and where the callee is; a second selector names the receiver part
    /// for grammars that split it (Java `object` + `name`).
    pub calls: &'static [(&'static str, Selector, Option<&'static str>)],
    /// Nodes that set a key to a value, with where the key and the value are.
    pub settings: &'static [(&'static str, Selector, Selector)],
    /// Binary-expression kinds that may be `==` / `!=` comparisons.
    pub comparisons: &'static [&'static str],
    /// Decorator, annotation or attribute kinds.
    pub decorators: &'static [&'static str],
    /// String literal kinds: one token each.
    pub strings: &'static [&'static str],
    /// Child kinds that make a string literal interpolated.
    pub interpolations: &'static [&'static str],
    /// Binary kinds that concatenate or format strings (`+`, PHP `.`, Python `%`).
    pub concats: &'static [&'static str],
    /// Callee names (last segment) that format a string (`format`, `Sprintf`).
    pub formats: &'static [&'static str],
    /// Literal kinds a secret comparison ignores on the other side (null, booleans, numbers).
    pub literals: &'static [&'static str],
    /// Function-like kinds with a `name` field: the scope whose body change counts.
    pub functions: &'static [&'static str],
    /// Class-like kinds with a `name` field: the scope of constructs outside functions.
    pub containers: &'static [&'static str],
    /// Wrappers whose `definition` field is the function their decorators belong to.
    pub decorated: &'static [&'static str],
    /// Ways a file names what the rows know by another name: callees written with the local
    /// name are matched under the other one too (`import subprocess as sp` → `sp.run` is
    /// `subprocess.run`; `run = subprocess.run` → `run(…)` is `subprocess.run(…)`).
    pub bindings: &'static [Binding],
    /// Calls that look a module or an attribute up by a string, read as the name they look up
    /// (`getattr(subprocess, "run")` is `subprocess.run`).
    pub lookups: &'static [LookupCall],
    /// Names of the global object, with a source each: a callee through one is the global
    /// itself too (`globalThis["eval"]` is `eval`).
    pub global_objects: &'static [(&'static str, &'static str)],
}

/// One syntax that binds a local name to another name.
#[derive(Debug)]
pub enum Binding {
    /// An import that renames what it imports.
    Import {
        /// The node kind (`aliased_import`, `import_spec`, `import_specifier`).
        kind: &'static str,
        /// The field holding what is imported; a quoted string is a Go import path, whose
        /// package name is its last element (without a `/vN` or `.vN` version).
        imported: &'static str,
        /// The field holding the local name.
        local: &'static str,
        /// The parent's field holding the module the imported name belongs to, when it may
        /// have one (`from subprocess import run as r`: `r` is `subprocess.run`).
        module: Option<&'static str>,
    },
    /// An import of names from a module under their own names (`from subprocess import run`:
    /// `run` is `subprocess.run`; after `from subprocess import *` any name may be one of
    /// its); renaming forms are left to [`Binding::Import`].
    FromImport {
        /// The statement's node kind.
        kind: &'static str,
        /// The field holding the module.
        module: &'static str,
        /// The field holding each imported name.
        names: &'static str,
        /// The kind of a name imported as itself.
        plain: &'static str,
        /// The kind of `*`.
        wildcard: &'static str,
    },
    /// An assignment whose right side is a name, a dotted name or a [`LookupCall`]
    /// (`run = subprocess.run`, `const ev = eval`, `c := exec.Command`), or where strings
    /// name functions, a string (PHP's `$f = 'shell_exec'`). Any other right side unbinds the
    /// name.
    Assignment {
        /// The node kind.
        kind: &'static str,
        /// The field holding the assigned name.
        left: &'static str,
        /// The field holding the value.
        right: &'static str,
        /// Whether a string on the right names the function the name then calls.
        callable_strings: bool,
        /// Kinds of a list of names or of values: a list given a list of as many values
        /// binds each name to its value (`load, n = pickle.loads, 1`).
        lists: &'static [&'static str],
    },
    /// A declaration that takes names out of an object (`const { exec: run } =
    /// require("child_process")`: `run` is `child_process.exec`).
    Destructuring {
        /// The declaration's node kind.
        kind: &'static str,
        /// The field holding the pattern, and the pattern's kind.
        pattern: (&'static str, &'static str),
        /// The field holding the value.
        value: &'static str,
        /// The kind of a name taken as itself (`{ exec }`).
        shorthand: &'static str,
        /// The kind of a name taken under another (`{ exec: run }`), and its fields for the
        /// property and the local name.
        renamed: (&'static str, &'static str, &'static str),
    },
}

/// A call that names what it returns with string arguments.
#[derive(Debug)]
pub struct LookupCall {
    /// The callee, as dotted text.
    pub callee: &'static str,
    /// What it returns.
    pub returns: LookedUp,
    /// Where the behaviour is documented.
    pub source: &'static str,
}

/// What a [`LookupCall`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookedUp {
    /// It calls the method or function its first argument names, on its own receiver if it
    /// has one, with the other arguments (`send(:system, cmd)` is `system(cmd)`,
    /// `call_user_func('shell_exec', $cmd)` is `shell_exec($cmd)`); the call node's field
    /// holding the arguments.
    Dispatch(&'static str),
    /// The module its first argument names (`importlib.import_module("pickle")`).
    Module,
    /// Its first argument's attribute that its second argument names
    /// (`getattr(pickle, "loads")`).
    Attribute,
}

/// One language's table.
#[derive(Debug)]
pub struct Table {
    /// Registry names (`lang::LANGUAGES`) this table applies to.
    pub languages: &'static [&'static str],
    /// The grammar's spelling.
    pub syntax: &'static Syntax,
    /// The rows: what class of construct each shape is.
    pub rows: &'static [(&'static Class, Shape)],
}

/// Parts of identifiers that name a secret, compared with `_`/`-` removed and lower case.
/// Source: the OWASP Secrets Management Cheat Sheet's list of secret kinds (passwords, API
/// keys, tokens, signing keys), and CWE-208 for what a comparison of them leaks.
pub const SECRET_WORDS: &[&str] = &[
    "secret",
    "token",
    "password",
    "passwd",
    "signature",
    "digest",
    "hmac",
    "apikey",
    "privatekey",
    "accesskey",
    "credential",
];

/// Whether `name` (an identifier, key or string) names a secret.
#[must_use]
pub fn names_secret(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_WORDS.iter().any(|word| folded.contains(word))
}

/// Whether the dotted `text` is, or ends with, the dotted `pattern` (`a.*`: `a` followed by
/// any member).
#[must_use]
pub fn name_matches(text: &str, pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(prefix) = pattern.strip_suffix(".*") {
        // `prefix` as a whole segment followed by a member: at the start or after a dot.
        return text.match_indices(prefix).any(|(at, _)| {
            (at == 0 || text.as_bytes()[at - 1] == b'.')
                && text.as_bytes().get(at + prefix.len()) == Some(&b'.')
        });
    }
    let (text, pattern) = (text.as_bytes(), pattern.as_bytes());
    text.eq_ignore_ascii_case(pattern)
        || text.len() > pattern.len()
            && text[text.len() - pattern.len()..].eq_ignore_ascii_case(pattern)
            && text[text.len() - pattern.len() - 1] == b'.'
}

/// Whether `token` equals `pattern` case-insensitively (`x*`: starts with `x`).
#[must_use]
pub fn token_matches(token: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => token
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix)),
        None => token.eq_ignore_ascii_case(pattern),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Callee patterns match whole dotted segments from the end, or a prefix with `.*`.
    #[test]
    fn names() {
        assert!(name_matches("hashlib.pbkdf2_hmac", "pbkdf2_hmac"));
        assert!(name_matches("pbkdf2_hmac", "pbkdf2_hmac"));
        assert!(!name_matches("my_pbkdf2_hmac", "pbkdf2_hmac"));
        assert!(name_matches("OpenSSL.Cipher.new", "OpenSSL.*"));
        assert!(!name_matches("OpenSSLx.new", "OpenSSL.*"));
        assert!(name_matches("self.jwt.decode", "jwt.*"));
        assert!(!name_matches("self.pyjwt.decode", "jwt.*"));
        assert!(!name_matches("self.jwt", "jwt.*"));
        assert!(!name_matches("a.jwtx.b", "jwt.*"));
        // Seen in Flask's tests: a string receiver with non-ASCII text.
        assert!(!name_matches("Hällo Wörld.encode", "loads"));
        assert!(name_matches("Wörld.loads", "loads"));
        assert!(names_secret("client_secret"));
        assert!(names_secret("API_KEY"));
        assert!(!names_secret("monkey"));
        assert!(token_matches("authenticate_user!", "authenticate*"));
    }
}
