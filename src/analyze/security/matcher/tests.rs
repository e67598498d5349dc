//! The file-wide token list stands in for walking each subtree.

use std::time::Duration;

use super::*;
use crate::analyze::lang;

/// `source` parsed as the file at `path`, and its language's security syntax.
fn parsed(path: &str, source: &str) -> (tree_sitter::Tree, &'static Syntax) {
    let language = lang::for_path(path, b"").expect("a language");
    let compiled = language.compiled().expect("grammar");
    let tree = crate::analyze::blast::outline::parse::parse(
        language,
        compiled,
        source.as_bytes(),
        Duration::from_secs(5),
    )
    .expect("parses");
    let table = super::super::rows::TABLES
        .iter()
        .find(|table| table.languages.contains(&language.name))
        .expect("a security table");
    (tree, table.syntax)
}

/// For every named node of real-shaped JavaScript and Python (nested callbacks, comments,
/// strings, trailing commas), the file index answers as walking the node would: its tokens,
/// whether one matches a pattern (counted as for big argument lists), and whether a node below
/// builds a string (found from the file's builders). Not inside a string literal, which is one
/// token whole, nor a lone trailing comma: neither is ever an argument list.
#[test]
fn a_subtree_tokens_are_a_run_of_the_file_tokens() {
    let samples = [
        (
            "app.js",
            "// setup\nconst cp = require('child_process');\nrun(function () {\n  exec(`ls ${dir}`, { shell: true, }, (e) => { /* x */ log(e, 'done',); });\n}, [1, 2,]);\n",
        ),
        (
            "tool.py",
            "import subprocess\n\ndef go(cmd):\n    # run it\n    subprocess.run(\n        [cmd, \"-x\",],\n        shell=True,\n        env={'A': f\"{cmd}\"},\n    )\n",
        ),
    ];
    for (path, source) in samples {
        let (tree, syntax) = parsed(path, source);
        let bytes = source.as_bytes();
        let index = FileIndex::new(tree.root_node(), tokens_at(syntax, tree.root_node(), bytes));
        let builds = |node: Node<'_>| builds_string(syntax, node, bytes);
        let mut stack = vec![tree.root_node()];
        let mut checked = 0;
        while let Some(node) = stack.pop() {
            if node.is_named() && !node.kind().contains("comment") {
                let own = tokens(syntax, node, bytes);
                let run: Vec<&str> = index.of(node).iter().map(|(_, token)| *token).collect();
                let at = format!("{path}: {} at {:?}", node.kind(), node.byte_range());
                assert_eq!(run, own, "{at}");
                let (from, to) = index.span(node);
                for pattern in ["exec", "shell", "true", "log*", "'done'"] {
                    let walked = own.iter().any(|token| token_matches(token, pattern));
                    assert_eq!(index.counted(from, to, pattern), walked, "{at}: {pattern}");
                    assert_eq!(index.has(node, pattern), walked, "{at}: {pattern}");
                }
                assert_eq!(
                    index.indexed_builds_below(node, &builds),
                    index::any_below(node, &builds),
                    "{at}: builds a string"
                );
                checked += 1;
            }
            if syntax.strings.contains(&node.kind()) && !interpolated(syntax, node) {
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        assert!(checked > 25, "{path}: only {checked} nodes");
    }
}

/// Callee names skip what is enclosed in `(…)`, `{…}` and `<…>` whole: a member chain through
/// calls keeps its names, a string subscript is a segment, and an immediately invoked function
/// has no name. Counted token by token, the `>` of comparisons in the function's body closed
/// brackets it never opened, and the tokens after them became a name (`returnchild_process.exec`,
/// which ends with `exec`).
#[test]
fn callee_names_skip_bracketed_groups() {
    let source = "a.b(1, (x) => { return x > 0; }).c(2);\nos.environ['HOME'].get();\n(() => { if (a > b && c > d) {} return child_process.exec })()(`ls ${dir}`);\nfoo.bar<T>(x);\n";
    let (tree, syntax) = parsed("app.ts", source);
    let mut names = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if let Some(name) = callee(syntax, node, source.as_bytes()) {
            names.push(name);
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    names.sort();
    assert_eq!(
        names,
        ["", "", "a.b", "a.b.c", "foo.bar", "os.environ.HOME.get"],
        "{names:?}"
    );
}

/// A Go import path's package name: its last element, past a major version.
#[test]
fn go_package_names() {
    for (path, name) in [
        ("os/exec", "exec"),
        ("mvdan.cc/sh/v3/interp", "interp"),
        ("github.com/golang-jwt/jwt/v5", "jwt"),
        ("gopkg.in/yaml.v3", "yaml"),
        ("golang.org/x/crypto/bcrypt", "bcrypt"),
    ] {
        assert_eq!(super::bindings::go_package(path), Some(name), "{path}");
    }
}

/// An expression read as the name it denotes: dotted names and lookups with plain string
/// arguments, members after them; anything else (a computed name, an f-string, a call that
/// is not a lookup, an operator) is no name. Nesting past the bound is no name either.
#[test]
fn expressions_read_as_names() {
    let lookups = super::super::rows::TABLES
        .iter()
        .find(|table| table.languages.contains(&"python"))
        .expect("a Python table")
        .syntax
        .lookups;
    let read = |expression: &str| super::bindings::resolve(lookups, expression.as_bytes(), 0);
    for (expression, name) in [
        ("subprocess.run", "subprocess.run"),
        (" a . b . c ", "a.b.c"),
        ("getattr(subprocess, \"run\")", "subprocess.run"),
        ("getattr( subprocess , 'run' ).x", "subprocess.run.x"),
        ("importlib.import_module(\"os.path\").join", "os.path.join"),
        ("__import__(r'pickle')", "pickle"),
        (
            "getattr(importlib.import_module(\"subprocess\"), \"run\")",
            "subprocess.run",
        ),
    ] {
        assert_eq!(read(expression).as_deref(), Some(name), "{expression}");
    }
    for expression in [
        "getattr(subprocess, name)",
        "getattr(subprocess, f\"run\")",
        "getattr(subprocess, \"a,b)\")",
        "getattr(subprocess, \"run\"",
        "load(\"x\")",
        "a.b()",
        "a + b",
        "1x",
        "",
    ] {
        assert_eq!(read(expression), None, "{expression}");
    }
    let nested = |depth: usize| {
        let mut expression = "os".to_string();
        for _ in 0..depth {
            expression = format!("getattr({expression}, \"x\")");
        }
        read(&expression)
    };
    assert_eq!(nested(8).as_deref(), Some("os.x.x.x.x.x.x.x.x"));
    assert_eq!(nested(9), None);
}
