//! Shell commands (Dockerfile `RUN`, scripts) that make files world-writable: `chmod 777`,
//! `chmod -R 666`, `chmod a+w`/`o+w`, `mkdir -m 777`, `umask 000`. Any local user or process
//! (in a container: any process of the image, whoever it runs as) can then change the files
//! or what runs from them. Read word by word from the command, a row per program.

/// How a row recognises a world-writable mode among a command's words.
#[derive(Debug, Clone, Copy)]
enum Test {
    /// An octal mode argument whose "other" digit has the write bit (`777`, `0666`), not a
    /// sticky directory (`1777`, like `/tmp`).
    Octal,
    /// A symbolic mode giving `o` or `a` write (`a+w`, `o=rwx`, `ugo+rw`).
    Symbolic,
    /// A `-m MODE` / `--mode=MODE` option with an octal world-writable mode.
    ModeOption,
    /// A umask that leaves the "other" write bit on for new files (`000`, `0`).
    Umask,
}

/// One row: the program, how its mode is read, and the source.
#[derive(Debug)]
struct Row {
    program: &'static str,
    test: Test,
    source: &'static str,
}

/// POSIX `chmod`, `mkdir`, `umask` and coreutils `install` (same mode syntax); CWE-732.
const ROWS: &[Row] = &[
    Row {
        program: "chmod",
        test: Test::Octal,
        source: "CWE-732; https://pubs.opengroup.org/onlinepubs/9799919799/utilities/chmod.html",
    },
    Row {
        program: "chmod",
        test: Test::Symbolic,
        source: "CWE-732; https://pubs.opengroup.org/onlinepubs/9799919799/utilities/chmod.html",
    },
    Row {
        program: "mkdir",
        test: Test::ModeOption,
        source: "CWE-732; https://pubs.opengroup.org/onlinepubs/9799919799/utilities/mkdir.html",
    },
    Row {
        program: "install",
        test: Test::ModeOption,
        source: "CWE-732; https://www.gnu.org/software/coreutils/manual/html_node/install-invocation.html",
    },
    Row {
        program: "umask",
        test: Test::Umask,
        source: "CWE-732; https://pubs.opengroup.org/onlinepubs/9799919799/utilities/umask.html",
    },
];

/// A world-writable mode found in a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissive {
    /// The simple command, words joined by one space (`chmod -R 777 /app`).
    pub command: String,
    /// Whether it applies recursively (`-R`).
    pub recursive: bool,
    /// The row's source.
    pub source: &'static str,
}

impl Permissive {
    /// The fact's message.
    #[must_use]
    pub fn message(&self) -> String {
        let reach = if self.recursive {
            "every file below it"
        } else {
            "it"
        };
        format!(
            "`{}` makes {reach} world-writable: any local user or process can change the files or what runs from them",
            self.command
        )
    }
}

/// The world-writable modes a shell command sets, one per simple command.
#[must_use]
pub fn world_writable(command: &str) -> Vec<Permissive> {
    let mut found = Vec::new();
    for segment in command.split(['\n', ';', '|', '&']) {
        let words: Vec<&str> = segment
            .split_whitespace()
            .map(|word| word.trim_matches(['"', '\'']))
            .collect();
        let Some(start) = words
            .iter()
            .position(|word| ROWS.iter().any(|row| base(word) == row.program))
        else {
            continue;
        };
        let program = base(words[start]);
        let arguments = &words[start + 1..];
        for row in ROWS.iter().filter(|row| row.program == program) {
            if matches(row.test, arguments) {
                found.push(Permissive {
                    command: words[start..].join(" "),
                    recursive: arguments.iter().any(|a| {
                        *a == "--recursive"
                            || (a.starts_with('-') && !a.starts_with("--") && a.contains('R'))
                    }),
                    source: row.source,
                });
                break;
            }
        }
    }
    found
}

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn matches(test: Test, arguments: &[&str]) -> bool {
    match test {
        Test::Octal => arguments.iter().any(|a| octal_world_writable(a)),
        Test::Symbolic => arguments.iter().any(|a| symbolic_world_writable(a)),
        Test::ModeOption => arguments.iter().enumerate().any(|(i, a)| {
            let value = match *a {
                "-m" | "--mode" => arguments.get(i + 1).copied(),
                _ => a
                    .strip_prefix("--mode=")
                    .or_else(|| a.strip_prefix("-m").filter(|v| !v.is_empty())),
            };
            value.is_some_and(|v| octal_world_writable(v) || symbolic_world_writable(v))
        }),
        Test::Umask => arguments.first().is_some_and(|mask| {
            !mask.is_empty()
                && mask.len() <= 4
                && mask.bytes().all(|b| (b'0'..=b'7').contains(&b))
                && mask
                    .bytes()
                    .last()
                    .is_some_and(|other| (other - b'0') & 2 == 0)
        }),
    }
}

/// `777`, `0666`, `2777`; not `1777` (sticky: others cannot remove each other's files).
fn octal_world_writable(mode: &str) -> bool {
    let digits = mode.bytes().all(|b| (b'0'..=b'7').contains(&b));
    if !digits || !(3..=4).contains(&mode.len()) {
        return false;
    }
    let sticky = mode.len() == 4 && (mode.as_bytes()[0] - b'0') & 1 == 1;
    let other = mode.as_bytes()[mode.len() - 1] - b'0';
    other & 2 == 2 && !sticky
}

/// A clause list like `u+x,a+w` where some clause gives `o` or `a` write with `+` or `=`.
fn symbolic_world_writable(mode: &str) -> bool {
    mode.split(',').any(|clause| {
        let Some(at) = clause.find(['+', '=']) else {
            return false;
        };
        let (who, rest) = clause.split_at(at);
        who.bytes().all(|b| b"ugoa".contains(&b))
            && (who.contains(['o', 'a']))
            && rest[1..].bytes().all(|b| b"rwxXst".contains(&b))
            && rest[1..].contains('w')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// World-writable modes in every spelling the rows know; safe modes and other programs are
    /// not findings.
    #[test]
    fn table() {
        let cases: &[(&str, Option<bool>)] = &[
            ("chmod -R 777 /app", Some(true)),
            ("chmod 666 /etc/app.conf", Some(false)),
            ("chmod 0777 data && echo ok", Some(false)),
            ("chmod a+w /srv", Some(false)),
            ("chmod -R o+rwx,u+x /srv", Some(true)),
            ("/bin/chmod ugo=rw f", Some(false)),
            ("mkdir -p -m 777 /cache", Some(false)),
            ("install -m 0666 a b", Some(false)),
            ("umask 000", Some(false)),
            ("chmod 755 /app", None),
            ("chmod 1777 /tmp", None),
            ("chmod +x run.sh", None),
            ("chmod u+w,g+w f", None),
            ("umask 022", None),
            ("echo chmod", None),
            ("mkdir -p /cache", None),
        ];
        for (command, expected) in cases {
            let found = world_writable(command);
            assert_eq!(
                found.first().map(|f| f.recursive),
                *expected,
                "{command}: {found:?}"
            );
        }
    }
}
