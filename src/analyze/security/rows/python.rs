//! Python: the standard library (`hashlib`, `hmac`, `secrets`, `ssl`, `subprocess`, `pickle`),
//! `cryptography`, `bcrypt`/`argon2-cffi`/`passlib`, `PyJWT`, `requests`/`httpx`,
//! `requests-oauthlib`/Authlib, Django and Flask(-Login), `PyYAML`, the builtins `eval`/`exec`,
//! and the CORS middlewares of Django (django-cors-headers), Starlette/FastAPI and Flask-CORS.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CORS_ANY_ORIGIN, CRYPTO, DESERIALISE, DYNAMIC_CODE, FILE_MODE,
    HARDCODED, JWT, JWT_UNVERIFIED, KDF, OAUTH, PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED,
    SECRET_STORED, SECURE_RANDOM, SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::Field;
use crate::analyze::security::shape::Binding::{Assignment, FromImport, Import};
use crate::analyze::security::shape::Cond::{
    AnyOrigin, Bare, Interpolated, Keyword, Lacks, Missing, Secret, Token,
};
use crate::analyze::security::shape::Shape::{
    Call, Decorator, HardcodedSecret, SecretComparison, Setting, SqlBuilt,
};
use crate::analyze::security::shape::{Cond, LookedUp, LookupCall, Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[("call", Field("function"), None)],
    settings: &[
        ("keyword_argument", Field("name"), Field("value")),
        ("assignment", Field("left"), Field("right")),
        ("pair", Field("key"), Field("value")),
    ],
    comparisons: &["comparison_operator"],
    decorators: &["decorator"],
    strings: &["string", "concatenated_string"],
    interpolations: &["interpolation"],
    concats: &["binary_operator"],
    formats: &["format"],
    literals: &["none", "true", "false", "integer", "float"],
    functions: &["function_definition"],
    containers: &["class_definition"],
    decorated: &["decorated_definition"],
    bindings: &[
        Import {
            kind: "aliased_import",
            imported: "name",
            local: "alias",
            module: Some("module_name"),
        },
        FromImport {
            kind: "import_from_statement",
            module: "module_name",
            names: "name",
            plain: "dotted_name",
            wildcard: "wildcard_import",
        },
        Assignment {
            kind: "assignment",
            left: "left",
            right: "right",
            callable_strings: false,
            lists: &[
                "pattern_list",
                "expression_list",
                "tuple_pattern",
                "tuple",
                "list_pattern",
                "list",
            ],
        },
        Assignment {
            kind: "named_expression",
            left: "name",
            right: "value",
            callable_strings: false,
            lists: &[
                "pattern_list",
                "expression_list",
                "tuple_pattern",
                "tuple",
                "list_pattern",
                "list",
            ],
        },
    ],
    lookups: &[
        LookupCall {
            callee: "getattr",
            returns: LookedUp::Attribute,
            source: "Python docs, Built-in Functions: getattr(object, name)",
        },
        LookupCall {
            callee: "importlib.import_module",
            returns: LookedUp::Module,
            source: "Python docs, importlib.import_module(name)",
        },
        LookupCall {
            callee: "__import__",
            returns: LookedUp::Module,
            source: "Python docs, Built-in Functions: __import__(name)",
        },
    ],
    global_objects: &[
        (
            "builtins",
            "Python docs, builtins: direct access to the built-in identifiers",
        ),
        (
            "__builtins__",
            "Python docs, builtins: most modules have `__builtins__` in their globals",
        ),
    ],
};

/// `subprocess`'s ways to run a program (Python docs, "subprocess").
const SUBPROCESS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "Popen",
];

/// A shell named in the arguments with `-c` and a command line built from values.
const SHELL_IN_ARGUMENTS: &[Cond] = &[
    Token(&["sh", "bash", "zsh", "/bin/sh", "/bin/bash", "/bin/zsh"]),
    Token(&["-c"]),
    Interpolated,
];

/// World-writable modes as Python spells them (octal literals, their decimal values, `stat`).
const WORLD_WRITABLE: &[&str] = &[
    "0o777", "0o666", "0o776", "0o766", "511", "438", "S_IWOTH", "S_IRWXO",
];

/// The Python table.
pub static TABLE: Table = Table {
    languages: &["python"],
    syntax: &SYNTAX,
    rows: &[
        (
            &KDF,
            Call(
                &[
                    "pbkdf2_hmac",
                    "hashlib.scrypt",
                    "PBKDF2HMAC",
                    "HKDF",
                    "HKDFExpand",
                    "Scrypt",
                    "ConcatKDFHash",
                    "PBKDF2",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "bcrypt.hashpw",
                    "bcrypt.gensalt",
                    "bcrypt.checkpw",
                    "generate_password_hash",
                    "check_password_hash",
                    "make_password",
                    "check_password",
                    "PasswordHasher",
                    "CryptContext",
                    "pwd_context.hash",
                    "pwd_context.verify",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (
            &CONSTANT_TIME,
            Call(&["compare_digest", "constant_time.bytes_eq"], &[]),
        ),
        (
            &SECURE_RANDOM,
            Call(&["secrets.*", "os.urandom", "SystemRandom"], &[]),
        ),
        // After the specific rows: any other `hashlib` or `hmac` use.
        (
            &CRYPTO,
            Call(
                &[
                    "hashlib.*",
                    "hmac.new",
                    "hmac.digest",
                    "Cipher",
                    "AES.new",
                    "DES.new",
                    "ARC4.new",
                    "Fernet",
                    "AESGCM",
                    "ChaCha20Poly1305",
                    "rsa.generate_private_key",
                    "ec.generate_private_key",
                    "padding.OAEP",
                    "padding.PKCS1v15",
                ],
                &[],
            ),
        ),
        (
            &JWT_UNVERIFIED,
            Call(&["jwt.decode"], &[Keyword("verify_signature", &["False"])]),
        ),
        (
            &JWT_UNVERIFIED,
            Call(&["jwt.decode"], &[Keyword("verify", &["False"])]),
        ),
        (
            &JWT_UNVERIFIED,
            Call(&["get_unverified_claims", "get_unverified_header"], &[]),
        ),
        (
            &JWT,
            Call(&["jwt.encode", "jwt.decode", "PyJWT", "PyJWKClient"], &[]),
        ),
        // requests-oauthlib, Authlib, oauthlib.
        (
            &OAUTH,
            Call(
                &[
                    "fetch_token",
                    "refresh_token",
                    "OAuth2Session",
                    "authorize_access_token",
                    "authorize_redirect",
                    "WebApplicationClient",
                    "BackendApplicationClient",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(&["set_cookie"], &[Missing(&["secure", "httponly"])]),
        ),
        (
            &SESSION,
            Setting(
                &[
                    "SESSION_COOKIE_SECURE",
                    "SESSION_COOKIE_HTTPONLY",
                    "SESSION_COOKIE_SAMESITE",
                    "CSRF_COOKIE_SECURE",
                    "SESSION_ENGINE",
                    "PERMANENT_SESSION_LIFETIME",
                    "secret_key",
                    "SECRET_KEY",
                ],
                &["*"],
            ),
        ),
        (
            &AUTH_GUARD,
            Decorator(&[
                "login_required",
                "permission_required",
                "user_passes_test",
                "staff_member_required",
                "superuser_required",
                "requires_auth",
                "jwt_required",
                "auth_required",
                "roles_required",
                "roles_accepted",
                "csrf_exempt",
                "permission_classes",
                "authentication_classes",
            ]),
        ),
        (
            &AUTH_GUARD,
            Setting(
                &[
                    "permission_classes",
                    "authentication_classes",
                    "DEFAULT_PERMISSION_CLASSES",
                    "DEFAULT_AUTHENTICATION_CLASSES",
                    "AUTHENTICATION_BACKENDS",
                ],
                &["*"],
            ),
        ),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "login_user",
                    "logout_user",
                    "authenticate",
                    "has_perm",
                    "check_permissions",
                ],
                &[],
            ),
        ),
        (&TLS_OFF, Setting(&["verify", "check_hostname"], &["False"])),
        (
            &TLS_OFF,
            Setting(&["verify_mode"], &["ssl.CERT_NONE", "CERT_NONE"]),
        ),
        (&TLS_OFF, Call(&["_create_unverified_context"], &[])),
        (
            &FILE_MODE,
            Call(
                &[
                    "os.chmod",
                    "os.fchmod",
                    "os.lchmod",
                    "chmod",
                    "os.makedirs",
                    "os.mkdir",
                    "mkdir",
                    "os.open",
                ],
                &[Token(WORLD_WRITABLE)],
            ),
        ),
        (
            &FILE_MODE,
            Call(&["os.umask"], &[Token(&["0", "0o000", "0o0"])]),
        ),
        (
            &SHELL,
            Call(SUBPROCESS, &[Keyword("shell", &["True"]), Interpolated]),
        ),
        (
            &SHELL,
            Call(
                &["os.system", "os.popen", "getoutput", "getstatusoutput"],
                &[Interpolated],
            ),
        ),
        // asyncio's shell variant always runs its command through the shell (Python docs,
        // "Subprocesses": create_subprocess_shell).
        (&SHELL, Call(&["create_subprocess_shell"], &[Interpolated])),
        // A shell named in the argument list runs the string after `-c` as a command line,
        // whatever `shell=` says: `subprocess.run(["sh", "-c", f"…"])`, `os.execvp("sh", …)`.
        (&SHELL, Call(SUBPROCESS, SHELL_IN_ARGUMENTS)),
        (
            &SHELL,
            Call(
                &[
                    "create_subprocess_exec",
                    "os.execv",
                    "os.execvp",
                    "os.execl",
                    "os.execlp",
                    "os.spawnv",
                    "os.spawnvp",
                    "os.spawnl",
                    "os.spawnlp",
                ],
                SHELL_IN_ARGUMENTS,
            ),
        ),
        // The builtins; a method of the same name (PyTorch's `model.eval()`, SQLModel's
        // `session.exec(query)`) runs no code from a string.
        (&DYNAMIC_CODE, Call(&["eval", "exec"], &[Bare])),
        (
            &DYNAMIC_CODE,
            Call(&["builtins.eval", "builtins.exec"], &[]),
        ),
        (
            &DESERIALISE,
            Call(
                &[
                    "pickle.loads",
                    "pickle.load",
                    "cPickle.loads",
                    "cPickle.load",
                    "dill.loads",
                    "dill.load",
                    "marshal.loads",
                    "marshal.load",
                    "shelve.open",
                    "jsonpickle.decode",
                    "read_pickle",
                    "yaml.unsafe_load",
                    "yaml.full_load",
                    // joblib docs, "Persistence": joblib.load is based on pickle.
                    "joblib.load",
                ],
                &[],
            ),
        ),
        // PyTorch docs, torch.load: with `weights_only=False` it unpickles arbitrary objects.
        (
            &DESERIALISE,
            Call(&["torch.load"], &[Keyword("weights_only", &["False"])]),
        ),
        (
            &DESERIALISE,
            Call(
                &["yaml.load", "yaml.load_all"],
                &[Lacks(&["SafeLoader", "CSafeLoader", "BaseLoader"])],
            ),
        ),
        (&SQL, SqlBuilt),
        // django-cors-headers; Starlette's and FastAPI's `CORSMiddleware`; Flask-CORS, whose
        // `CORS(app)` without origins allows every origin.
        (
            &CORS_ANY_ORIGIN,
            Setting(
                &["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"],
                &["True"],
            ),
        ),
        (
            &CORS_ANY_ORIGIN,
            Call(
                &["add_middleware", "Middleware"],
                &[Token(&["CORSMiddleware"]), AnyOrigin],
            ),
        ),
        (
            &CORS_ANY_ORIGIN,
            Call(&["CORS", "cross_origin"], &[AnyOrigin]),
        ),
        (
            &CORS_ANY_ORIGIN,
            Call(&["CORS"], &[Lacks(&["origins", "resources"])]),
        ),
        (
            &CORS_ANY_ORIGIN,
            Setting(&["Access-Control-Allow-Origin"], &["\"*\"", "'*'"]),
        ),
        (
            &SECRET_LOGGED,
            Call(
                &[
                    "print",
                    "logging.*",
                    "logger.*",
                    "log.*",
                    "LOG.*",
                    "warnings.warn",
                    "sys.stdout.write",
                    "sys.stderr.write",
                ],
                &[Secret],
            ),
        ),
        (
            &SECRET_STORED,
            Call(
                &[
                    "write",
                    "writelines",
                    "write_text",
                    "write_bytes",
                    "json.dump",
                    "pickle.dump",
                    "yaml.dump",
                    "yaml.safe_dump",
                    "toml.dump",
                    "set_key",
                    "os.putenv",
                    "os.environ.setdefault",
                ],
                &[Secret],
            ),
        ),
        (&SECRET_STORED, Setting(&["os.environ.*"], &["$secret"])),
        (&HARDCODED, HardcodedSecret),
    ],
};
