//! Rust: `RustCrypto` (`aes-gcm`, `chacha20poly1305`, `hmac`, `sha1`/`md-5`, `pbkdf2`, `hkdf`,
//! `scrypt`, `argon2`, `bcrypt`, `subtle`), `ring`, `openssl`, `jsonwebtoken`, `oauth2`,
//! `reqwest`/`rustls`/`openssl` TLS settings, `std::process::Command`, `std::fs`.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CRYPTO, FILE_MODE, HARDCODED, JWT, JWT_UNVERIFIED, KDF, OAUTH,
    PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED, SECRET_STORED, SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::Field;
use crate::analyze::security::shape::Cond::{InChain, Interpolated, Secret, Token};
use crate::analyze::security::shape::Shape::{
    Call, Decorator, HardcodedSecret, SecretComparison, Setting, SqlBuilt,
};
use crate::analyze::security::shape::{Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[
        ("call_expression", Field("function"), None),
        ("macro_invocation", Field("macro"), None),
    ],
    settings: &[
        ("field_initializer", Field("field"), Field("value")),
        ("let_declaration", Field("pattern"), Field("value")),
        ("assignment_expression", Field("left"), Field("right")),
        ("const_item", Field("name"), Field("value")),
        ("static_item", Field("name"), Field("value")),
    ],
    comparisons: &["binary_expression"],
    decorators: &["attribute_item"],
    strings: &["string_literal", "raw_string_literal"],
    interpolations: &[],
    concats: &[],
    formats: &["format"],
    literals: &["integer_literal", "boolean_literal", "float_literal"],
    functions: &["function_item"],
    containers: &["impl_item", "trait_item", "mod_item"],
    decorated: &[],
    bindings: &[],
    lookups: &[],
    global_objects: &[],
};

/// The Rust table.
pub static TABLE: Table = Table {
    languages: &["rust"],
    syntax: &SYNTAX,
    rows: &[
        (
            &CRYPTO,
            Call(
                &[
                    "Aes256Gcm.new",
                    "Aes128Gcm.new",
                    "ChaCha20Poly1305.new",
                    "XChaCha20Poly1305.new",
                    "new_from_slice",
                    "LessSafeKey.new",
                    "UnboundKey.new",
                    "hmac.Key.new",
                    "hmac.sign",
                    "Sha1.new",
                    "Md5.new",
                    "md5.compute",
                    "symm.encrypt",
                    "symm.decrypt",
                    "Crypter.new",
                    "RsaPrivateKey.new",
                    "SigningKey.generate",
                    "SigningKey.from_bytes",
                ],
                &[],
            ),
        ),
        (
            &KDF,
            Call(
                &[
                    "pbkdf2",
                    "pbkdf2_hmac",
                    "pbkdf2.derive",
                    "Hkdf.new",
                    "Hkdf.extract",
                    "Salt.new",
                    "scrypt.scrypt",
                    "hash_password_into",
                    "derive_key",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "bcrypt.hash",
                    "bcrypt.verify",
                    "Argon2.default",
                    "Argon2.new",
                    "hash_password",
                    "verify_password",
                    "PasswordHash.new",
                    "argon2.hash_encoded",
                    "argon2.verify_encoded",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (
            &CONSTANT_TIME,
            Call(
                &[
                    "ct_eq",
                    "constant_time_eq",
                    "verify_slices_are_equal",
                    "memcmp.eq",
                ],
                &[],
            ),
        ),
        (
            &JWT_UNVERIFIED,
            Call(
                &[
                    "insecure_disable_signature_validation",
                    "dangerous_insecure_decode",
                ],
                &[],
            ),
        ),
        (&JWT_UNVERIFIED, Setting(&["validate_exp"], &["false"])),
        (
            &JWT,
            Call(
                &[
                    "jsonwebtoken.decode",
                    "jsonwebtoken.encode",
                    "decode_header",
                    "Validation.new",
                    "DecodingKey.from_secret",
                    "EncodingKey.from_secret",
                ],
                &[],
            ),
        ),
        (
            &OAUTH,
            Call(
                &[
                    "BasicClient.new",
                    "exchange_code",
                    "exchange_client_credentials",
                    "exchange_password",
                    "exchange_refresh_token",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(
                &[
                    "Cookie.build",
                    "CookieBuilder.new",
                    "SessionMiddleware.new",
                    "SessionMiddleware.builder",
                    "cookie_secure",
                    "cookie_http_only",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(&["secure", "http_only"], &[Token(&["false"])]),
        ),
        (
            &AUTH_GUARD,
            Decorator(&[
                "has_permissions",
                "has_roles",
                "has_any_role",
                "has_any_permission",
                "protect",
                "authorize",
            ]),
        ),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "HttpAuthentication.bearer",
                    "HttpAuthentication.basic",
                    "HttpAuthentication.with_fn",
                    "require_authorization",
                    "RequireAuthorizationLayer.bearer",
                ],
                &[],
            ),
        ),
        (
            &TLS_OFF,
            Call(
                &[
                    "danger_accept_invalid_certs",
                    "danger_accept_invalid_hostnames",
                ],
                &[Token(&["true"])],
            ),
        ),
        (&TLS_OFF, Call(&["set_verify"], &[Token(&["NONE"])])),
        (
            &TLS_OFF,
            Call(
                &[
                    "dangerous",
                    "set_certificate_verifier",
                    "with_custom_certificate_verifier",
                ],
                &[],
            ),
        ),
        (
            &FILE_MODE,
            Call(
                &["Permissions.from_mode", "set_mode", "mode"],
                &[Token(&["0o777", "0o666", "0o776", "0o766", "511", "438"])],
            ),
        ),
        (&FILE_MODE, Call(&["umask"], &[Token(&["0"])])),
        (
            &SHELL,
            Call(
                &["Command.new.*"],
                &[
                    InChain(&["sh", "bash", "cmd", "/bin/sh", "/bin/bash", "powershell"]),
                    Interpolated,
                ],
            ),
        ),
        (&SQL, SqlBuilt),
        (
            &SECRET_LOGGED,
            Call(
                &[
                    "println",
                    "print",
                    "eprintln",
                    "eprint",
                    "dbg",
                    "info",
                    "debug",
                    "warn",
                    "error",
                    "trace",
                    "log.*",
                    "tracing.*",
                ],
                &[Secret],
            ),
        ),
        (
            &SECRET_STORED,
            Call(
                &["fs.write", "write_all", "set_var", "writeln", "write"],
                &[Secret],
            ),
        ),
        (&HARDCODED, HardcodedSecret),
    ],
};
