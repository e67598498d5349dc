//! Java: JCA/JCE (`javax.crypto`, `java.security`), Bouncy Castle, Spring Security
//! (password encoders, annotations, the HTTP security DSL), jjwt and auth0 java-jwt, the
//! Servlet API's cookies and headers, `Runtime.exec`/`ProcessBuilder`, Java serialisation,
//! Spring's CORS configuration.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CORS_ANY_ORIGIN, CRYPTO, DESERIALISE, FILE_MODE, HARDCODED, JWT,
    JWT_UNVERIFIED, KDF, OAUTH, PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED, SECRET_STORED,
    SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::Field;
use crate::analyze::security::shape::Cond::{
    AnyOrigin, Interpolated, Secret, SecretOperand, Token,
};
use crate::analyze::security::shape::Shape::{
    Call, Decorator, HardcodedSecret, SecretComparison, SqlBuilt,
};
use crate::analyze::security::shape::{Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[
        ("method_invocation", Field("name"), Some("object")),
        ("object_creation_expression", Field("type"), None),
    ],
    settings: &[
        ("variable_declarator", Field("name"), Field("value")),
        ("assignment_expression", Field("left"), Field("right")),
        ("element_value_pair", Field("key"), Field("value")),
    ],
    comparisons: &["binary_expression"],
    decorators: &["annotation", "marker_annotation"],
    strings: &["string_literal"],
    interpolations: &["string_interpolation"],
    concats: &["binary_expression"],
    formats: &["format", "formatted"],
    literals: &["null_literal", "true", "false", "decimal_integer_literal"],
    functions: &["method_declaration", "constructor_declaration"],
    containers: &[
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
    ],
    decorated: &[],
    bindings: &[],
    lookups: &[],
    global_objects: &[],
};

/// The Java table.
pub static TABLE: Table = Table {
    languages: &["java"],
    syntax: &SYNTAX,
    rows: &[
        (
            &CRYPTO,
            Call(
                &[
                    "Cipher.getInstance",
                    "Mac.getInstance",
                    "MessageDigest.getInstance",
                    "KeyGenerator.getInstance",
                    "KeyPairGenerator.getInstance",
                    "Signature.getInstance",
                    "KeyStore.getInstance",
                    "SecretKeySpec",
                    "IvParameterSpec",
                    "GCMParameterSpec",
                ],
                &[],
            ),
        ),
        (
            &KDF,
            Call(
                &[
                    "SecretKeyFactory.getInstance",
                    "PBEKeySpec",
                    "HKDFBytesGenerator",
                    "PKCS5S2ParametersGenerator",
                    "SCrypt.generate",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "BCrypt.hashpw",
                    "BCrypt.checkpw",
                    "BCrypt.gensalt",
                    "BCryptPasswordEncoder",
                    "Argon2PasswordEncoder",
                    "Pbkdf2PasswordEncoder",
                    "SCryptPasswordEncoder",
                    "NoOpPasswordEncoder.getInstance",
                    "passwordEncoder.encode",
                    "passwordEncoder.matches",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (
            &SECRET_COMPARE,
            Call(
                &[
                    "equals",
                    "equalsIgnoreCase",
                    "contentEquals",
                    "Arrays.equals",
                ],
                &[SecretOperand],
            ),
        ),
        (&CONSTANT_TIME, Call(&["MessageDigest.isEqual"], &[])),
        (
            &JWT_UNVERIFIED,
            Call(
                &["parseClaimsJwt", "parseUnsecuredClaims", "JWT.decode"],
                &[],
            ),
        ),
        (
            &JWT,
            Call(
                &[
                    "Jwts.parser",
                    "Jwts.parserBuilder",
                    "Jwts.builder",
                    "JWT.require",
                    "JWT.create",
                    "verifyWith",
                    "setSigningKey",
                    "signWith",
                    "parseClaimsJws",
                    "parseSignedClaims",
                ],
                &[],
            ),
        ),
        (
            &OAUTH,
            Call(
                &[
                    "oauth2Login",
                    "oauth2Client",
                    "oauth2ResourceServer",
                    "AuthorizationCodeTokenRequest",
                    "GoogleAuthorizationCodeTokenRequest",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(
                &[
                    "Cookie",
                    "addCookie",
                    "sessionManagement",
                    "setMaxInactiveInterval",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(&["setSecure", "setHttpOnly"], &[Token(&["false"])]),
        ),
        (
            &AUTH_GUARD,
            Decorator(&[
                "PreAuthorize",
                "PostAuthorize",
                "Secured",
                "RolesAllowed",
                "PermitAll",
                "DenyAll",
                "EnableWebSecurity",
                "EnableMethodSecurity",
                "EnableGlobalMethodSecurity",
            ]),
        ),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "authorizeRequests",
                    "authorizeHttpRequests",
                    "permitAll",
                    "hasRole",
                    "hasAuthority",
                    "hasAnyRole",
                    "authenticated",
                    "csrf",
                    "addFilterBefore",
                    "addFilterAfter",
                ],
                &[],
            ),
        ),
        (
            &TLS_OFF,
            Call(
                &[
                    "setHostnameVerifier",
                    "setDefaultHostnameVerifier",
                    "setSSLHostnameVerifier",
                    "NoopHostnameVerifier",
                    "TrustAllStrategy",
                    "TrustSelfSignedStrategy",
                    "InsecureTrustManagerFactory",
                ],
                &[],
            ),
        ),
        (
            &FILE_MODE,
            Call(
                &["PosixFilePermissions.fromString"],
                &[Token(&["rwxrwxrwx", "rw-rw-rw-", "rwxrwxrw-", "rwxrw-rw-"])],
            ),
        ),
        (
            &SHELL,
            Call(&["exec", "ProcessBuilder", "command"], &[Interpolated]),
        ),
        (
            &DESERIALISE,
            Call(
                &[
                    "ObjectInputStream",
                    "readObject",
                    "readUnshared",
                    "XMLDecoder",
                    "fromXML",
                    "SerializationUtils.deserialize",
                    "enableDefaultTyping",
                    "activateDefaultTyping",
                ],
                &[],
            ),
        ),
        (&SQL, SqlBuilt),
        // Spring's `CorsRegistry` and `CorsConfiguration`, and the Servlet API's headers.
        (
            &CORS_ANY_ORIGIN,
            Call(
                &[
                    "allowedOrigins",
                    "allowedOriginPatterns",
                    "addAllowedOrigin",
                    "addAllowedOriginPattern",
                ],
                &[AnyOrigin],
            ),
        ),
        (
            &CORS_ANY_ORIGIN,
            Call(
                &["setHeader", "addHeader"],
                &[Token(&["Access-Control-Allow-Origin"]), AnyOrigin],
            ),
        ),
        (
            &SECRET_LOGGED,
            Call(
                &[
                    "log.*",
                    "logger.*",
                    "LOG.*",
                    "LOGGER.*",
                    "System.out.println",
                    "System.out.print",
                    "System.out.printf",
                    "System.err.println",
                ],
                &[Secret],
            ),
        ),
        (
            &SECRET_STORED,
            Call(
                &[
                    "Files.write",
                    "Files.writeString",
                    "write",
                    "System.setProperty",
                    "setProperty",
                ],
                &[Secret],
            ),
        ),
        (&HARDCODED, HardcodedSecret),
    ],
};
