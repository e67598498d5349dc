#!/bin/bash
# Trials of the ways a file can call a security construct under another name, through a real
# pre-receive hook: a bare server gates pushes with `BLASTGATE pre-receive`; for each way, an
# AI-assisted commit rewrites one file and is pushed with --no-verify to its own branch.
# Import aliases, names imported as themselves or with `*`, assignments (also below the call,
# walruses, lists of names), destructuring, lookups by string, dispatch and the global object
# must all be refused (exit 1, sent to review as security-sensitive); the controls, which bind
# a harmless name the same ways, are allowed. Usage: bench/bypass/security-names.sh /path/to/blastgate
set -u
BIN=$(realpath "$1"); T=$(mktemp -d); trap 'rm -rf "$T"' EXIT; cd "$T"
git init -q --bare server.git; git clone -q server.git work 2>/dev/null; cd work
git config user.email dev@example.com; git config user.name Dev
base() {
  git add -A; git commit -qm base; git push -q origin HEAD:main 2>/dev/null; git fetch -q origin
  printf '#!/bin/sh\nexec %s pre-receive\n' "$BIN" > ../server.git/hooks/pre-receive
  chmod +x ../server.git/hooks/pre-receive; git -C ../server.git symbolic-ref HEAD refs/heads/main
}
# trial NAME EXPECTED COMMAND: EXPECTED is refused or accepted.
failures=0
trial() {
  git checkout -q -f -B "t-$1" origin/main; git clean -qfdx; eval "$3"; git add -A
  git commit -qm "refactor: $1

Co-Authored-By: Claude <noreply@anthropic.com>"
  out=$(git push --no-verify origin "HEAD:refs/heads/t-$1" 2>&1); rc=$?
  why=$(echo "$out" | grep -m1 -E 'allow|review|block' | sed 's/^remote: *//; s/ *$//')
  if [ $rc = 0 ]; then r=accepted; else r=refused; fi
  mark=ok; [ "$r" = "$2" ] || { mark=WRONG; failures=$((failures + 1)); }
  printf '%-22s %-9s %-5s %s\n' "$1" "$r" "$mark" "$why"
}
mkdir -p app src internal/shell; echo 'x = 1' > app/jobs.py; echo 'export const x = 1;' > src/jobs.ts
printf 'package shell\n' > internal/shell/run.go; printf 'x = 1\n' > app/jobs.rb; printf '<?php\n' > app/jobs.php
base
trial py-module-alias refused "printf 'import subprocess as sp\n\n\ndef archive(name):\n    sp.run(f\"tar czf {name}.tgz data\", shell=True)\n' > app/jobs.py"
trial py-name-alias refused "printf 'from subprocess import run as r\n\n\ndef archive(name):\n    r(f\"tar czf {name}.tgz data\", shell=True)\n' > app/jobs.py"
trial js-name-alias refused "printf 'import { exec as run } from \"child_process\";\n\nexport function archive(name) {\n  run(\`tar czf \${name}.tgz data\`);\n}\n' > src/jobs.ts"
trial go-package-alias refused "printf 'package shell\n\nimport sh \"mvdan.cc/sh/v3/interp\"\n\nfunc Runner() (*sh.Runner, error) {\n\treturn sh.New()\n}\n' > internal/shell/run.go"
trial py-from-import refused "printf 'from pickle import loads\n\n\ndef restore(blob):\n    return loads(blob)\n' > app/jobs.py"
trial py-assigned refused "printf 'import subprocess\n\nrun = subprocess.run\n\n\ndef archive(name):\n    run(f\"tar czf {name}.tgz data\", shell=True)\n' > app/jobs.py"
trial py-assigned-below refused "printf 'import pickle\n\n\ndef restore(blob):\n    return decode(blob)\n\n\ndecode = pickle.loads\n' > app/jobs.py"
trial py-module-assigned refused "printf 'import subprocess\nsp = subprocess\n\n\ndef archive(name):\n    sp.call(f\"tar czf {name}.tgz data\", shell=True)\n' > app/jobs.py"
trial py-getattr refused "printf 'import subprocess\n\n\ndef archive(name):\n    getattr(subprocess, \"run\")(f\"tar czf {name}.tgz data\", shell=True)\n' > app/jobs.py"
trial py-import-module refused "printf 'import importlib\n\n\ndef restore(blob):\n    return importlib.import_module(\"pickle\").loads(blob)\n' > app/jobs.py"
trial py-dunder-import refused "printf 'p = __import__(\"pickle\")\n\n\ndef restore(blob):\n    return p.loads(blob)\n' > app/jobs.py"
trial py-eval-assigned refused "printf 'ev = eval\n\n\ndef apply(rule):\n    return ev(rule)\n' > app/jobs.py"
trial js-assigned refused "printf 'const cp = require(\"child_process\");\nconst run = cp.exec;\n\nexport function archive(name) {\n  run(\`tar czf \${name}.tgz data\`);\n}\n' > src/jobs.ts"
trial js-eval-assigned refused "printf 'const ev = eval;\n\nexport function apply(rule) {\n  return ev(rule);\n}\n' > src/jobs.ts"
trial go-assigned refused "printf 'package shell\n\nimport \"os/exec\"\n\nfunc Archive(name string) error {\n\tc := exec.Command\n\treturn c(\"sh\", \"-c\", \"tar czf \"+name).Run()\n}\n' > internal/shell/run.go"
trial js-destructured refused "printf 'const { exec: sh } = require(\"child_process\");\n\nexport function archive(name) {\n  sh(\`tar czf \${name}.tgz data\`);\n}\n' > src/jobs.ts"
trial js-global-eval refused "printf 'export function apply(rule) {\n  return globalThis[\"eval\"](rule);\n}\n' > src/jobs.ts"
trial py-star-import refused "printf 'from subprocess import *\n\n\ndef archive(name):\n    run(f\"tar czf {name}.tgz data\", shell=True)\n' > app/jobs.py"
trial rb-send refused "printf 'def archive(name)\n  send(:system, \"tar czf #{name}.tgz data\")\nend\n' > app/jobs.rb"
trial rb-public-send refused "printf 'def archive(name)\n  Kernel.public_send(:system, \"tar czf #{name}.tgz data\")\nend\n' > app/jobs.rb"
trial php-variable-fn refused "printf '<?php\nfunction archive(\$name) {\n    \$run = \"shell_exec\";\n    return \$run(\"tar czf \" . \$name);\n}\n' > app/jobs.php"
trial php-call-user-func refused "printf '<?php\nfunction archive(\$name) {\n    return call_user_func(\"shell_exec\", \"tar czf \" . \$name);\n}\n' > app/jobs.php"
trial py-walrus refused "printf 'import pickle\n\n\ndef restore(blob):\n    if (load := pickle.loads):\n        return load(blob)\n' > app/jobs.py"
trial py-tuple refused "printf 'import pickle\nload, tries = pickle.loads, 1\n\n\ndef restore(blob):\n    return load(blob)\n' > app/jobs.py"
trial go-tuple refused "printf 'package shell\n\nimport \"os/exec\"\n\nfunc Archive(name string) error {\n\tc, n := exec.Command, 1\n\t_ = n\n\treturn c(\"sh\", \"-c\", \"tar czf \"+name).Run()\n}\n' > internal/shell/run.go"
trial control-py-json accepted "printf 'import json\n\nload = json.loads\n\n\ndef parse(text):\n    return load(text)\n' > app/jobs.py"
trial control-py-star accepted "printf 'from os.path import *\n\n\ndef where(name):\n    return join(name, \"data\")\n' > app/jobs.py"
trial control-js-util accepted "printf 'const { format: exec } = require(\"util\");\n\nexport function label(name) {\n  return exec(\`%%s\`, name);\n}\n' > src/jobs.ts"
trial control-rb-send accepted "printf 'def rename(record, name)\n  record.send(:update, \"name #{name}\")\nend\n' > app/jobs.rb"
trial control-php-fn accepted "printf '<?php\nfunction shout(\$name) {\n    \$f = \"strtoupper\";\n    return \$f(\"hello \" . \$name);\n}\n' > app/jobs.php"
echo "$failures unexpected"
[ "$failures" = 0 ]
