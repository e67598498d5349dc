//! Per-language constructs on real-shaped snippets, and what must not fire.

use super::*;
use crate::analyze::contents::{Content, FileContents};
use crate::analyze::domain::testing::hunk;
use crate::diff::{FileChange, FileStatus};

mod across_languages;

/// The (construct id, scope) pairs a change from `before` to `after` at `path` fires.
fn fired(path: &str, before: &str, after: &str) -> Vec<String> {
    let status = if before.is_empty() {
        FileStatus::Added
    } else {
        FileStatus::Modified
    };
    let mut file = FileChange::new(status, Some(path.into()), Some(path.into()));
    file.hunks.push(hunk(before, after));
    let versions = Versions {
        file: &file,
        old: (!before.is_empty()).then_some(before.as_bytes()),
        new: Some(after.as_bytes()),
    };
    assert!(Security.wants(path, after.as_bytes()), "{path} not wanted");
    let analysis = Security.analyze(&versions);
    assert!(analysis.fallbacks.is_empty(), "{:?}", analysis.fallbacks);
    // The same facts when the constructs are computed through a cache, and when a later run
    // reads them back from it.
    let dir = tempfile::tempdir().expect("temp dir");
    for run in ["computed", "kept"] {
        let cache = Cache::open(dir.path());
        let through = analyze_guarded(&versions, &cache);
        assert_eq!(
            format!("{:?}", through.facts),
            format!("{:?}", analysis.facts),
            "{run}"
        );
    }
    assert_eq!(
        format!("{:?}", primed(&file, &versions).facts),
        format!("{:?}", analysis.facts),
        "read along another analyzer's parse"
    );
    analysis
        .facts
        .iter()
        .map(|fact| {
            assert_eq!(fact.signal, Signal::SecuritySensitiveChange);
            fact.subject.clone().unwrap_or_default()
        })
        .collect()
}

/// The analysis of `versions` through a cache primed with trees parsed elsewhere (as the
/// mechanical comparison offers them); every version with a keyword must be kept by the prime.
fn primed(file: &FileChange, versions: &Versions<'_>) -> Analysis {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    let bytes = |side: Option<&[u8]>| side.map_or(Content::Absent, |b| Content::Bytes(b.into()));
    let contents = FileContents {
        file,
        old: bytes(versions.old),
        new: bytes(versions.new),
    };
    let sample = versions.new.or(versions.old).unwrap_or_default();
    let first_line = sample.split(|b| *b == b'\n').next().unwrap_or_default();
    let (index, language) = table_for(file.path(), first_line).expect("a table");
    let compiled = language.compiled().expect("grammar");
    for source in [versions.old, versions.new].into_iter().flatten() {
        let tree =
            crate::analyze::blast::outline::parse::parse(language, compiled, source, PARSE_TIMEOUT)
                .expect("parse");
        prime(
            &Parsed {
                file: &contents,
                blob: "0123456789abcdef0123456789abcdef01234567",
                source,
                grammar: language.name,
                tree: &tree,
            },
            &cache,
        );
        let kept = cache.derived::<Constructs, ()>(&digest(index, language, source), || Err(()));
        assert_eq!(kept.is_ok(), PREFILTERS[index].is_match(source));
    }
    analyze_guarded(versions, &cache)
}

/// Every table's prefilter builds and every table's language is in the registry.
#[test]
fn every_table_builds() {
    assert_eq!(PREFILTERS.len(), rows::TABLES.len());
    for table in rows::TABLES {
        for language in table.languages {
            assert!(lang::by_name(language).is_some(), "{language}");
        }
    }
}

/// Python: a key derived from another secret, a TLS check switched off, a token written to a
/// plaintext file, a shell command built with an f-string, and `pickle.loads`.
#[test]
fn python_constructs_added() {
    let before = "import hashlib\n\n\ndef load(path):\n    return open(path).read()\n";
    let after = r#"import hashlib
import pickle
import subprocess

import requests
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(master_secret, salt):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"enc").derive(master_secret)


def load(path):
    return open(path).read()


def fetch(url):
    return requests.get(url, verify=False)


def save_token(session, url):
    token = session.fetch_token(TOKEN_URL, authorization_response=url)
    with open("token.txt", "w") as handle:
        handle.write(token["access_token"])


def archive(name):
    subprocess.run(f"tar czf {name}.tgz data", shell=True)


def restore(blob):
    return pickle.loads(blob)
"#;
    assert_eq!(
        fired("app/ops.py", before, after),
        vec![
            "key-derivation:derive_key",
            "tls-verification-off:fetch",
            "oauth-handling:save_token",
            "secret-stored:save_token",
            "shell-interpolation:archive",
            "unsafe-deserialisation:restore",
        ]
    );
}

/// Python: a constant-time compare is a construct, not a non-constant-time one; `==` on a
/// secret is; a comment or a string that says "token" is neither.
#[test]
fn python_comparisons() {
    let after = r#"import hmac


def verify_client_secret(client, presented):
    # compare the token with == ? no: constant time
    return hmac.compare_digest(client.secret, presented)


def check(client, presented):
    return client.secret == presented


def describe():
    return "token"


def empty(token):
    return token == None
"#;
    assert_eq!(
        fired("app/clients.py", "", after),
        vec![
            "constant-time-comparison:verify_client_secret",
            "secret-comparison:check",
        ]
    );
}

/// A changed line elsewhere in `verify_client_secret` fires for the unchanged constant-time
/// compare inside it; a change in another function does not.
#[test]
fn body_change_around_an_unchanged_construct() {
    let before = "import hmac\n\n\ndef verify_client_secret(client, presented):\n    return hmac.compare_digest(client.secret, presented)\n\n\ndef other():\n    return 1\n";
    let after = "import hmac\n\n\ndef verify_client_secret(client, presented):\n    if client.trusted:\n        return True\n    return hmac.compare_digest(client.secret, presented)\n\n\ndef other():\n    return 2\n";
    assert_eq!(
        fired("app/clients.py", before, after),
        vec!["constant-time-comparison:verify_client_secret"]
    );
    assert!(
        fired(
            "app/clients.py",
            before,
            &before.replace("return 1", "return 2")
        )
        .is_empty()
    );
}

/// A whitespace and comment reformat of security code fires nothing.
#[test]
fn reformat_is_silent() {
    let before = "import hmac\n\n\ndef verify(client, presented):\n    return hmac.compare_digest(client.secret, presented)\n";
    let after = "import hmac\n\n\ndef verify(client, presented):\n    # constant time\n    return hmac.compare_digest(\n        client.secret,\n        presented,\n    )\n";
    assert!(fired("app/auth.py", before, after).is_empty());
}

/// JavaScript and TypeScript: cipher, TLS off, shell with a template literal, a timing-safe
/// compare, a secret compared with `===`, a world-writable mode.
#[test]
fn javascript_constructs_added() {
    let after = r#"const crypto = require("crypto");
const { exec } = require("child_process");
const fs = require("fs");

function encrypt(key, iv, data) {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  return cipher.update(data);
}

function agent() {
  return new https.Agent({ rejectUnauthorized: false });
}

function archive(name) {
  exec(`tar czf ${name}.tgz data`);
}

function verify(a, b) {
  return crypto.timingSafeEqual(a, b);
}

function check(req, apiToken) {
  return req.headers.token === apiToken;
}

function open(dir) {
  fs.chmodSync(dir, 0o777);
}
"#;
    let expected = vec![
        "crypto-primitive:encrypt",
        "tls-verification-off:agent",
        "shell-interpolation:archive",
        "constant-time-comparison:verify",
        "secret-comparison:check",
        "permissive-file-mode:open",
    ];
    assert_eq!(fired("web/lib.js", "", after), expected);
    assert_eq!(fired("web/lib.ts", "", after), expected);
}

/// Go: TLS verification off, SQL built with `Sprintf`, `sh -c` with `Sprintf`, constant-time
/// compare, a world-writable `os.Chmod`.
#[test]
fn go_constructs_added() {
    let after = r#"package store

import (
	"crypto/subtle"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
)

func Client() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true}
}

func Find(db *sql.DB, name string) {
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))
}

func Archive(name string) error {
	return exec.Command("sh", "-c", fmt.Sprintf("tar czf %s.tgz data", name)).Run()
}

func Verify(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}

func Open(dir string) error {
	return os.Chmod(dir, 0777)
}
"#;
    assert_eq!(
        fired("store/store.go", "", after),
        vec![
            "tls-verification-off:Client",
            "sql-string-building:Find",
            "shell-interpolation:Archive",
            "constant-time-comparison:Verify",
            "permissive-file-mode:Open",
        ]
    );
}

/// Java: JCE cipher, PBKDF2 key factory, Spring Security annotation, unsafe deserialisation,
/// SQL built by concatenation, a secret compared with `equals`.
#[test]
fn java_constructs_added() {
    let after = r#"package shop;

class Vault {
    byte[] seal(byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        return cipher.doFinal(data);
    }

    SecretKey derive(char[] password, byte[] salt) throws Exception {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(password, salt, 600000, 256));
    }

    @PreAuthorize("hasRole('ADMIN')")
    void purge() {}

    Object read(InputStream in) throws Exception {
        return new ObjectInputStream(in).readObject();
    }

    ResultSet find(Statement st, String name) throws Exception {
        return st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
    }

    boolean check(String token, String presented) {
        return token.equals(presented);
    }
}
"#;
    assert_eq!(
        fired("src/Store.java", "", after),
        vec![
            "crypto-primitive:Vault.seal",
            "key-derivation:Vault.derive",
            "auth-guard:Vault.purge",
            "unsafe-deserialisation:Vault.read",
            "sql-string-building:Vault.find",
            "secret-comparison:Vault.check",
        ]
    );
}

/// Ruby's `%x(…)` runs its text through the shell as backticks do, with any delimiter; a file
/// holding no backtick was passed over before it was read.
#[test]
fn ruby_percent_x_is_a_subshell() {
    for command in [
        "%x(tar czf #{name}.tgz data)",
        "%x{tar czf #{name}.tgz data}",
    ] {
        let after = format!("def archive(name)\n  {command}\nend\n");
        assert_eq!(
            fired("app/jobs.rb", "", &after),
            vec!["shell-interpolation:archive"],
            "{command}"
        );
    }
}

/// Ruby: a controller guard, `Marshal.load`, TLS off, backticks with interpolation, a
/// secure compare.
#[test]
fn ruby_constructs_added() {
    let after = r"class AccountsController < ApplicationController
  before_action :authenticate_user!

  def restore(blob)
    Marshal.load(blob)
  end

  def fetch(http)
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
  end

  def archive(name)
    `tar czf #{name}.tgz data`
  end

  def verify(a, b)
    ActiveSupport::SecurityUtils.secure_compare(a, b)
  end
end
";
    assert_eq!(
        fired("app/controllers/accounts_controller.rb", "", after),
        vec![
            "auth-guard:AccountsController",
            "unsafe-deserialisation:AccountsController.restore",
            "tls-verification-off:AccountsController.fetch",
            "shell-interpolation:AccountsController.archive",
            "constant-time-comparison:AccountsController.verify",
        ]
    );
}

/// Ruby: SQL in a heredoc with values interpolated (a Rails data migration's `execute
/// <<-SQL`) is SQL built from values; the same heredoc with bound literals only is not.
#[test]
fn ruby_sql_heredoc() {
    let after = r"class UpdateOutdatedTimezones < ActiveRecord::Migration[7.2]
  def up
    MAPPINGS.each do |old_tz, new_tz|
      execute <<-SQL
        UPDATE families
        SET timezone = '#{new_tz}'
        WHERE timezone = '#{old_tz}'
      SQL
    end
  end

  def down
    execute <<~SQL
      UPDATE families SET timezone = 'UTC' WHERE timezone IS NULL
    SQL
  end
end
";
    assert_eq!(
        fired(
            "db/migrate/20250623162207_update_outdated_timezones.rb",
            "",
            after
        ),
        vec!["sql-string-building:UpdateOutdatedTimezones.up"]
    );
}

/// Rust: reqwest accepting invalid certificates, AES-GCM, a secret compared with `==`, SQL
/// built with `format!`.
#[test]
fn rust_constructs_added() {
    let after = r#"use aes_gcm::Aes256Gcm;

fn client() -> reqwest::Client {
    reqwest::Client::builder().danger_accept_invalid_certs(true).build().unwrap()
}

fn cipher(key: &Key) -> Aes256Gcm {
    Aes256Gcm::new(key)
}

fn check(secret: &str, presented: &str) -> bool {
    secret == presented
}

fn find(name: &str) -> String {
    format!("SELECT * FROM users WHERE name = '{name}'")
}
"#;
    assert_eq!(
        fired("src/net.rs", "", after),
        vec![
            "tls-verification-off:client",
            "crypto-primitive:cipher",
            "secret-comparison:check",
            "sql-string-building:find",
        ]
    );
}

/// C#: `[Authorize]`, `BinaryFormatter`, `Rfc2898DeriveBytes`, a certificate callback, SQL
/// in an interpolated string.
#[test]
fn csharp_constructs_added() {
    let after = r#"public class AccountController : Controller
{
    [Authorize(Roles = "Admin")]
    public IActionResult Purge() { return Ok(); }

    public object Read(Stream s) { return new BinaryFormatter().Deserialize(s); }

    public byte[] Derive(string password, byte[] salt) { return new Rfc2898DeriveBytes(password, salt, 600000).GetBytes(32); }

    public HttpClient Client()
    {
        var handler = new HttpClientHandler();
        handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;
        return new HttpClient(handler);
    }

    public SqlCommand Find(string name) { return new SqlCommand($"SELECT * FROM users WHERE name = '{name}'"); }
}
"#;
    assert_eq!(
        fired("Controllers/AccountController.cs", "", after),
        vec![
            "auth-guard:AccountController.Purge",
            "unsafe-deserialisation:AccountController.Read",
            "key-derivation:AccountController.Derive",
            "tls-verification-off:AccountController.Client",
            "sql-string-building:AccountController.Find",
        ]
    );
}

/// PHP: `password_hash`, cURL TLS off, `unserialize`, SQL in an interpolated string,
/// `hash_equals`.
#[test]
fn php_constructs_added() {
    let after = r#"<?php
function register($password) {
    return password_hash($password, PASSWORD_DEFAULT);
}

function fetch($ch) {
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
}

function restore($blob) {
    return unserialize($blob);
}

function find($db, $name) {
    return $db->query("SELECT * FROM users WHERE name = '$name'");
}

function verify($known, $given) {
    return hash_equals($known, $given);
}
"#;
    assert_eq!(
        fired("src/account.php", "", after),
        vec![
            "password-hashing:register",
            "tls-verification-off:fetch",
            "unsafe-deserialisation:restore",
            "sql-string-building:find",
            "constant-time-comparison:verify",
        ]
    );
}

/// An API key moved from source into `.env`: removed from the code, added to the env file.
#[test]
fn api_key_moved_to_dotenv() {
    let before = "API_KEY = \"k3y-live-0123456789abcdef\"\n\n\ndef headers():\n    return {\"Authorization\": API_KEY}\n";
    let after = "import os\n\nAPI_KEY = os.environ[\"API_KEY\"]\n\n\ndef headers():\n    return {\"Authorization\": API_KEY}\n";
    assert_eq!(
        fired("app/client.py", before, after),
        vec!["hardcoded-secret"]
    );
    assert_eq!(
        fired(
            ".env",
            "DEBUG=1\n",
            "DEBUG=1\nAPI_KEY=k3y-live-0123456789abcdef\n"
        ),
        vec!["hardcoded-secret"]
    );
    assert!(!Security.wants(".env.example", b"API_KEY=changeme"));
}

/// Non-ASCII text next to callee names and SQL-looking strings is read, not a panic (a Flask
/// test file with `"Hällo Wörld".encode()` once stopped a replay).
#[test]
fn non_ascii_text_is_read() {
    let after = "def greet(cursor):\n    cursor.execute(\"SELECTé\" + name)\n    return \"Hällo Wörld\".encode(\"utf-8\")\n";
    assert!(fired("app/greet.py", "", after).is_empty());
}

/// Nested functions are named through their enclosing function, so a view `index` inside one
/// test is not the `index` of another: a change to one does not fire for the other's cookie.
#[test]
fn nested_functions_keep_apart() {
    let before = "def test_a(app):\n    def index():\n        resp.set_cookie(\"k\", \"v\")\n        return resp\n\n\ndef test_b(app):\n    def index():\n        return 1\n";
    let after = before.replace("return 1", "return 2");
    assert!(fired("tests/test_views.py", before, &after).is_empty());
    let after = before.replace("return resp", "return None");
    assert_eq!(
        fired("tests/test_views.py", before, &after),
        vec!["session-or-cookie:test_a.index"]
    );
}

/// A decorator belongs to the function it decorates, named once.
#[test]
fn decorator_scope_is_its_function() {
    let after = "class Views:\n    @login_required\n    def settings(self):\n        return 1\n";
    assert_eq!(
        fired("app/views.py", "", after),
        vec!["auth-guard:Views.settings"]
    );
}

/// Code in an authentication path is security-sensitive whatever it contains (modelcontextprotocol/
/// python-sdk: a `WWW-Authenticate` challenge changed in `auth/middleware/bearer_auth.py`); a
/// reformat of it is not.
#[test]
fn sensitive_path_fires_on_a_code_change_only() {
    let before = "def challenge(parts):\n    return \", \".join(parts)\n";
    let after =
        "def challenge(parts, scopes):\n    parts.append(scopes)\n    return \", \".join(parts)\n";
    assert_eq!(
        fired("src/server/auth/middleware/bearer_auth.py", before, after),
        vec!["sensitive-path:auth"]
    );
    let reformatted = "def challenge(parts):\n    return ', '.join(parts)\n";
    assert!(
        fired(
            "src/server/auth/middleware/bearer_auth.py",
            before,
            reformatted
        )
        .is_empty()
    );
    assert!(fired("src/server/author.py", before, after).is_empty());
}

/// A token drawn from `secrets` instead of `random` is a change of randomness (netbox: API
/// tokens).
#[test]
fn secure_randomness_is_a_construct() {
    let before =
        "import random\n\ndef make(n):\n    return ''.join(random.choice(C) for _ in range(n))\n";
    let after =
        "import secrets\n\ndef make(n):\n    return ''.join(secrets.choice(C) for _ in range(n))\n";
    assert_eq!(
        fired("users/models/tokens.py", before, after),
        vec!["secure-randomness:make"]
    );
}

/// A function whose name says it is a security check fires when its body changes, even
/// without a construct in it (modelcontextprotocol/servers 07b2917: the fetch server's
/// `_validate_url_is_safe`); a reformat of it does not, nor does a change elsewhere.
#[test]
fn guard_function_changed() {
    let before = "def _validate_url_is_safe(url):\n    parsed = urlparse(url)\n    if parsed.scheme not in ('http', 'https'):\n        raise ValueError(url)\n\n\ndef other():\n    return 1\n";
    let after = before.replace("('http', 'https')", "('http', 'https', 'file')");
    assert_eq!(
        fired("app/fetch.py", before, &after),
        vec!["security-check:_validate_url_is_safe"]
    );
    assert!(
        fired(
            "app/fetch.py",
            before,
            &before.replace("return 1", "return 2")
        )
        .is_empty()
    );
    assert!(
        fired(
            "app/fetch.py",
            before,
            &before.replace("'http'", "\"http\"")
        )
        .is_empty()
    );
}
