//! One construct class in every language that has it: code run from a string and CORS
//! opened to any origin, with what shares their names and must not fire.

use super::fired;

/// Code run from a string, in each language that has it: the builtins, their library
/// cousins and Go's shell interpreter fire; methods that share the name (a model's `eval()`, an ORM session's `exec`, a
/// regular expression's `exec`, `ast.literal_eval`) and a `*_eval` with a block do not.
#[test]
fn dynamic_code_execution() {
    let python = r#"import ast
import builtins


def run_rule(rule, row):
    return eval(rule.expression, {"row": row})


def load_plugin(text):
    exec(text)
    builtins.exec(text)


def predict(model, batch, session, query, raw):
    model.eval()
    rows = session.exec(query).all()
    return ast.literal_eval(raw), rows
"#;
    assert_eq!(
        fired("app/rules.py", "", python),
        vec![
            "dynamic-code-execution:run_rule",
            "dynamic-code-execution:load_plugin",
        ]
    );
    let javascript = r"const vm = require('vm');

export function compute(formula, scope) {
  return eval(formula);
}

export function compile(body) {
  return new Function('scope', body);
}

export function sandbox(code) {
  return vm.runInNewContext(code, {});
}

export function firstMatch(pattern, text, engine) {
  engine.eval();
  return pattern.exec(text);
}
";
    assert_eq!(
        fired("src/formula.ts", "", javascript),
        vec![
            "dynamic-code-execution:compute",
            "dynamic-code-execution:compile",
            "dynamic-code-execution:sandbox",
        ]
    );
    let ruby = r#"class Report
  def total(expression)
    eval(expression)
  end

  def define(name)
    class_eval("def #{name}; @#{name}; end")
  end

  def configure(&block)
    instance_eval(&block)
  end
end
"#;
    assert_eq!(
        fired("app/models/report.rb", "", ruby),
        vec![
            "dynamic-code-execution:Report.total",
            "dynamic-code-execution:Report.define",
        ]
    );
    let php = "<?php\nfunction run_template($code) {\n    return eval($code);\n}\n\nfunction query($db, $q) {\n    return $db->eval($q);\n}\n";
    assert_eq!(
        fired("src/template.php", "", php),
        vec!["dynamic-code-execution:run_template"]
    );
    // Go: mvdan.cc/sh's interpreter runs shell text; a package's own `New` does not.
    let go = r#"package shell

import "mvdan.cc/sh/v3/interp"

func Runner(env []string) (*interp.Runner, error) {
	return interp.New(interp.Params("-u"))
}

func Buffer() *bytes.Buffer {
	return bytes.New()
}
"#;
    assert_eq!(
        fired("internal/shell/run.go", "", go),
        vec!["dynamic-code-execution:Runner"]
    );
}

/// Cross-origin requests opened to every origin, the way an assistant silences a browser's
/// CORS error: Django's setting, `FastAPI`'s middleware with `"*"`, Flask-CORS without origins,
/// a header set to `*`, Express's `cors()`. Not: a list of origins, any methods or headers,
/// `cors(options)`, `*` as an operator or unpacking.
#[test]
fn cors_opened_to_any_origin() {
    let python = r#"from fastapi.middleware.cors import CORSMiddleware
from flask_cors import CORS

CORS_ALLOW_ALL_ORIGINS = True


def install(app):
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])


def install_flask(app):
    CORS(app)


def answer(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def install_listed(app, origins, *args):
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"])
    app.add_middleware(CORSMiddleware, allow_origins=[origins[0]], max_age=60 * 10)
    CORS(app, origins=["https://example.com"])
"#;
    assert_eq!(
        fired("app/main.py", "", python),
        vec![
            "cors-any-origin",
            "cors-any-origin:install",
            "cors-any-origin:install_flask",
            "cors-any-origin:answer",
        ]
    );
    let javascript = r"import cors from 'cors';

export function open(app) {
  app.use(cors());
}

export function reply(res) {
  res.setHeader('Access-Control-Allow-Origin', '*');
}

export function listed(app, options) {
  app.use(cors(options));
  app.use(cors({ origin: ['https://example.com'] }));
  return 2 * 3;
}
";
    assert_eq!(
        fired("src/server.ts", "", javascript),
        vec!["cors-any-origin:open", "cors-any-origin:reply"]
    );
}

/// CORS opened to any origin in Go (gin-contrib/cors, a header), Java (Spring), C# (ASP.NET
/// Core), Ruby (rack-cors) and PHP (Laravel's config); a listed origin is not.
#[test]
fn cors_opened_to_any_origin_in_other_languages() {
    let go = "package api\n\nfunc routes(r *gin.Engine) {\n\tr.Use(cors.New(cors.Config{AllowAllOrigins: true}))\n}\n\nfunc reply(w http.ResponseWriter) {\n\tw.Header().Set(\"Access-Control-Allow-Origin\", \"*\")\n}\n\nfunc listed(r *gin.Engine) {\n\tr.Use(cors.New(cors.Config{AllowOrigins: []string{\"https://example.com\"}}))\n\tw.Header().Set(\"Access-Control-Allow-Methods\", \"*\")\n}\n";
    assert_eq!(
        fired("api/routes.go", "", go),
        vec!["cors-any-origin:routes", "cors-any-origin:reply"]
    );
    let java = "class WebConfig {\n  public void addCorsMappings(CorsRegistry registry) {\n    registry.addMapping(\"/**\").allowedOrigins(\"*\");\n  }\n\n  public void listed(CorsRegistry registry) {\n    registry.addMapping(\"/**\").allowedOrigins(\"https://example.com\").allowedMethods(\"*\");\n  }\n}\n";
    assert_eq!(
        fired("src/main/java/WebConfig.java", "", java),
        vec!["cors-any-origin:WebConfig.addCorsMappings"]
    );
    let csharp = "class Startup {\n  void Configure(CorsPolicyBuilder policy) {\n    policy.AllowAnyOrigin().AllowAnyHeader();\n  }\n\n  void Listed(CorsPolicyBuilder policy) {\n    policy.WithOrigins(\"https://example.com\").AllowAnyMethod();\n  }\n}\n";
    assert_eq!(
        fired("Startup.cs", "", csharp),
        vec!["cors-any-origin:Startup.Configure"]
    );
    let ruby = "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins '*'\n    resource '*', headers: :any\n  end\nend\n";
    assert_eq!(
        fired("config/initializers/cors.rb", "", ruby),
        vec!["cors-any-origin"]
    );
    let php = "<?php\nreturn [\n    'paths' => ['api/*'],\n    'allowed_methods' => ['*'],\n    'allowed_origins' => ['*'],\n];\n";
    assert_eq!(fired("config/cors.php", "", php), vec!["cors-any-origin"]);
}

/// A construct called through an import alias is the construct: `sp.run` after `import
/// subprocess as sp`, `r` after `from subprocess import run as r`, `run` after
/// `import { exec as run }`, Go's `sh.New` after `import sh "mvdan.cc/sh/v3/interp"`. A local
/// name that imports something else is not.
#[test]
fn constructs_under_an_import_alias() {
    let python = r#"import subprocess as sp
from subprocess import run as r
import json as subprocess_json


def archive(name):
    sp.run(f"tar czf {name}.tgz data", shell=True)


def backup(name):
    r(f"cp -r data {name}", shell=True)


def parse(text):
    return subprocess_json.loads(text)
"#;
    assert_eq!(
        fired("app/jobs.py", "", python),
        vec!["shell-interpolation:archive", "shell-interpolation:backup"]
    );
    let javascript = "import { exec as run } from 'child_process';\nimport { format as exec } from 'util';\n\nexport function archive(name) {\n  run(`tar czf ${name}.tgz data`);\n}\n\nexport function label(name) {\n  return exec(`%s`, name);\n}\n";
    assert_eq!(
        fired("src/jobs.ts", "", javascript),
        vec!["shell-interpolation:archive"]
    );
    let go = "package shell\n\nimport sh \"mvdan.cc/sh/v3/interp\"\n\nfunc Runner() (*sh.Runner, error) {\n\treturn sh.New()\n}\n";
    assert_eq!(
        fired("internal/shell/run.go", "", go),
        vec!["dynamic-code-execution:Runner"]
    );
}

/// A construct reached under another name is the construct: a name imported as itself
/// (`from pickle import loads`), a name assigned a construct (`run = subprocess.run`, also
/// below its use and inside a function), a lookup by string (`getattr(subprocess, "run")`,
/// `importlib.import_module("pickle")`, `__import__`, `require`), a name taken out of a module
/// (`const { exec: run } = require(…)`), a global through the global object
/// (`globalThis["eval"]`), and chains of them. A name assigned something else, or assigned
/// again, is not.
#[test]
fn constructs_under_other_names() {
    let python = r#"import importlib
import subprocess
from pickle import loads
from myapp.shell import run as app_run

run = subprocess.run
sp = __import__("subprocess")
runner = getattr(importlib.import_module("subprocess"), "run")


def restore(blob):
    return loads(blob)


def archive(name):
    run(f"tar czf {name}.tgz data", shell=True)


def backup(name):
    sp.call(f"cp -r data {name}", shell=True)


def sync(name):
    runner(f"rsync data {name}", shell=True)


def fetch(blob):
    return getattr(importlib.import_module("pickle"), "loads")(blob)


def late(blob):
    return decode(blob)


def local(name):
    call = subprocess.check_call
    call(f"ls {name}", shell=True)


def listing(name):
    app_run(f"ls {name}", shell=True)


def parse(text):
    parse_json = json_loads
    return parse_json(text)


decode = importlib.import_module("pickle").loads
json_loads = json.loads
"#;
    assert_eq!(
        fired("app/jobs.py", "", python),
        vec![
            "unsafe-deserialisation:restore",
            "shell-interpolation:archive",
            "shell-interpolation:backup",
            "shell-interpolation:sync",
            "unsafe-deserialisation:fetch",
            "unsafe-deserialisation:late",
            "shell-interpolation:local",
        ]
    );
    let rebound = "import subprocess\n\nrun = subprocess.run\nrun = safe_shell.run\n\n\ndef archive(name):\n    run(f\"tar czf {name}.tgz data\", shell=True)\n";
    assert!(fired("app/jobs.py", "", rebound).is_empty());
    let javascript = "const cp = require('child_process');\nconst run = cp.exec;\nconst ev = eval;\nconst { exec: spawnShell, execSync } = require('child_process');\nconst { format: exec } = require('util');\n\nexport function archive(name) {\n  run(`tar czf ${name}.tgz data`);\n}\n\nexport function compute(formula) {\n  return ev(formula);\n}\n\nexport function backup(name) {\n  spawnShell(`cp -r data ${name}`);\n  execSync(`sync ${name}`);\n}\n\nexport function apply(rule) {\n  return globalThis[\"eval\"](rule) + window.eval(rule);\n}\n\nexport function label(name) {\n  return exec(`%s`, name);\n}\n";
    assert_eq!(
        fired("src/jobs.js", "", javascript),
        vec![
            "shell-interpolation:archive",
            "dynamic-code-execution:compute",
            "shell-interpolation:backup",
            "dynamic-code-execution:apply"
        ]
    );
    let go = "package jobs\n\nimport \"os/exec\"\n\nfunc Archive(name string) error {\n\tcommand := exec.Command\n\treturn command(\"sh\", \"-c\", \"tar czf \"+name).Run()\n}\n";
    assert_eq!(
        fired("jobs/archive.go", "", go),
        vec!["shell-interpolation:Archive"]
    );
}

/// A construct called by dispatch or through a wildcard import is the construct: Ruby's
/// `send(:system, …)` and `Kernel.public_send`, PHP's `call_user_func('shell_exec', …)` and a
/// variable function (`$f = 'shell_exec'; $f(…)`), Python's `from subprocess import *`.
/// Dispatch to another method, a variable function naming a harmless one, and a wildcard
/// import of a module without the name, are not.
#[test]
fn constructs_through_dispatch_and_wildcards() {
    let ruby = "class Archiver\n  def archive(name)\n    send(:system, \"tar czf #{name}.tgz data\")\n  end\n\n  def backup(name)\n    Kernel.public_send(:system, \"cp -r data #{name}\")\n  end\n\n  def rename(record, name)\n    record.send(:update, \"name #{name}\")\n  end\nend\n";
    assert_eq!(
        fired("app/archiver.rb", "", ruby),
        vec![
            "shell-interpolation:Archiver.archive",
            "shell-interpolation:Archiver.backup"
        ]
    );
    let php = "<?php\nfunction archive($name) {\n    return call_user_func('shell_exec', 'tar czf ' . $name);\n}\n\nfunction backup($name) {\n    $run = 'shell_exec';\n    return $run('cp -r data ' . $name);\n}\n\nfunction shout($name) {\n    $f = 'strtoupper';\n    return $f('hello ' . $name);\n}\n";
    assert_eq!(
        fired("app/jobs.php", "", php),
        vec!["shell-interpolation:archive", "shell-interpolation:backup"]
    );
    let python = "from os.path import *\nfrom subprocess import *\n\n\ndef archive(name):\n    run(f\"tar czf {name}.tgz data\", shell=True)\n\n\ndef where(name):\n    return join(name, \"data\")\n";
    assert_eq!(
        fired("app/jobs.py", "", python),
        vec!["shell-interpolation:archive"]
    );
}

/// A shell named as the program runs the string after `-c` as a command line whatever
/// `shell=` says, and asyncio's shell variant always does: built from values, they are shell
/// commands built from values. A constant command line, or a program that is not a shell,
/// is not. `torch.load(…, weights_only=False)` and `joblib.load` unpickle.
#[test]
fn shells_named_in_the_arguments_and_pickle_loaders() {
    let python = r#"import asyncio
import os
import subprocess

import joblib
import torch


def listing(name):
    subprocess.run(["sh", "-c", f"ls {name}"])


def replace(name):
    os.execvp("bash", ["bash", "-c", f"exec ls {name}"])


async def later(name):
    await asyncio.create_subprocess_shell(f"ls {name}")


def constant():
    subprocess.run(["sh", "-c", "ls"])


def direct(name):
    subprocess.run(["ls", "-c", f"{name}"])


def model(path):
    return torch.load(path, weights_only=False)


def weights(path):
    return torch.load(path)


def estimator(path):
    return joblib.load(path)
"#;
    assert_eq!(
        fired("app/jobs.py", "", python),
        vec![
            "shell-interpolation:listing",
            "shell-interpolation:replace",
            "shell-interpolation:later",
            "unsafe-deserialisation:model",
            "unsafe-deserialisation:estimator",
        ]
    );
    let javascript = "import { spawn } from 'child_process';\n\nexport function listing(name) {\n  return spawn('sh', ['-c', `ls ${name}`]);\n}\n\nexport function constant() {\n  return spawn('sh', ['-c', 'ls']);\n}\n\nexport function direct(name) {\n  return spawn('ls', ['-la', `${name}`]);\n}\n";
    assert_eq!(
        fired("src/jobs.ts", "", javascript),
        vec!["shell-interpolation:listing"]
    );
}

/// A name bound by a walrus or in a list of names given as many values is bound as by a
/// plain assignment; a list given one value (a call's tuple) binds nothing, though the call
/// node also has two parts (`seed, salt = secrets.token_hex(8)` made `seed.strip()` a
/// secrets call).
#[test]
fn constructs_under_names_bound_in_lists() {
    let python = "import json\nimport pickle\n\nload, count = pickle.loads, 1\nparse, other = json.loads, 2\nfirst, second = make_pair()\nseed, salt = secrets.token_hex(8)\n\n\ndef restore(blob):\n    return load(blob)\n\n\ndef peek(blob):\n    if (quick := pickle.loads):\n        return quick(blob)\n\n\ndef read(text):\n    return parse(text) + first(text) + seed.strip()\n";
    assert_eq!(
        fired("app/jobs.py", "", python),
        vec![
            "secure-randomness",
            "unsafe-deserialisation:restore",
            "unsafe-deserialisation:peek"
        ]
    );
    let go = "package jobs\n\nimport \"os/exec\"\n\nfunc Archive(name string) error {\n\tcommand, tries := exec.Command, 1\n\t_ = tries\n\treturn command(\"sh\", \"-c\", \"tar czf \"+name).Run()\n}\n";
    assert_eq!(
        fired("jobs/archive.go", "", go),
        vec!["shell-interpolation:Archive"]
    );
}
