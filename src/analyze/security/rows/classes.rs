//! The construct classes every language's rows point at: id, what, why, and the source of
//! the judgement (CWE entry and OWASP cheat sheet).

use crate::analyze::security::shape::Class;

macro_rules! class {
    ($name:ident, $id:literal, $what:literal, $why:literal, $cwe:literal, $sheet:literal) => {
        #[doc = $what]
        pub static $name: Class = Class {
            id: $id,
            what: $what,
            why: $why,
            source: concat!(
                $cwe,
                "; ",
                "https://cheatsheetseries.owasp.org/cheatsheets/",
                $sheet
            ),
        };
    };
    ($name:ident, $id:literal, $what:literal, $why:literal, $cwe:literal) => {
        #[doc = $what]
        pub static $name: Class = Class {
            id: $id,
            what: $what,
            why: $why,
            source: $cwe,
        };
    };
}

class!(
    CRYPTO,
    "crypto-primitive",
    "cryptographic primitive",
    "a cipher, mode, MAC or key choice that is subtly wrong leaks or forges data",
    "CWE-327",
    "Cryptographic_Storage_Cheat_Sheet.html"
);
class!(
    KDF,
    "key-derivation",
    "key derivation",
    "a key derived from another secret is only as strong as that secret, its salt and its parameters",
    "CWE-916",
    "Cryptographic_Storage_Cheat_Sheet.html"
);
class!(
    PASSWORD_HASH,
    "password-hashing",
    "password or secret hashing",
    "a weak algorithm, cost or salt makes stolen hashes crackable",
    "CWE-916",
    "Password_Storage_Cheat_Sheet.html"
);
class!(
    SECRET_COMPARE,
    "secret-comparison",
    "non-constant-time comparison of a secret",
    "`==` on a secret returns early at the first differing byte, leaking it through timing",
    "CWE-208",
    "Cryptographic_Storage_Cheat_Sheet.html"
);
class!(
    CONSTANT_TIME,
    "constant-time-comparison",
    "constant-time comparison of a secret",
    "it guards a secret; replacing it or changing what it compares reopens timing or bypass attacks",
    "CWE-208",
    "Cryptographic_Storage_Cheat_Sheet.html"
);
class!(
    JWT,
    "jwt-handling",
    "JWT signing or verification",
    "a token verified without its signature, algorithm or expiry lets anyone forge a session",
    "CWE-347",
    "JSON_Web_Token_for_Java_Cheat_Sheet.html"
);
class!(
    JWT_UNVERIFIED,
    "jwt-unverified",
    "JWT decoded without verification",
    "claims from an unverified token are attacker-controlled",
    "CWE-347",
    "JSON_Web_Token_for_Java_Cheat_Sheet.html"
);
class!(
    OAUTH,
    "oauth-handling",
    "OAuth token exchange",
    "tokens obtained for a user grant access on their behalf; where they go and how they are checked decides who else gets it",
    "CWE-522",
    "OAuth2_Cheat_Sheet.html"
);
class!(
    SESSION,
    "session-or-cookie",
    "session or cookie handling",
    "a cookie without Secure/HttpOnly or a weak session setting lets a session be stolen or fixed",
    "CWE-614",
    "Session_Management_Cheat_Sheet.html"
);
class!(
    AUTH_GUARD,
    "auth-guard",
    "authentication or authorisation guard",
    "adding, removing or changing a guard changes who may call the code",
    "CWE-862",
    "Authorization_Cheat_Sheet.html"
);
class!(
    TLS_OFF,
    "tls-verification-off",
    "TLS certificate verification turned off",
    "without verification anyone on the network path can read and change the traffic",
    "CWE-295",
    "Transport_Layer_Security_Cheat_Sheet.html"
);
class!(
    FILE_MODE,
    "permissive-file-mode",
    "world-writable file mode",
    "any local user or process can change the file, or what runs from it",
    "CWE-732 (https://cwe.mitre.org/data/definitions/732.html)"
);
class!(
    SHELL,
    "shell-interpolation",
    "shell command built from values",
    "a value with shell metacharacters runs commands of its own",
    "CWE-78",
    "OS_Command_Injection_Defense_Cheat_Sheet.html"
);
class!(
    DYNAMIC_CODE,
    "dynamic-code-execution",
    "code evaluated from a string",
    "whatever reaches the string runs as code with the program's rights",
    "CWE-95 (https://cwe.mitre.org/data/definitions/95.html)"
);
class!(
    DESERIALISE,
    "unsafe-deserialisation",
    "unsafe deserialisation",
    "deserialising untrusted bytes with this API can run code",
    "CWE-502",
    "Deserialization_Cheat_Sheet.html"
);
class!(
    SQL,
    "sql-string-building",
    "SQL built by string formatting",
    "a value spliced into SQL text is an injection unless every caller escapes it",
    "CWE-89",
    "SQL_Injection_Prevention_Cheat_Sheet.html"
);
class!(
    SECRET_LOGGED,
    "secret-logged",
    "secret written to a log or output",
    "logs are kept, shipped and read by many; a secret in them is disclosed",
    "CWE-532",
    "Logging_Cheat_Sheet.html"
);
class!(
    SECRET_STORED,
    "secret-stored",
    "secret written to a file or the environment",
    "a plaintext copy outlives the process and is readable by whoever reads the file or environment",
    "CWE-312",
    "Secrets_Management_Cheat_Sheet.html"
);
class!(
    HARDCODED,
    "hardcoded-secret",
    "secret written into the code or an env file",
    "a secret in a tracked file is shared with everyone who can read the repository",
    "CWE-798",
    "Secrets_Management_Cheat_Sheet.html"
);
class!(
    CORS_ANY_ORIGIN,
    "cors-any-origin",
    "cross-origin requests allowed from any origin",
    "any website its visitors open can call the service from their browsers, and read the answers",
    "CWE-942",
    "HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing"
);
class!(
    SECURE_RANDOM,
    "secure-randomness",
    "random values for tokens, keys or nonces",
    "a token from a predictable generator, or one made shorter, can be guessed",
    "CWE-338",
    "Cryptographic_Storage_Cheat_Sheet.html#secure-random-number-generation"
);
