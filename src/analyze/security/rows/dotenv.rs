//! Dotenv files (`.env`): `KEY=value` lines, read with the shell grammar they borrow their
//! syntax from. A secret-named key with a value is a plaintext secret in the tree (the
//! `API_KEY` moved out of source into `.env` is still a committed secret); switches that turn
//! TLS verification off for Node, Python or git are a finding too.

use super::classes::{HARDCODED, TLS_OFF};
use crate::analyze::lang::Selector::Field;
use crate::analyze::security::shape::Shape::{HardcodedSecret, Setting};
use crate::analyze::security::shape::{Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[],
    settings: &[("variable_assignment", Field("name"), Field("value"))],
    comparisons: &[],
    decorators: &[],
    strings: &["string", "raw_string", "word"],
    interpolations: &["expansion", "simple_expansion", "command_substitution"],
    concats: &[],
    formats: &[],
    literals: &[],
    functions: &[],
    containers: &[],
    decorated: &[],
    bindings: &[],
    lookups: &[],
    global_objects: &[],
};

/// The dotenv table (the registry has no dotenv language; `table_for` picks it by file name).
pub static TABLE: Table = Table {
    languages: &[],
    syntax: &SYNTAX,
    rows: &[
        // Node: https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue;
        // git: https://git-scm.com/docs/git-config#Documentation/git-config.txt-httpsslVerify
        (
            &TLS_OFF,
            Setting(
                &["NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY"],
                &["0", "\"0\"", "'0'"],
            ),
        ),
        (&TLS_OFF, Setting(&["GIT_SSL_NO_VERIFY"], &["*"])),
        (&HARDCODED, HardcodedSecret),
    ],
};
