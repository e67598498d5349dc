//! Shell commands that run a script fetched from the network without it being reviewed:
//! piped into an interpreter (`curl … | sh`, `curl … | python3`), fed to one through process or
//! command substitution (`bash <(curl …)`, `sh -c "$(curl …)"`), or saved and then run
//! (`curl -o f URL && sh f`, `wget URL; chmod +x f; ./f`). CWE-494 "Download of Code Without
//! Integrity Check". Shared by the Dockerfile, CI and script analyzers.

use std::sync::LazyLock;

use regex::Regex;

/// Programs that run a script given on standard input or as a file argument. Sources: the
/// POSIX shells and their common relatives (bash, zsh, dash, ksh), and the interpreters
/// install one-liners pipe into (rustup/nvm use `sh`; get-pip and Poetry use `python3`;
/// cpanminus uses `perl`; RVM and Homebrew use `bash`/`ruby`; `NodeSource` uses `bash`; Deno and
/// Bun use `sh`; Composer uses `php`).
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "python", "python2", "python3", "perl", "ruby",
    "node", "php", "pwsh",
];

/// Process or command substitution of a download handed to an interpreter.
static SUBSTITUTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:(?:ba|z|da|k)?sh|python[0-9.]*|perl|ruby|node|php)\s+",
        r#"(?:-c\s+["']?\$\(|<\()\s*(?:curl|wget)\b"#,
    ))
    .expect("valid pattern (tested)")
});

/// Whether `command` runs a downloaded script unreviewed.
#[must_use]
pub fn runs_download(command: &str) -> bool {
    if SUBSTITUTED.is_match(command) {
        return true;
    }
    let segments = segments(command);
    let mut saved: Vec<String> = Vec::new();
    let mut after_pipe_from_download = false;
    for (words, piped_from_previous) in &segments {
        let program = program(words);
        if *piped_from_previous && after_pipe_from_download && program.is_some_and(interpreter) {
            return true;
        }
        if let Some(program) = program
            && saved
                .iter()
                .any(|file| runs_file(program, words, file.as_str()))
        {
            return true;
        }
        let downloads = program.is_some_and(|p| matches!(base(p), "curl" | "wget"));
        // A pipe passes the download on through filters (`| tee`, `| gunzip`) as well.
        after_pipe_from_download = downloads || (*piped_from_previous && after_pipe_from_download);
        if downloads {
            saved.extend(output_file(words));
        }
    }
    false
}

/// The command's simple commands, in order, as words, each with whether it reads the previous
/// one's output through a pipe.
fn segments(command: &str) -> Vec<(Vec<&str>, bool)> {
    let mut out = Vec::new();
    let mut piped = false;
    let mut start = 0;
    let bytes = command.as_bytes();
    let mut i = 0;
    let mut push = |from: usize, to: usize, piped: bool| {
        let words: Vec<&str> = command[from..to]
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'', '(', ')', '{', '}']))
            .filter(|w| !w.is_empty())
            .collect();
        out.push((words, piped));
    };
    while i < bytes.len() {
        let (len, next_piped) = match (bytes[i], bytes.get(i + 1)) {
            (b'&' | b'|', Some(b'&' | b'|')) => (2, false),
            (b'|', _) => (1, true),
            (b';' | b'\n', _) => (1, false),
            _ => {
                i += 1;
                continue;
            }
        };
        push(start, i, piped);
        piped = next_piped;
        i += len;
        start = i;
    }
    push(start, command.len(), piped);
    out
}

/// The program a simple command runs, past `sudo` and its flags, `env` and assignments.
fn program<'a>(words: &[&'a str]) -> Option<&'a str> {
    let mut words = words.iter().copied().peekable();
    while let Some(word) = words.next() {
        match base(word) {
            "sudo" | "env" | "exec" | "command" | "nohup" | "time" => {
                while words.peek().is_some_and(|w| w.starts_with('-')) {
                    words.next();
                }
            }
            _ if word.contains('=') && !word.starts_with('-') && !word.contains('/') => {}
            _ => return Some(word),
        }
    }
    None
}

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn interpreter(program: &str) -> bool {
    let name = base(program);
    INTERPRETERS.contains(&name)
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Where a `curl`/`wget` command saves what it downloads.
fn output_file(words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let wget = words.iter().any(|w| base(w) == "wget");
    for (index, word) in words.iter().enumerate() {
        let value = |flag: &str| word.strip_prefix(flag).filter(|v| !v.is_empty());
        let next = words.get(index + 1).copied();
        match *word {
            ">" | ">>" | "-o" | "--output" | "--output-document" => found.extend(next),
            "-O" if wget => found.extend(next),
            // curl -O saves under the URL's last path segment, like wget without -O.
            "-O" | "--remote-name" => found.extend(url_file(words)),
            _ => {
                if let Some(v) = value("--output=")
                    .or_else(|| value("--output-document="))
                    .or_else(|| value(">"))
                {
                    found.push(v);
                } else if word.starts_with('-')
                    && !word.starts_with("--")
                    && word.ends_with('o')
                    && !wget
                {
                    // Bundled short flags ending in `o` (`-fsSLo f`): the next word is the file.
                    found.extend(next);
                }
            }
        }
    }
    if wget && found.is_empty() {
        found.extend(url_file(words));
    }
    found
        .into_iter()
        .filter(|f| *f != "-" && *f != "/dev/null")
        .map(str::to_string)
        .collect()
}

fn url_file<'a>(words: &[&'a str]) -> Option<&'a str> {
    words
        .iter()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .and_then(|url| url.split(['?', '#']).next())
        .and_then(|url| url.rsplit('/').next())
        .filter(|name| !name.is_empty())
}

/// Whether `program words` runs `file`: `sh f`, `python3 f`, `./f`, `. f`, `source f`.
fn runs_file(program: &str, words: &[&str], file: &str) -> bool {
    let same = |word: &str| {
        let word = word.strip_prefix("./").unwrap_or(word);
        let file = file.strip_prefix("./").unwrap_or(file);
        word == file
    };
    if same(program) && (program.contains('/') || program.starts_with('.')) {
        return true;
    }
    if interpreter(program) || matches!(program, "." | "source") {
        let position = words.iter().position(|w| *w == program).unwrap_or(0);
        return words[position + 1..]
            .iter()
            .filter(|w| !w.starts_with('-'))
            .take(1)
            .any(|w| same(w));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::runs_download;

    /// Every way of running a downloaded script, and commands that only download or only run
    /// local scripts (issue 12: `curl -o f URL && sh f`, `curl … | python3`).
    #[test]
    fn commands() {
        for (command, expected) in [
            ("curl -sSL https://x.sh | sh", true),
            ("wget -qO- https://x.sh | sudo -E bash", true),
            (
                "curl -fsSL https://bootstrap.pypa.io/get-pip.py | python3",
                true,
            ),
            ("curl -fsSL https://x/install | python3 -", true),
            ("curl -s https://x | gunzip | sh", true),
            ("curl -o f https://x/i.sh && sh f", true),
            ("curl -o x.sh https://x.sh && sh x.sh", true),
            (
                "curl -fsSLo install.sh https://x/i.sh; bash ./install.sh",
                true,
            ),
            (
                "curl --output=i.py https://x/i.py && python3 i.py --yes",
                true,
            ),
            (
                "curl https://x/i.sh > i.sh && chmod +x i.sh && ./i.sh",
                true,
            ),
            ("wget https://x.example/setup.sh && sh setup.sh", true),
            ("wget -O /tmp/s https://x && . /tmp/s", true),
            ("curl -O https://x/run.sh\nbash run.sh", true),
            ("bash <(curl -s https://x)", true),
            ("sh -c \"$(curl -fsSL https://x)\"", true),
            ("python3 <(curl -s https://x)", true),
            ("cat x | sh", false),
            (
                "curl -o data.json https://x/data.json && jq . data.json",
                false,
            ),
            (
                "curl -o f https://x && sha256sum -c f.sha256 && tar xf f",
                false,
            ),
            ("sh ./build.sh", false),
            (
                "curl -fsSL https://x/key.gpg | gpg --dearmor -o /k.gpg",
                false,
            ),
            ("echo curl | shuf", false),
        ] {
            assert_eq!(runs_download(command), expected, "{command}");
        }
    }
}
