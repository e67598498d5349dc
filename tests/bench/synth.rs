//! A synthetic repository: 10,000 files of Python, TypeScript and Rust-like code with
//! cross-file calls, names in comments and strings, and three changes of 1, 20 and 500 files.
//! Deterministic: the same files and commits every time (fixed seed, author and dates).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{Oid, Repository, Signature, Time};

/// Files in the synthetic repository.
pub const FILES: usize = 10_000;
/// Sizes of the changes, each a branch `change-<n>` on top of `main`.
pub const CHANGES: [usize; 3] = [1, 20, 500];

/// Small deterministic generator (xorshift64*); the point is repeatability, not quality.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let value = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33;
        usize::try_from(value).unwrap_or(0) % bound
    }
}

const NOUNS: [&str; 8] = [
    "ledger", "invoice", "account", "order", "cart", "user", "report", "token",
];

#[derive(Clone, Copy)]
enum Kind {
    Python,
    TypeScript,
    Rust,
}

fn kind(index: usize) -> Kind {
    match index % 10 {
        0..=4 => Kind::Python,
        5..=7 => Kind::TypeScript,
        _ => Kind::Rust,
    }
}

/// Path of file `index`.
pub fn path(index: usize) -> String {
    let (dir, ext) = match kind(index) {
        Kind::Python => ("py", "py"),
        Kind::TypeScript => ("ts", "ts"),
        Kind::Rust => ("rs", "rs"),
    };
    format!("{dir}/pkg{:02}/mod_{index:05}.{ext}", index / 100)
}

/// Another file of the same language, to call into.
fn peer(rng: &mut Rng, index: usize) -> usize {
    let (start, width) = match kind(index) {
        Kind::Python => (0, 5),
        Kind::TypeScript => (5, 3),
        Kind::Rust => (8, 2),
    };
    rng.below(FILES / 10) * 10 + start + rng.below(width)
}

/// Content of file `index`; `version` 1 is the changed form (a renamed function, a new body).
pub fn content(index: usize, version: u32) -> String {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1));
    let noun = NOUNS[index % NOUNS.len()];
    let calls: Vec<usize> = (0..3).map(|_| peer(&mut rng, index)).collect();
    let total = if version == 0 {
        format!("compute_total_{index}")
    } else {
        format!("compute_total_{index}_v2")
    };
    let mut out = String::new();
    let (a, b, c) = (calls[0], calls[1], calls[2]);
    match kind(index) {
        Kind::Python => {
            let _ = writeln!(
                out,
                "\"\"\"Module {index}: {noun} handling. See compute_total_{a}.\"\"\""
            );
            for callee in &calls {
                let _ = writeln!(
                    out,
                    "from py.pkg{:02}.mod_{callee:05} import compute_total_{callee}, fetch_{}_{callee}",
                    callee / 100,
                    NOUNS[callee % NOUNS.len()]
                );
            }
            let _ = write!(
                out,
                "\nNAMES = [\"compute_total_{b}\", \"fetch_{noun}_{index}\"]\n\n\
                 class {Noun}{index}:\n    \"\"\"Keeps {noun} state.\"\"\"\n\n    \
                 def __init__(self, size):\n        self.size = size\n        self.items = []\n\n    \
                 def save(self, path):\n        # persist; the format is in compute_total_{c}\n        \
                 with open(path, \"w\") as handle:\n            for item in self.items:\n                \
                 handle.write(str(item))\n        return len(self.items)\n\n\
                 def {total}(items, rate=0.2):\n    \"\"\"Total of items with tax.\"\"\"\n    total = 0\n    \
                 for item in items:\n        total += item.price * item.count\n    \
                 return round(total * (1 + rate + {version}), 2)\n\n\
                 def fetch_{noun}_{index}(client, key):\n    result = compute_total_{a}(client.get(key))\n    \
                 if result is None:\n        raise KeyError(\"missing compute_total_{b}\")\n    \
                 return compute_total_{b}(result) + compute_total_{c}([])\n\n\
                 def audit_{noun}_{index}(entries):\n    seen = set()\n    for entry in entries:\n        \
                 if entry.key in seen:\n            continue\n        seen.add(entry.key)\n        \
                 {Noun}{index}(len(seen)).save(entry.path)\n    return sorted(seen)\n",
                Noun = capitalise(noun),
            );
        }
        Kind::TypeScript => {
            for callee in &calls {
                let _ = writeln!(
                    out,
                    "import {{ computeTotal{callee} }} from \"../pkg{:02}/mod_{callee:05}\";",
                    callee / 100
                );
            }
            let _ = write!(
                out,
                "\n// Module {index}: {noun} handling, see computeTotal{a}.\n\
                 export const NAMES = [\"computeTotal{b}\", \"fetch{index}\"];\n\n\
                 export class {Noun}{index} {{\n  private items: number[] = [];\n  \
                 constructor(private size: number) {{}}\n  save(path: string): number {{\n    \
                 // persist; format in computeTotal{c}\n    return this.items.length + path.length;\n  }}\n}}\n\n\
                 export function computeTotal{index}(items: number[], rate = 0.2): number {{\n  \
                 let total = 0;\n  for (const item of items) {{\n    total += item * (1 + rate);\n  }}\n  \
                 return Math.round(total * 100) / 100;\n}}\n\n\
                 export function fetch{index}(key: string): number {{\n  \
                 const first = computeTotal{a}([key.length]);\n  \
                 return first + computeTotal{b}([first]) + computeTotal{c}([]);\n}}\n",
                Noun = capitalise(noun),
            );
        }
        Kind::Rust => {
            let _ = write!(
                out,
                "//! Module {index}: {noun} handling, see compute_total_{a}.\n\n\
                 use crate::rs::pkg{:02}::mod_{a:05}::compute_total_{a};\n\n\
                 pub struct {Noun}{index} {{\n    items: Vec<u64>,\n}}\n\n\
                 impl {Noun}{index} {{\n    pub fn save(&self, path: &str) -> usize {{\n        \
                 // format in compute_total_{c}\n        self.items.len() + path.len()\n    }}\n}}\n\n\
                 pub fn compute_total_{index}(items: &[u64]) -> u64 {{\n    \
                 items.iter().sum::<u64>() * 2\n}}\n\n\
                 pub fn fetch_{index}(key: &str) -> u64 {{\n    \
                 let first = compute_total_{a}(&[key.len() as u64]);\n    \
                 first + compute_total_{b}(&[first]) + compute_total_{c}(&[])\n}}\n\n\
                 const NAMES: &[&str] = &[\"compute_total_{b}\"];\n",
                a / 100,
                Noun = capitalise(noun),
            );
        }
    }
    out
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// The Python files that change `n` changes, spread over the tree.
pub fn changed(n: usize) -> Vec<usize> {
    let stride = (FILES / 10 * 5 / n).max(1);
    (0..n)
        .map(|k| (k * stride / 5) * 10 + (k * stride) % 5)
        .collect()
}

/// Builds (or reuses, when complete) the synthetic repository at `dir`.
pub fn ensure(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let marker = dir.join(".git/blast-bench-complete");
    if marker.exists() {
        return Ok(dir.to_path_buf());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    for index in 0..FILES {
        let file = dir.join(path(index));
        std::fs::create_dir_all(file.parent().ok_or("file without a directory")?)?;
        std::fs::write(file, content(index, 0))?;
    }
    git(dir, &["init", "-q", "-b", "main"])?;
    git(dir, &["add", "-A"])?;
    git(dir, &["commit", "-q", "-m", "synthetic base"])?;
    // Packed like a real clone: blobs come out of a pack with deltas, not loose files.
    git(dir, &["gc", "-q"])?;
    let repo = Repository::open(dir)?;
    let base = repo.head()?.peel_to_commit()?;
    let signature = Signature::new("bench", "bench@example.com", &Time::new(1_700_000_000, 0))?;
    for n in CHANGES {
        let mut update = git2::build::TreeUpdateBuilder::new();
        for index in changed(n) {
            let blob: Oid = repo.blob(content(index, 1).as_bytes())?;
            update.upsert(path(index), blob, git2::FileMode::Blob);
        }
        let tree = repo.find_tree(update.create_updated(&repo, &base.tree()?)?)?;
        let message = format!("change {n} files");
        let branch = format!("refs/heads/change-{n}");
        repo.commit(
            Some(&branch),
            &signature,
            &signature,
            &message,
            &tree,
            &[&base],
        )?;
    }
    std::fs::write(marker, b"")?;
    Ok(dir.to_path_buf())
}

/// Runs git hermetically: no system or global configuration, fixed identity and dates.
fn git(dir: &Path, args: &[&str]) -> Result<(), Box<dyn std::error::Error>> {
    // No automatic background gc: it would race the explicit one.
    let status = Command::new("git")
        .args(["-c", "gc.auto=0"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-22T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.com")
        .env("GIT_COMMITTER_DATE", "2026-11-22T00:00:00Z")
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("git {} failed in {}", args.join(" "), dir.display()).into())
    }
}
