//! JavaScript and TypeScript: Node's `crypto`, `child_process`, `fs`, `tls`/`https`; Web
//! Crypto (`crypto.subtle`); `bcrypt`/`argon2`; `jsonwebtoken`/`jose`; Express with
//! `express-session`, `cookie-session` and Passport; `NestJS` guards; `eval`, `Function` and
//! Node's `vm`; the `cors` middleware.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CORS_ANY_ORIGIN, CRYPTO, DESERIALISE, DYNAMIC_CODE, FILE_MODE,
    HARDCODED, JWT, JWT_UNVERIFIED, KDF, OAUTH, PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED,
    SECRET_STORED, SECURE_RANDOM, SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::Field;
use crate::analyze::security::shape::Binding::{Assignment, Destructuring, Import};
use crate::analyze::security::shape::Cond::{
    AnyOrigin, Bare, Interpolated, Keyword, Missing, NoArguments, Secret, Token,
};
use crate::analyze::security::shape::Shape::{
    Call, Decorator, HardcodedSecret, SecretComparison, Setting, SqlBuilt,
};
use crate::analyze::security::shape::{LookedUp, LookupCall, Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[
        ("call_expression", Field("function"), None),
        ("new_expression", Field("constructor"), None),
    ],
    settings: &[
        ("pair", Field("key"), Field("value")),
        ("assignment_expression", Field("left"), Field("right")),
        ("variable_declarator", Field("name"), Field("value")),
        ("public_field_definition", Field("name"), Field("value")),
    ],
    comparisons: &["binary_expression"],
    decorators: &["decorator"],
    strings: &["string", "template_string"],
    interpolations: &["template_substitution"],
    concats: &["binary_expression"],
    formats: &["format"],
    literals: &["null", "undefined", "true", "false", "number"],
    functions: &[
        "function_declaration",
        "generator_function_declaration",
        "method_definition",
    ],
    containers: &["class_declaration", "class"],
    decorated: &[],
    bindings: &[
        Import {
            kind: "import_specifier",
            imported: "name",
            local: "alias",
            module: None,
        },
        Assignment {
            kind: "variable_declarator",
            left: "name",
            right: "value",
            callable_strings: false,
            lists: &["array_pattern", "array"],
        },
        Assignment {
            kind: "assignment_expression",
            left: "left",
            right: "right",
            callable_strings: false,
            lists: &["array_pattern", "array"],
        },
        Destructuring {
            kind: "variable_declarator",
            pattern: ("name", "object_pattern"),
            value: "value",
            shorthand: "shorthand_property_identifier_pattern",
            renamed: ("pair_pattern", "key", "value"),
        },
    ],
    lookups: &[LookupCall {
        callee: "require",
        returns: LookedUp::Module,
        source: "Node.js docs, Modules: require(id)",
    }],
    global_objects: &[
        (
            "globalThis",
            "MDN, globalThis: the global object in every environment",
        ),
        ("window", "MDN, Window: the global object in browsers"),
        (
            "self",
            "MDN, WorkerGlobalScope.self: the global object in browsers and workers",
        ),
        (
            "global",
            "Node.js docs, Globals: global, the global namespace object",
        ),
    ],
};

const WORLD_WRITABLE: &[&str] = &[
    "0o777", "0o666", "0o776", "0o766", "0777", "0666", "777", "666", "511", "438",
];

/// The JavaScript/TypeScript table.
pub static TABLE: Table = Table {
    languages: &["javascript", "typescript", "tsx"],
    syntax: &SYNTAX,
    rows: &[
        (
            &CRYPTO,
            Call(
                &[
                    "createCipheriv",
                    "createDecipheriv",
                    "createCipher",
                    "createDecipher",
                    "createHmac",
                    "createHash",
                    "createSign",
                    "createVerify",
                    "generateKeyPair",
                    "generateKeyPairSync",
                    "publicEncrypt",
                    "privateDecrypt",
                    "subtle.encrypt",
                    "subtle.decrypt",
                    "subtle.importKey",
                    "subtle.generateKey",
                    "subtle.sign",
                    "subtle.verify",
                    "CryptoJS.*",
                ],
                &[],
            ),
        ),
        (
            &KDF,
            Call(
                &[
                    "crypto.pbkdf2",
                    "pbkdf2Sync",
                    "crypto.scrypt",
                    "scryptSync",
                    "crypto.hkdf",
                    "hkdfSync",
                    "subtle.deriveKey",
                    "subtle.deriveBits",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "bcrypt.hash",
                    "bcrypt.hashSync",
                    "bcrypt.compare",
                    "bcrypt.compareSync",
                    "bcrypt.genSalt",
                    "argon2.hash",
                    "argon2.verify",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (&CONSTANT_TIME, Call(&["timingSafeEqual"], &[])),
        (
            &SECURE_RANDOM,
            Call(
                &["randomBytes", "randomUUID", "getRandomValues", "randomInt"],
                &[],
            ),
        ),
        // jsonwebtoken's `decode` never verifies; `verify` accepting `none` is no check.
        (
            &JWT_UNVERIFIED,
            Call(&["jwt.decode", "jsonwebtoken.decode", "decodeJwt"], &[]),
        ),
        (&JWT_UNVERIFIED, Call(&["jwt.verify"], &[Token(&["none"])])),
        (
            &JWT,
            Call(
                &[
                    "jwt.sign",
                    "jwt.verify",
                    "jwtVerify",
                    "SignJWT",
                    "expressjwt",
                    "expressJwt",
                ],
                &[],
            ),
        ),
        (
            &OAUTH,
            Call(
                &[
                    "OAuth2Strategy",
                    "OAuth2Client",
                    "AuthorizationCode",
                    "ClientCredentials",
                    "getToken",
                ],
                &[Token(&["code*", "token*", "redirect*", "client*"])],
            ),
        ),
        (
            &SESSION,
            Call(
                &["res.cookie", "cookies.set"],
                &[Missing(&["secure", "httpOnly"])],
            ),
        ),
        (
            &SESSION,
            Call(
                &["session", "cookieSession", "expressSession"],
                &[Token(&["secret", "cookie", "keys"])],
            ),
        ),
        (&SESSION, Setting(&["httpOnly", "secure"], &["false"])),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "passport.authenticate",
                    "passport.use",
                    "passport.initialize",
                    "passport.session",
                    "passport.serializeUser",
                    "passport.deserializeUser",
                    "requireAuth",
                    "ensureAuthenticated",
                    "ensureLoggedIn",
                ],
                &[],
            ),
        ),
        (
            &AUTH_GUARD,
            Call(
                &["app.use", "router.use"],
                &[Token(&[
                    "auth*",
                    "passport*",
                    "jwt*",
                    "session*",
                    "csrf*",
                    "requireAuth*",
                    "ensure*",
                ])],
            ),
        ),
        (
            &AUTH_GUARD,
            Decorator(&[
                "UseGuards",
                "Roles",
                "Public",
                "Authorized",
                "Authorize",
                "SetMetadata",
            ]),
        ),
        (
            &TLS_OFF,
            Setting(&["rejectUnauthorized", "strictSSL"], &["false"]),
        ),
        (
            &TLS_OFF,
            Setting(&["NODE_TLS_REJECT_UNAUTHORIZED"], &["\"0\"", "'0'", "0"]),
        ),
        (
            &FILE_MODE,
            Call(
                &[
                    "chmod",
                    "chmodSync",
                    "fchmod",
                    "fchmodSync",
                    "mkdir",
                    "mkdirSync",
                    "writeFile",
                    "writeFileSync",
                ],
                &[Token(WORLD_WRITABLE)],
            ),
        ),
        (&FILE_MODE, Setting(&["mode"], WORLD_WRITABLE)),
        (
            &FILE_MODE,
            Call(&["process.umask"], &[Token(&["0", "0o000"])]),
        ),
        (
            &SHELL,
            Call(
                &[
                    "exec",
                    "execSync",
                    "child_process.exec",
                    "cp.exec",
                    "execa",
                    "execaCommand",
                    "execaCommandSync",
                ],
                &[Interpolated],
            ),
        ),
        (
            &SHELL,
            Call(
                &["spawn", "spawnSync", "execFile", "execFileSync"],
                &[Keyword("shell", &["true"]), Interpolated],
            ),
        ),
        // A shell named as the program runs the string after `-c` (or `/c`) as a command
        // line, whatever `shell` says: `spawn("sh", ["-c", `…${x}`])`.
        (
            &SHELL,
            Call(
                &[
                    "spawn",
                    "spawnSync",
                    "execFile",
                    "execFileSync",
                    "execa",
                    "execaSync",
                ],
                &[
                    Token(&[
                        "sh",
                        "bash",
                        "zsh",
                        "/bin/sh",
                        "/bin/bash",
                        "/bin/zsh",
                        "cmd",
                        "cmd.exe",
                        "powershell",
                        "pwsh",
                    ]),
                    Token(&["-c", "/c", "-Command"]),
                    Interpolated,
                ],
            ),
        ),
        // `eval` and the `Function` constructor (a method named `eval` is not the builtin),
        // and Node's `vm` module, which its documentation says is not a security mechanism.
        (&DYNAMIC_CODE, Call(&["eval", "Function"], &[Bare])),
        (
            &DYNAMIC_CODE,
            Call(
                &[
                    "vm.runInThisContext",
                    "vm.runInNewContext",
                    "vm.runInContext",
                    "vm.compileFunction",
                    "vm.Script",
                ],
                &[],
            ),
        ),
        (&DESERIALISE, Call(&["unserialize", "v8.deserialize"], &[])),
        (&SQL, SqlBuilt),
        // The `cors` middleware of Express and Hono: called with nothing, it allows every
        // origin.
        (&CORS_ANY_ORIGIN, Call(&["cors"], &[NoArguments])),
        (&CORS_ANY_ORIGIN, Call(&["cors"], &[AnyOrigin])),
        (
            &CORS_ANY_ORIGIN,
            Call(
                &["setHeader", "header", "writeHead"],
                &[Token(&["Access-Control-Allow-Origin"]), AnyOrigin],
            ),
        ),
        (
            &CORS_ANY_ORIGIN,
            Setting(&["Access-Control-Allow-Origin"], &["'*'", "\"*\"", "`*`"]),
        ),
        (
            &SECRET_LOGGED,
            Call(&["console.*", "logger.*", "log.*", "winston.*"], &[Secret]),
        ),
        (
            &SECRET_STORED,
            Call(
                &[
                    "writeFile",
                    "writeFileSync",
                    "appendFile",
                    "appendFileSync",
                    "localStorage.setItem",
                    "sessionStorage.setItem",
                ],
                &[Secret],
            ),
        ),
        (&SECRET_STORED, Setting(&["process.env.*"], &["$secret"])),
        (&HARDCODED, HardcodedSecret),
    ],
};
