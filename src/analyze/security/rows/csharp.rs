//! C#: `System.Security.Cryptography`, BCrypt.Net, ASP.NET Core Identity, authentication and
//! authorisation (attributes, middleware), `System.IdentityModel.Tokens.Jwt`, cookies and
//! sessions, `HttpClientHandler` certificate callbacks, `Process.Start`, `BinaryFormatter` and
//! Json.NET `TypeNameHandling`, ASP.NET Core's CORS policies.

use super::classes::{
    AUTH_GUARD, CONSTANT_TIME, CORS_ANY_ORIGIN, CRYPTO, DESERIALISE, FILE_MODE, HARDCODED, JWT,
    JWT_UNVERIFIED, KDF, OAUTH, PASSWORD_HASH, SECRET_COMPARE, SECRET_LOGGED, SECRET_STORED,
    SESSION, SHELL, SQL, TLS_OFF,
};
use crate::analyze::lang::Selector::{Field, Last};
use crate::analyze::security::shape::Cond::{
    AnyOrigin, Interpolated, Secret, SecretOperand, Token,
};
use crate::analyze::security::shape::Shape::{
    Call, Decorator, HardcodedSecret, SecretComparison, Setting, SqlBuilt,
};
use crate::analyze::security::shape::{Syntax, Table};

static SYNTAX: Syntax = Syntax {
    calls: &[
        ("invocation_expression", Field("function"), None),
        ("object_creation_expression", Field("type"), None),
    ],
    settings: &[
        ("assignment_expression", Field("left"), Field("right")),
        ("variable_declarator", Field("name"), Last),
    ],
    comparisons: &["binary_expression"],
    decorators: &["attribute"],
    strings: &[
        "string_literal",
        "verbatim_string_literal",
        "raw_string_literal",
        "interpolated_string_expression",
    ],
    interpolations: &["interpolation"],
    concats: &["binary_expression"],
    formats: &["Format"],
    literals: &[
        "null_literal",
        "boolean_literal",
        "integer_literal",
        "real_literal",
    ],
    functions: &[
        "method_declaration",
        "constructor_declaration",
        "local_function_statement",
    ],
    containers: &[
        "class_declaration",
        "struct_declaration",
        "record_declaration",
        "interface_declaration",
    ],
    decorated: &[],
    bindings: &[],
    lookups: &[],
    global_objects: &[],
};

/// The C# table.
pub static TABLE: Table = Table {
    languages: &["csharp"],
    syntax: &SYNTAX,
    rows: &[
        (
            &CRYPTO,
            Call(
                &[
                    "Aes.Create",
                    "AesGcm",
                    "AesCcm",
                    "ChaCha20Poly1305",
                    "RSA.Create",
                    "ECDsa.Create",
                    "HMACSHA256",
                    "HMACSHA1",
                    "HMACSHA512",
                    "MD5.Create",
                    "SHA1.Create",
                    "TripleDES.Create",
                    "DES.Create",
                    "RijndaelManaged",
                    "AesManaged",
                    "AesCryptoServiceProvider",
                    "RSACryptoServiceProvider",
                    "ProtectedData.Protect",
                    "ProtectedData.Unprotect",
                    "CreateEncryptor",
                    "CreateDecryptor",
                ],
                &[],
            ),
        ),
        (
            &KDF,
            Call(
                &[
                    "Rfc2898DeriveBytes",
                    "Rfc2898DeriveBytes.Pbkdf2",
                    "HKDF.DeriveKey",
                    "HKDF.Expand",
                    "HKDF.Extract",
                    "KeyDerivation.Pbkdf2",
                ],
                &[],
            ),
        ),
        (
            &PASSWORD_HASH,
            Call(
                &[
                    "BCrypt.HashPassword",
                    "BCrypt.Verify",
                    "BCrypt.EnhancedHashPassword",
                    "PasswordHasher",
                    "HashPassword",
                    "VerifyHashedPassword",
                ],
                &[],
            ),
        ),
        (&SECRET_COMPARE, SecretComparison),
        (
            &SECRET_COMPARE,
            Call(&["Equals", "SequenceEqual"], &[SecretOperand]),
        ),
        (&CONSTANT_TIME, Call(&["FixedTimeEquals"], &[])),
        (
            &JWT_UNVERIFIED,
            Setting(
                &[
                    "ValidateIssuerSigningKey",
                    "ValidateLifetime",
                    "ValidateIssuer",
                    "ValidateAudience",
                    "RequireSignedTokens",
                    "RequireExpirationTime",
                ],
                &["false"],
            ),
        ),
        (&JWT_UNVERIFIED, Call(&["ReadJwtToken"], &[])),
        (
            &JWT,
            Call(
                &[
                    "JwtSecurityTokenHandler",
                    "JsonWebTokenHandler",
                    "ValidateToken",
                    "WriteToken",
                    "AddJwtBearer",
                    "SymmetricSecurityKey",
                ],
                &[],
            ),
        ),
        (
            &OAUTH,
            Call(
                &[
                    "AddOAuth",
                    "AddOpenIdConnect",
                    "AddGoogle",
                    "AddMicrosoftAccount",
                    "RequestAuthorizationCodeTokenAsync",
                    "RequestClientCredentialsTokenAsync",
                    "RequestPasswordTokenAsync",
                ],
                &[],
            ),
        ),
        (
            &SESSION,
            Call(
                &[
                    "Cookies.Append",
                    "AddSession",
                    "UseSession",
                    "ConfigureApplicationCookie",
                    "AddCookie",
                ],
                &[],
            ),
        ),
        (&SESSION, Setting(&["HttpOnly", "Secure"], &["false"])),
        (
            &SESSION,
            Setting(&["SecurePolicy"], &["CookieSecurePolicy.None"]),
        ),
        (
            &AUTH_GUARD,
            Decorator(&[
                "Authorize",
                "AllowAnonymous",
                "ValidateAntiForgeryToken",
                "IgnoreAntiforgeryToken",
                "RequireHttps",
            ]),
        ),
        (
            &AUTH_GUARD,
            Call(
                &[
                    "UseAuthentication",
                    "UseAuthorization",
                    "AddAuthentication",
                    "AddAuthorization",
                    "RequireAuthorization",
                    "AllowAnonymous",
                    "AddPolicy",
                ],
                &[],
            ),
        ),
        (
            &TLS_OFF,
            Setting(
                &[
                    "ServerCertificateCustomValidationCallback",
                    "ServerCertificateValidationCallback",
                    "RemoteCertificateValidationCallback",
                ],
                &["*"],
            ),
        ),
        (
            &TLS_OFF,
            Setting(&["CheckCertificateRevocationList"], &["false"]),
        ),
        (
            &FILE_MODE,
            Call(
                &[
                    "File.SetUnixFileMode",
                    "SetUnixFileMode",
                    "Directory.CreateDirectory",
                ],
                &[Token(&["OtherWrite"])],
            ),
        ),
        (
            &SHELL,
            Call(&["Process.Start", "ProcessStartInfo"], &[Interpolated]),
        ),
        (&SHELL, Setting(&["Arguments"], &["$built"])),
        (
            &DESERIALISE,
            Call(
                &[
                    "BinaryFormatter",
                    "NetDataContractSerializer",
                    "SoapFormatter",
                    "LosFormatter",
                    "ObjectStateFormatter",
                    "JavaScriptSerializer",
                ],
                &[],
            ),
        ),
        (
            &DESERIALISE,
            Setting(
                &["TypeNameHandling"],
                &[
                    "TypeNameHandling.All",
                    "TypeNameHandling.Auto",
                    "TypeNameHandling.Objects",
                    "TypeNameHandling.Arrays",
                ],
            ),
        ),
        (&SQL, SqlBuilt),
        // ASP.NET Core's `CorsPolicyBuilder`, and a response header.
        (&CORS_ANY_ORIGIN, Call(&["AllowAnyOrigin"], &[])),
        (&CORS_ANY_ORIGIN, Call(&["WithOrigins"], &[AnyOrigin])),
        (
            &CORS_ANY_ORIGIN,
            Call(
                &["Headers.Add", "Headers.Append"],
                &[Token(&["Access-Control-Allow-Origin"]), AnyOrigin],
            ),
        ),
        (
            &SECRET_LOGGED,
            Call(
                &[
                    "Console.WriteLine",
                    "Console.Write",
                    "logger.*",
                    "_logger.*",
                    "Log.*",
                    "LogInformation",
                    "LogDebug",
                    "LogWarning",
                    "LogError",
                    "Debug.WriteLine",
                    "Trace.WriteLine",
                ],
                &[Secret],
            ),
        ),
        (
            &SECRET_STORED,
            Call(
                &[
                    "File.WriteAllText",
                    "File.AppendAllText",
                    "File.WriteAllBytes",
                    "File.WriteAllTextAsync",
                    "File.AppendAllTextAsync",
                    "Environment.SetEnvironmentVariable",
                ],
                &[Secret],
            ),
        ),
        (&HARDCODED, HardcodedSecret),
    ],
};
