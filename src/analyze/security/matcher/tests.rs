//! The file-wide token list stands in for walking each subtree.

use std::time::Duration;

use super::*;
use crate::analyze::lang;

/// For every named node of real-shaped JavaScript and Python (nested callbacks, comments,
/// strings, trailing commas), the file's tokens within the node are the node's own tokens.
/// (Not inside a string literal, which is one token whole, nor a lone trailing comma: neither
/// is ever an argument list.)
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
        let language = lang::for_path(path, b"").expect("a language");
        let compiled = language.compiled().expect("grammar");
        let tree = crate::analyze::blast::outline::parse::parse(
            language,
            compiled,
            source.as_bytes(),
            Duration::from_secs(5),
        )
        .expect("parses");
        let index = super::super::rows::TABLES
            .iter()
            .position(|table| table.languages.contains(&language.name))
            .expect("a security table");
        let syntax = super::super::rows::TABLES[index].syntax;
        let file_tokens = tokens_at(syntax, tree.root_node(), source.as_bytes());
        let mut stack = vec![tree.root_node()];
        let mut checked = 0;
        while let Some(node) = stack.pop() {
            if node.is_named() && !node.kind().contains("comment") {
                let own = tokens(syntax, node, source.as_bytes());
                let run: Vec<&str> = within(&file_tokens, node).collect();
                assert_eq!(
                    run,
                    own,
                    "{path}: {} at {:?}",
                    node.kind(),
                    node.byte_range()
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
