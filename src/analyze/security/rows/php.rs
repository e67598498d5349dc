//! PHP: `openssl_*`, `hash_*`, `sodium_*`, `password_*`, firebase/php-jwt, League `OAuth2` and
//! Laravel Socialite, cookies and sessions, Laravel and Symfony guards, cURL TLS options,
//! `exec`/`system`/backticks, `unserialize`, `eval`, Laravel's CORS configuration.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CORS_ANY_ORIGIN, CRYPTO, DESERIALISE, DYNAMIC_CODE, FILE_MODE,
    HARDCODED, JWT, KDF, OAUTH, PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED, SECRET_STORED,
    SECURE_RANDOM, SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::{Field, First, Last};
use crate::analyze::security::shape::Binding::Assignment;
use crate::analyze::security::shape::Cond::{Bare, Interpolated, Lacks, Missing, Secret, Token};
use crate::analyze::security::shape::Shape::{
    Call, Decorator, HardcodedSecret, InterpolatedKind, SecretComparison, Setting, SqlBuilt,
};
use crate::analyze::security::shape::{LookedUp, LookupCall, Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[
        ("function_call_expression", Field("function"), None),
        ("member_call_expression", Field("name"), Some("object")),
        (
            "nullsafe_member_call_expression",
            Field("name"),
            Some("object"),
        ),
        ("scoped_call_expression", Field("name"), Some("scope")),
        ("object_creation_expression", First, None),
    ],
    settings: &[
        ("assignment_expression", Field("left"), Field("right")),
        ("array_element_initializer", First, Last),
    ],
    comparisons: &["binary_expression"],
    decorators: &["attribute"],
    strings: &["string", "encapsed_string", "heredoc", "nowdoc"],
    interpolations: &[
        "variable_name",
        "expression",
        "member_access_expression",
        "subscript_expression",
        "dynamic_variable_name",
    ],
    concats: &["binary_expression"],
    formats: &["sprintf", "vsprintf"],
    literals: &["null", "boolean", "integer", "float"],
    functions: &["function_definition", "method_declaration"],
    containers: &[
        "class_declaration",
        "trait_declaration",
        "interface_declaration",
    ],
    decorated: &[],
    bindings: &[Assignment {
        kind: "assignment_expression",
        left: "left",
        right: "right",
        callable_strings: true,
        lists: &[],
    }],
    lookups: &[
        LookupCall {
            callee: "call_user_func",
            returns: LookedUp::Dispatch("arguments"),
            source: "PHP manual, call_user_func: calls the callback given by the first parameter",
        },
        LookupCall {
            callee: "call_user_func_array",
            returns: LookedUp::Dispatch("arguments"),
            source: "PHP manual, call_user_func_array: calls a callback with an array of parameters",
        },
    ],
    global_objects: &[],
};

/// The PHP table.
pub static TABLE: Table = Table {
    languages: &["php"],
    syntax: &SYNTAX,
    rows: &[
        (
            &CRYPTO,
            Call(
                &[
                    "openssl_encrypt",
                    "openssl_decrypt",
                    "openssl_sign",
                    "openssl_verify",
                    "openssl_pkey_new",
                    "openssl_private_encrypt",
                    "openssl_public_encrypt",
                    "hash_hmac",
                    "md5",
                    "sha1",
                    "crypt",
                    "mcrypt_encrypt",
                    "mcrypt_decrypt",
                    "sodium_crypto_secretbox",
                    "sodium_crypto_box",
                    "sodium_crypto_sign",
                    "sodium_crypto_aead_aes256gcm_encrypt",
                ],
                &[],
            ),
        ),
        (
            &KDF,
            Call(
                &[
                    "hash_pbkdf2",
                    "hash_hkdf",
                    "openssl_pbkdf2",
                    "sodium_crypto_pwhash",
                    "sodium_crypto_kdf_derive_from_key",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "password_hash",
                    "password_verify",
                    "password_needs_rehash",
                    "Hash.make",
                    "Hash.check",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (&SECRET_COMPARE, Call(&["strcmp", "strcasecmp"], &[Secret])),
        (&CONSTANT_TIME, Call(&["hash_equals", "sodium_memcmp"], &[])),
        (
            &SECURE_RANDOM,
            Call(
                &["random_bytes", "random_int", "openssl_random_pseudo_bytes"],
                &[],
            ),
        ),
        (&JWT, Call(&["JWT.encode", "JWT.decode"], &[])),
        (
            &OAUTH,
            Call(
                &["getAccessToken", "GenericProvider", "Socialite.driver"],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(
                &["setcookie", "setrawcookie"],
                &[Missing(&["secure", "httponly"])],
            ),
        ),
        (
            &SESSION,
            Call(
                &[
                    "session_start",
                    "session_regenerate_id",
                    "session_set_cookie_params",
                ],
                &[],
            ),
        ),
        (&AUTH_GUARD, Decorator(&["IsGranted", "Security"])),
        (
            &AUTH_GUARD,
            Call(
                &["middleware"],
                &[Token(&[
                    "auth*",
                    "can:*",
                    "verified",
                    "role*",
                    "permission*",
                ])],
            ),
        ),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "Auth.attempt",
                    "Auth.login",
                    "Gate.define",
                    "Gate.allows",
                    "Gate.authorize",
                    "authorize",
                    "denyAccessUnlessGranted",
                    "isGranted",
                ],
                &[],
            ),
        ),
        (
            &TLS_OFF,
            Call(
                &["curl_setopt"],
                &[
                    Token(&["CURLOPT_SSL_VERIFYPEER", "CURLOPT_SSL_VERIFYHOST"]),
                    Token(&["false", "0"]),
                ],
            ),
        ),
        (
            &TLS_OFF,
            Setting(&["verify", "verify_peer", "verify_peer_name"], &["false"]),
        ),
        (
            &FILE_MODE,
            Call(
                &["chmod", "mkdir"],
                &[Token(&["0777", "0666", "0o777", "0o666", "777"])],
            ),
        ),
        (&FILE_MODE, Call(&["umask"], &[Token(&["0", "0000"])])),
        (
            &SHELL,
            Call(
                &[
                    "exec",
                    "shell_exec",
                    "system",
                    "passthru",
                    "popen",
                    "proc_open",
                    "pcntl_exec",
                ],
                &[Interpolated],
            ),
        ),
        (&SHELL, InterpolatedKind(&["shell_command_expression"])),
        // The `eval` construct and `create_function` (removed in PHP 8, which evaluated its body).
        (&DYNAMIC_CODE, Call(&["eval", "create_function"], &[Bare])),
        (
            &DESERIALISE,
            Call(&["unserialize"], &[Lacks(&["allowed_classes"])]),
        ),
        (&SQL, SqlBuilt),
        // Laravel's `config/cors.php`.
        (
            &CORS_ANY_ORIGIN,
            Setting(&["allowed_origins"], &["['*']", "[\"*\"]"]),
        ),
        (
            &SECRET_LOGGED,
            Call(
                &[
                    "error_log",
                    "print_r",
                    "var_dump",
                    "syslog",
                    "Log.*",
                    "logger.*",
                ],
                &[Secret],
            ),
        ),
        (
            &SECRET_STORED,
            Call(
                &["file_put_contents", "fwrite", "fputs", "putenv"],
                &[Secret],
            ),
        ),
        (&SECRET_STORED, Setting(&["_ENV.*"], &["$secret"])),
        (&HARDCODED, HardcodedSecret),
    ],
};
