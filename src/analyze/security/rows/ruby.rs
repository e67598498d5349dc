//! Ruby: OpenSSL and `Digest`, `bcrypt`/`argon2`, `ActiveSupport` and Rack secure compares,
//! ruby-jwt, OAuth2/OmniAuth/Doorkeeper, Rails controllers (callbacks, CSRF, sessions),
//! `Net::HTTP` TLS settings, `Marshal`/`YAML`, `system`/backticks, `eval`, rack-cors.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CORS_ANY_ORIGIN, CRYPTO, DESERIALISE, DYNAMIC_CODE, FILE_MODE,
    HARDCODED, JWT, JWT_UNVERIFIED, KDF, OAUTH, PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED,
    SECRET_STORED, SECURE_RANDOM, SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::Field;
use crate::analyze::security::shape::Cond::{AnyOrigin, Bare, Interpolated, Secret, Token};
use crate::analyze::security::shape::Shape::{
    Call, HardcodedSecret, InterpolatedKind, SecretComparison, Setting, SqlBuilt,
};
use crate::analyze::security::shape::{LookedUp, LookupCall, Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[("call", Field("method"), Some("receiver"))],
    settings: &[
        ("pair", Field("key"), Field("value")),
        ("assignment", Field("left"), Field("right")),
    ],
    comparisons: &["binary"],
    decorators: &[],
    // A heredoc's text is a `heredoc_body` node after its statement (`execute <<-SQL`).
    strings: &["string", "heredoc_body"],
    interpolations: &["interpolation"],
    concats: &["binary"],
    formats: &["format", "sprintf"],
    literals: &["nil", "true", "false", "integer", "float"],
    functions: &["method", "singleton_method"],
    containers: &["class", "module"],
    decorated: &[],
    bindings: &[],
    lookups: &[
        LookupCall {
            callee: "send",
            returns: LookedUp::Dispatch("arguments"),
            source: "Ruby docs, Object#send: invokes the method identified by symbol",
        },
        LookupCall {
            callee: "public_send",
            returns: LookedUp::Dispatch("arguments"),
            source: "Ruby docs, Object#public_send: invokes the public method identified by symbol",
        },
        LookupCall {
            callee: "__send__",
            returns: LookedUp::Dispatch("arguments"),
            source: "Ruby docs, BasicObject#__send__: invokes the method identified by symbol",
        },
    ],
    global_objects: &[],
};

/// The Ruby table.
pub static TABLE: Table = Table {
    languages: &["ruby"],
    syntax: &SYNTAX,
    rows: &[
        (
            &CRYPTO,
            Call(
                &[
                    "OpenSSL.Cipher.*",
                    "OpenSSL.HMAC.*",
                    "OpenSSL.PKey.*",
                    "OpenSSL.Digest.*",
                    "Digest.*",
                    "RbNaCl.*",
                    "ActiveSupport.MessageEncryptor.new",
                    "ActiveSupport.MessageVerifier.new",
                ],
                &[],
            ),
        ),
        (
            &KDF,
            Call(
                &[
                    "pbkdf2_hmac",
                    "pbkdf2_hmac_sha1",
                    "OpenSSL.KDF.*",
                    "ActiveSupport.KeyGenerator.new",
                    "generate_key",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "BCrypt.Password.create",
                    "BCrypt.Password.new",
                    "BCrypt.Engine.*",
                    "Argon2.Password.create",
                    "Argon2.Password.verify_password",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (
            &CONSTANT_TIME,
            Call(&["secure_compare", "fixed_length_secure_compare"], &[]),
        ),
        (&SECURE_RANDOM, Call(&["SecureRandom.*"], &[])),
        // ruby-jwt: `JWT.decode(token, key, false)` skips verification.
        (&JWT_UNVERIFIED, Call(&["JWT.decode"], &[Token(&["false"])])),
        (&JWT, Call(&["JWT.encode", "JWT.decode"], &[])),
        (
            &OAUTH,
            Call(
                &[
                    "OAuth2.Client.new",
                    "get_token",
                    "OmniAuth.*",
                    "Doorkeeper.*",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(
                &[
                    "session_store",
                    "protect_from_forgery",
                    "skip_forgery_protection",
                    "reset_session",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Setting(&["secure", "httponly", "force_ssl"], &["false"]),
        ),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "before_action",
                    "prepend_before_action",
                    "skip_before_action",
                    "before_filter",
                    "skip_before_filter",
                    "around_action",
                ],
                &[Token(&[
                    "authenticate*",
                    "authorize*",
                    "require_*",
                    "verify_authenticity_token",
                    "check_authorization",
                    "logged_in*",
                    "ensure_*",
                ])],
            ),
        ),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "authorize",
                    "authorize!",
                    "load_and_authorize_resource",
                    "authorize_resource",
                    "authenticate_or_request_with_http_basic",
                    "authenticate_or_request_with_http_token",
                    "http_basic_authenticate_with",
                ],
                &[],
            ),
        ),
        (
            &TLS_OFF,
            Setting(&["verify_mode"], &["OpenSSL::SSL::VERIFY_NONE"]),
        ),
        (
            &TLS_OFF,
            Setting(&["ssl_verify_peer", "verify_ssl", "ssl_verify"], &["false"]),
        ),
        (
            &FILE_MODE,
            Call(
                &["chmod", "chmod_R", "mkdir_p", "mkdir", "makedirs"],
                &[Token(&[
                    "0777", "0666", "0o777", "0o666", "a+w", "o+w", "a+rwx", "o+rwx",
                ])],
            ),
        ),
        (&FILE_MODE, Call(&["File.umask"], &[Token(&["0", "0000"])])),
        (
            &SHELL,
            Call(
                &[
                    "system",
                    "exec",
                    "spawn",
                    "IO.popen",
                    "Open3.*",
                    "Kernel.system",
                    "Kernel.exec",
                ],
                &[Interpolated],
            ),
        ),
        (&SHELL, InterpolatedKind(&["subshell"])),
        // `Kernel#eval` and `Binding#eval`; the `*_eval` methods run a string as code too
        // (with a block they do not, and a block is no argument).
        (&DYNAMIC_CODE, Call(&["eval"], &[Bare])),
        (&DYNAMIC_CODE, Call(&["Kernel.eval", "binding.eval"], &[])),
        (
            &DYNAMIC_CODE,
            Call(
                &["instance_eval", "class_eval", "module_eval"],
                &[Interpolated],
            ),
        ),
        (
            &DESERIALISE,
            Call(
                &[
                    "Marshal.load",
                    "Marshal.restore",
                    "YAML.unsafe_load",
                    "Psych.unsafe_load",
                    "YAML.load",
                    "Oj.load",
                ],
                &[],
            ),
        ),
        (&SQL, SqlBuilt),
        // rack-cors (`origins '*'`), and a response header.
        (&CORS_ANY_ORIGIN, Call(&["origins"], &[AnyOrigin])),
        (
            &CORS_ANY_ORIGIN,
            Setting(&["Access-Control-Allow-Origin"], &["'*'", "\"*\""]),
        ),
        (
            &SECRET_LOGGED,
            Call(
                &["puts", "p", "print", "logger.*", "log.*", "Rails.logger.*"],
                &[Secret],
            ),
        ),
        (
            &SECRET_STORED,
            Call(&["File.write", "IO.write", "write", "ENV.store"], &[Secret]),
        ),
        (&SECRET_STORED, Setting(&["ENV.*"], &["$secret"])),
        (&HARDCODED, HardcodedSecret),
    ],
};
