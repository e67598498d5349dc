//! Go: the standard library (`crypto/*`, `crypto/tls`, `net/http`, `os`, `os/exec`,
//! `database/sql` with `fmt.Sprintf`), `golang.org/x/crypto` (`pbkdf2`, `scrypt`, `hkdf`,
//! `argon2`, `bcrypt`), `golang.org/x/oauth2`, `golang-jwt/jwt`, `gorilla/sessions`,
//! gin-contrib/cors, rs/cors and mvdan.cc/sh's shell interpreter.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CORS_ANY_ORIGIN, CRYPTO, DYNAMIC_CODE, FILE_MODE, HARDCODED, JWT,
    JWT_UNVERIFIED, KDF, OAUTH, PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED, SECRET_STORED,
    SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::Field;
use crate::analyze::security::shape::Binding::{Assignment, Import};
use crate::analyze::security::shape::Cond::{AnyOrigin, Interpolated, Missing, Secret, Token};
use crate::analyze::security::shape::Shape::{
    Call, HardcodedSecret, SecretComparison, Setting, SqlBuilt,
};
use crate::analyze::security::shape::{Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[("call_expression", Field("function"), None)],
    settings: &[
        ("keyed_element", Field("key"), Field("value")),
        ("assignment_statement", Field("left"), Field("right")),
        ("short_var_declaration", Field("left"), Field("right")),
        ("const_spec", Field("name"), Field("value")),
        ("var_spec", Field("name"), Field("value")),
    ],
    comparisons: &["binary_expression"],
    decorators: &[],
    strings: &["interpreted_string_literal", "raw_string_literal"],
    interpolations: &[],
    concats: &["binary_expression"],
    formats: &["Sprintf"],
    literals: &["nil", "true", "false", "int_literal", "float_literal"],
    functions: &["function_declaration", "method_declaration"],
    containers: &[],
    decorated: &[],
    bindings: &[
        Import {
            kind: "import_spec",
            imported: "path",
            local: "name",
            module: None,
        },
        Assignment {
            kind: "short_var_declaration",
            left: "left",
            right: "right",
            callable_strings: false,
            lists: &["expression_list"],
        },
        Assignment {
            kind: "assignment_statement",
            left: "left",
            right: "right",
            callable_strings: false,
            lists: &["expression_list"],
        },
        Assignment {
            kind: "var_spec",
            left: "name",
            right: "value",
            callable_strings: false,
            lists: &["expression_list"],
        },
    ],
    lookups: &[],
    global_objects: &[],
};

/// The Go table.
pub static TABLE: Table = Table {
    languages: &["go"],
    syntax: &SYNTAX,
    rows: &[
        (
            &CRYPTO,
            Call(
                &[
                    "aes.NewCipher",
                    "cipher.NewGCM",
                    "cipher.NewCBCEncrypter",
                    "cipher.NewCBCDecrypter",
                    "cipher.NewCTR",
                    "cipher.NewCFBEncrypter",
                    "des.NewCipher",
                    "des.NewTripleDESCipher",
                    "rc4.NewCipher",
                    "hmac.New",
                    "md5.New",
                    "md5.Sum",
                    "sha1.New",
                    "sha1.Sum",
                    "rsa.GenerateKey",
                    "rsa.EncryptPKCS1v15",
                    "rsa.DecryptPKCS1v15",
                    "rsa.EncryptOAEP",
                    "rsa.DecryptOAEP",
                    "rsa.SignPKCS1v15",
                    "ecdsa.Sign",
                    "ecdsa.GenerateKey",
                    "ed25519.Sign",
                    "ed25519.GenerateKey",
                    "chacha20poly1305.New",
                ],
                &[],
            ),
        ),
        (
            &KDF,
            Call(
                &[
                    "pbkdf2.Key",
                    "scrypt.Key",
                    "hkdf.New",
                    "hkdf.Expand",
                    "hkdf.Extract",
                    "hkdf.Key",
                    "argon2.Key",
                    "argon2.IDKey",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "bcrypt.GenerateFromPassword",
                    "bcrypt.CompareHashAndPassword",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (
            &SECRET_COMPARE,
            Call(&["bytes.Equal", "strings.EqualFold"], &[Secret]),
        ),
        (
            &CONSTANT_TIME,
            Call(
                &[
                    "subtle.ConstantTimeCompare",
                    "subtle.ConstantTimeEq",
                    "hmac.Equal",
                ],
                &[],
            ),
        ),
        (&JWT_UNVERIFIED, Call(&["ParseUnverified"], &[])),
        (
            &JWT,
            Call(
                &[
                    "jwt.Parse",
                    "jwt.ParseWithClaims",
                    "jwt.NewWithClaims",
                    "jwt.New",
                    "SignedString",
                ],
                &[],
            ),
        ),
        (
            &OAUTH,
            Call(
                &["Exchange", "PasswordCredentialsToken", "TokenSource"],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(&["http.SetCookie"], &[Missing(&["Secure", "HttpOnly"])]),
        ),
        (
            &SESSION,
            Call(
                &[
                    "sessions.NewCookieStore",
                    "sessions.NewFilesystemStore",
                    "securecookie.New",
                ],
                &[],
            ),
        ),
        (
            &AUTH_GUARD,
            Call(
                &["Use", "Group"],
                &[Token(&["auth*", "jwt*", "require*", "session*", "csrf*"])],
            ),
        ),
        (&AUTH_GUARD, Call(&["BasicAuth"], &[])),
        (&TLS_OFF, Setting(&["InsecureSkipVerify"], &["true"])),
        (
            &TLS_OFF,
            Setting(
                &["MinVersion"],
                &["tls.VersionTLS10", "tls.VersionTLS11", "tls.VersionSSL30"],
            ),
        ),
        (
            &FILE_MODE,
            Call(
                &[
                    "os.Chmod",
                    "os.Mkdir",
                    "os.MkdirAll",
                    "os.WriteFile",
                    "ioutil.WriteFile",
                    "os.OpenFile",
                    "Chmod",
                ],
                &[Token(&["0777", "0666", "0o777", "0o666", "ModePerm"])],
            ),
        ),
        (
            &FILE_MODE,
            Call(&["syscall.Umask", "unix.Umask"], &[Token(&["0"])]),
        ),
        (
            &SHELL,
            Call(&["exec.Command", "exec.CommandContext"], &[Interpolated]),
        ),
        // mvdan.cc/sh/v3/interp: "an interpreter to execute shell programs"; what a runner
        // runs is text (a command string, a config value's `$(…)`), and its options decide
        // how strictly (pkg.go.dev/mvdan.cc/sh/v3/interp).
        (&DYNAMIC_CODE, Call(&["interp.New"], &[])),
        (&SQL, SqlBuilt),
        // gin-contrib/cors and rs/cors: their defaults and "allow all" take every origin.
        (
            &CORS_ANY_ORIGIN,
            Call(&["cors.Default", "cors.AllowAll"], &[]),
        ),
        (&CORS_ANY_ORIGIN, Setting(&["AllowAllOrigins"], &["true"])),
        (
            &CORS_ANY_ORIGIN,
            Setting(&["AllowOrigins", "AllowedOrigins"], &["[]string{\"*\"}"]),
        ),
        (
            &CORS_ANY_ORIGIN,
            Call(
                &["Header.Set", "Header.Add"],
                &[Token(&["Access-Control-Allow-Origin"]), AnyOrigin],
            ),
        ),
        (
            &SECRET_LOGGED,
            Call(
                &[
                    "log.*",
                    "fmt.Println",
                    "fmt.Printf",
                    "fmt.Print",
                    "logger.*",
                    "slog.*",
                ],
                &[Secret],
            ),
        ),
        (
            &SECRET_STORED,
            Call(
                &[
                    "os.WriteFile",
                    "ioutil.WriteFile",
                    "os.Setenv",
                    "WriteString",
                    "fmt.Fprintf",
                    "fmt.Fprintln",
                    "fmt.Fprint",
                ],
                &[Secret],
            ),
        ),
        (&HARDCODED, HardcodedSecret),
    ],
};
