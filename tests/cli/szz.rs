//! `blastgate replay` labels fix-inducing commits (SZZ): a history built in the test with
//! known bug-introducing commits, a whitespace-only re-indent and a quote-style reformat on
//! the buggy lines (neither may be blamed), a fix touching lines from two commits and a fix
//! found by its `Closes #N` reference; plus the quick-revert filter and the metrics.

use serde_json::Value;

use crate::support::{Repo, blastgate};

const CALC: &str = "function add(a, b) {
  return a + b;
}

function label(n) {
  return 'total: ' + n;
}

function scale(n) {
  return n * 2;
}
";

/// The scripted history's commit ids, by name.
struct History {
    repo: Repo,
    initial: String,
    a: String,
    b: String,
    c: String,
    neutral: String,
    reindent: String,
    quotes: String,
    fix: String,
    closes: String,
}

fn history() -> History {
    let repo = Repo::new();
    let mut calc = CALC.to_string();
    let mut commit = |edits: &[(&str, &str)], message: &str| {
        for (from, to) in edits {
            assert!(calc.contains(from), "{from:?} not in {calc}");
            calc = calc.replace(from, to);
        }
        repo.write("src/calc.js", &calc);
        repo.commit(message)
    };
    repo.write("src/calc.js", CALC);
    let initial = repo.commit("Initial commit");
    let a = commit(&[("a + b", "a - b")], "Add discounts"); // bug on line 2
    let b = commit(&[("'total: '", "'totl: '")], "Shorten the label"); // bug on line 6
    let c = commit(&[("n * 2", "n * 3")], "Scale for the new unit"); // bug on line 10
    repo.write("docs/notes.txt", "notes\n");
    let neutral = repo.commit("Write notes");
    // Whitespace only: every body line re-indented to four spaces.
    let reindent = commit(&[("\n  return", "\n    return")], "Reindent calc");
    // Quote style only, on a buggy line: a formatter's change, not code.
    let quotes = commit(&[("'totl: '", "\"totl: \"")], "Use double quotes");
    // One fix, lines from two commits.
    let fix = commit(
        &[("a - b", "a + b"), ("\"totl: \"", "\"total: \"")],
        "fix: sums and labels",
    );
    let closes = commit(
        &[("n * 3", "n * 2")],
        "Scale output for the old unit\n\nCloses #7",
    );
    History {
        repo,
        initial,
        a,
        b,
        c,
        neutral,
        reindent,
        quotes,
        fix,
        closes,
    }
}

fn replay(repo: &Repo, extra: &[&str]) -> Value {
    let mut args = vec!["replay", "--format", "json"];
    args.extend_from_slice(extra);
    let run = blastgate(repo, &args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.json()
}

/// The label sources of `commit` in the report's `judged` list.
fn labels_of(report: &Value, commit: &str) -> Vec<String> {
    let entry = report["judged"]
        .as_array()
        .expect("judged list")
        .iter()
        .find(|entry| entry["commit"] == commit)
        .unwrap_or_else(|| panic!("{commit} not judged"));
    entry["labels"]
        .as_array()
        .expect("labels list")
        .iter()
        .map(|source| source.as_str().expect("source name").to_string())
        .collect()
}

/// Every file of the blame cache, `.git/blastgate/szz/<key>/<fix>[.failed]`.
fn szz_cache_files(repo: &Repo) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(repo.path.join(".git/blastgate/szz"))
        .expect("szz cache written")
        .flat_map(|key| std::fs::read_dir(key.expect("entry").path()).expect("key dir"))
        .map(|entry| entry.expect("entry").path())
        .collect()
}

/// Both commits whose lines one fix changed are labelled, by the fix's sources; the commit a
/// `Closes #7` fix blames is labelled by the reference source; the re-indent, the quote
/// reformat and the unrelated commits are not blamed. Each label keeps its evidence.
#[test]
fn szz_labels_the_commits_behind_a_fixs_lines_and_never_whitespace_or_reformats() {
    let h = history();
    let report = replay(&h.repo, &[]);
    let fix_words = ["conventional", "keywords"];
    assert_eq!(labels_of(&report, &h.a), fix_words, "{report:#}");
    assert_eq!(labels_of(&report, &h.b), fix_words);
    assert_eq!(labels_of(&report, &h.c), ["reference"]);
    for clean in [
        &h.initial,
        &h.neutral,
        &h.reindent,
        &h.quotes,
        &h.fix,
        &h.closes,
    ] {
        assert!(
            labels_of(&report, clean).is_empty(),
            "{clean} labelled: {report:#}"
        );
    }
    let labels = &report["labels"];
    assert_eq!(labels["labelled"], 3);
    assert_eq!(labels["per_source"]["conventional"], 2);
    assert_eq!(labels["per_source"]["keywords"], 2);
    assert_eq!(labels["per_source"]["reference"], 1);
    // Every source is stated, also those that gave nothing.
    assert_eq!(labels["per_source"]["revert"], 0);
    assert_eq!(labels["per_source"]["named-fix"], 0);
    assert_eq!(labels["fixes"]["conventional"], 1);
    assert_eq!(labels["fixes"]["reference"], 1);
    let evidence: Vec<(String, String, Vec<String>)> = labels["fix_inducing"]
        .as_array()
        .expect("evidence list")
        .iter()
        .map(|label| {
            let lines = label["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .map(|line| format!("{}:{}", line["path"].as_str().unwrap(), line["line"]))
                .collect();
            (
                label["commit"].as_str().unwrap().to_string(),
                label["fix"].as_str().unwrap().to_string(),
                lines,
            )
        })
        .collect();
    for expected in [
        (&h.a, &h.fix, "src/calc.js:2"),
        (&h.b, &h.fix, "src/calc.js:6"),
        (&h.c, &h.closes, "src/calc.js:10"),
    ] {
        assert!(
            evidence
                .iter()
                .any(|(commit, fix, lines)| commit == expected.0
                    && fix == expected.1
                    && lines == &[expected.2.to_string()]),
            "{expected:?} not in {evidence:?}"
        );
    }
    assert_eq!(evidence.len(), 3, "{evidence:?}");
    // The curve counts the labelled commits as its ground truth.
    assert_eq!(report["curve"]["history_on"]["reverted"], 3);
}

/// Each source can be switched off, and the window keeps old culprits out.
#[test]
fn fix_sources_and_window_are_configurable() {
    let h = history();
    let only_reference = replay(&h.repo, &["--fix-sources", "reference"]);
    assert!(labels_of(&only_reference, &h.a).is_empty());
    assert_eq!(labels_of(&only_reference, &h.c), ["reference"]);
    assert_eq!(
        only_reference["labels"]["fix_sources"],
        serde_json::json!(["reference"])
    );
    let none = replay(&h.repo, &["--fix-sources", "none"]);
    assert_eq!(none["labels"]["labelled"], 0);
    assert_eq!(none["labels"]["fix_inducing"], serde_json::json!([]));
    // Every commit is seconds older than its fix: a window of 0 days labels none of them.
    let no_window = replay(&h.repo, &["--szz-window", "0"]);
    assert_eq!(no_window["labels"]["labelled"], 0);
    let text = blastgate(&h.repo, &["replay"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    for expected in [
        "Labels: 3 of 9 judged commits labelled",
        "Fix-inducing commits",
        "src/calc.js:6",
    ] {
        assert!(
            text.stdout.contains(expected),
            "{expected:?} missing:\n{}",
            text.stdout
        );
    }
    let bad = blastgate(&h.repo, &["replay", "--fix-sources", "tickets"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("tickets"), "{}", bad.stderr);
}

/// A revert by the commit's own author minutes later is an experiment: dropped with
/// `--drop-quick-reverts`, counted without it; a revert by someone else always counts.
#[test]
fn quick_reverts_by_their_own_author_can_be_left_out() {
    let repo = Repo::new();
    repo.write("README.md", "demo\n");
    repo.commit("Initial commit");
    repo.write("cache.txt", "cache\n");
    let experiment = repo.commit("Try a cache");
    repo.git(&["revert", "--no-edit", &experiment]);
    repo.write("retry.txt", "retry\n");
    let retries = repo.commit("Add retries");
    repo.remove("retry.txt");
    repo.commit_as(
        "Sam Senior",
        "sam@example.com",
        &format!("Revert \"Add retries\"\n\nThis reverts commit {retries}.\n"),
    );
    let kept = replay(&repo, &[]);
    assert_eq!(labels_of(&kept, &experiment), ["revert"]);
    assert_eq!(kept["labels"]["per_source"]["revert"], 2);
    let dropped = replay(&repo, &["--drop-quick-reverts", "5"]);
    assert!(labels_of(&dropped, &experiment).is_empty(), "{dropped:#}");
    assert_eq!(labels_of(&dropped, &retries), ["revert"]);
    assert_eq!(dropped["labels"]["quick_reverts_dropped"], 1);
    assert_eq!(dropped["labels"]["per_source"]["revert"], 1);
}

/// The metrics cover every class, by commit and by lines, with an AUC inside its interval.
#[test]
fn metrics_by_class_and_by_lines() {
    let h = history();
    let report = replay(&h.repo, &[]);
    let classes = report["metrics"]["classes"].as_array().expect("classes");
    let names: Vec<&str> = classes
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["all", "ai", "human"]);
    let all = &classes[0];
    assert_eq!(all["by_commit"]["total"], 9);
    assert_eq!(all["by_commit"]["labelled"], 3);
    assert_eq!(all["by_commit"]["curve"].as_array().unwrap().len(), 5);
    let lines: u64 = report["judged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["lines"].as_u64().unwrap())
        .sum();
    assert_eq!(all["by_lines"]["total"], lines);
    // A one-line bug costs two changed lines (one deleted, one added).
    assert_eq!(all["by_lines"]["labelled"], 6);
    let auc = all["by_commit"]["auc"]
        .as_f64()
        .expect("both classes present");
    let interval = all["by_commit"]["auc_interval"]
        .as_array()
        .expect("interval");
    let (low, high) = (interval[0].as_f64().unwrap(), interval[1].as_f64().unwrap());
    assert!(
        (0.0..=1.0).contains(&auc) && low <= auc && auc <= high,
        "{all:#}"
    );
    // No AI-assisted commits in this history: nothing to measure there.
    assert_eq!(classes[1]["by_commit"]["total"], 0);
    assert_eq!(classes[1]["by_commit"]["auc"], Value::Null);
    // Same history, same numbers (the bootstrap is seeded).
    assert_eq!(replay(&h.repo, &[])["metrics"], report["metrics"]);
}

/// In a file no grammar reads (so the mechanical recogniser cannot judge it), a re-indent is
/// still never blamed: blame ignores whitespace.
#[test]
fn whitespace_only_change_in_a_plain_text_file_is_not_blamed() {
    let repo = Repo::new();
    repo.write("limits.txt", "name = api\nlimit = 5\nburst = 2\n");
    repo.commit("Initial commit");
    repo.write("limits.txt", "name = api\nlimit = 50\nburst = 2\n");
    let raise = repo.commit("Raise the limit");
    repo.write("limits.txt", "  name = api\n  limit = 50\n  burst = 2\n");
    let indent = repo.commit("Indent the limits");
    repo.write("limits.txt", "  name = api\n  limit = 5\n  burst = 2\n");
    repo.commit("Limit was wrong: fix it");
    let report = replay(&repo, &[]);
    assert_eq!(labels_of(&report, &raise), ["keywords"], "{report:#}");
    assert!(labels_of(&report, &indent).is_empty(), "{report:#}");
}

/// Blame results are cached under `.git/blastgate/szz/`, keyed by the fix: a second replay
/// reads them and labels exactly as the first; a corrupt entry is recomputed, not trusted; the
/// cache holds no source, so another choice of fix sources still names its own.
#[test]
fn blame_results_are_cached_and_a_corrupt_entry_is_recomputed() {
    let h = history();
    let first = replay(&h.repo, &[]);
    let entries = szz_cache_files(&h.repo);
    assert!(
        entries.iter().any(|path| path.ends_with(&h.fix)),
        "{entries:?}"
    );
    let second = replay(&h.repo, &[]);
    assert_eq!(
        second["labels"]["fix_inducing"],
        first["labels"]["fix_inducing"]
    );
    for path in &entries {
        std::fs::write(path, b"{not json").expect("corrupt the entry");
    }
    let third = replay(&h.repo, &[]);
    assert_eq!(
        third["labels"]["fix_inducing"],
        first["labels"]["fix_inducing"]
    );
    let conventional = replay(&h.repo, &["--fix-sources", "conventional"]);
    let sources: Vec<&Value> = conventional["labels"]["fix_inducing"]
        .as_array()
        .expect("evidence")
        .iter()
        .flat_map(|label| label["sources"].as_array().expect("sources"))
        .collect();
    assert!(!sources.is_empty());
    assert!(
        sources.iter().all(|source| *source == "conventional"),
        "{sources:?}"
    );
}

/// What SZZ takes as evidence: a fix of a typo and Renovate's `fix(deps):` blame nothing,
/// nor do lines a fix changes in documentation or tests; a fix of code in the same history
/// still labels its culprit. `--szz-all-fixes` blames them all, and both reports say so.
#[test]
fn fixes_that_are_not_of_behaviour_and_lines_in_docs_or_tests_label_nothing() {
    let repo = Repo::new();
    repo.write("src/calc.js", CALC);
    repo.write("README.md", "# calc\n\nThe rate is 5.\n");
    repo.write("tests/calc.test.js", "expect(add(2, 2)).toBe(4);\n");
    repo.write(
        "package.json",
        "{\"dependencies\": {\"left-pad\": \"1.0.0\"}}\n",
    );
    repo.commit("Initial commit");
    repo.write("README.md", "# calc\n\nThe rate is 7.\n");
    let docs = repo.commit("Document the new rate");
    repo.write("tests/calc.test.js", "expect(add(2, 2)).toBe(5);\n");
    let test_change = repo.commit("Check sums");
    repo.write("src/calc.js", CALC.replace("'total: '", "'totl: '"));
    let typo = repo.commit("Shorten the label");
    repo.write(
        "package.json",
        "{\"dependencies\": {\"left-pad\": \"1.1.0\"}}\n",
    );
    let bump = repo.commit("Bump left-pad");
    repo.write(
        "src/calc.js",
        CALC.replace("'total: '", "'totl: '")
            .replace("a + b", "a - b"),
    );
    let bug = repo.commit("Add discounts");
    // Fixes: of prose, of a test, of a typo, a dependency update and one of behaviour.
    repo.write("README.md", "# calc\n\nThe rate is 5.\n");
    repo.commit("Fix the rate in the README");
    repo.write("tests/calc.test.js", "expect(add(2, 2)).toBe(4);\n");
    repo.commit("fix: expected sum");
    repo.write("src/calc.js", CALC.replace("a + b", "a - b"));
    repo.commit("Fix typo in the label");
    repo.write(
        "package.json",
        "{\"dependencies\": {\"left-pad\": \"1.1.1\"}}\n",
    );
    repo.commit("fix(deps): update dependency left-pad to v1.1.1");
    repo.write("src/calc.js", CALC);
    repo.commit("fix: sums");

    let narrow = replay(&repo, &[]);
    assert_eq!(
        labels_of(&narrow, &bug),
        ["conventional", "keywords"],
        "{narrow:#}"
    );
    for unlabelled in [&docs, &test_change, &typo, &bump] {
        assert!(
            labels_of(&narrow, unlabelled).is_empty(),
            "{unlabelled} labelled: {narrow:#}"
        );
    }
    let labels = &narrow["labels"];
    assert_eq!(labels["all_fixes"], false);
    assert_eq!(labels["not_defects"], 2, "{labels:#}");
    assert_eq!(labels["lines_out_of_scope"], 2, "{labels:#}");
    assert_eq!(labels["labelled"], 1);

    let wide = replay(&repo, &["--szz-all-fixes"]);
    for labelled in [&docs, &test_change, &typo, &bump, &bug] {
        assert!(
            !labels_of(&wide, labelled).is_empty(),
            "{labelled} not labelled: {wide:#}"
        );
    }
    assert_eq!(wide["labels"]["all_fixes"], true);
    assert_eq!(wide["labels"]["not_defects"], 0);

    let text = blastgate(&repo, &["replay"]);
    assert!(
        text.stdout
            .contains("passed over: 2 fixes that are not of behaviour"),
        "{}",
        text.stdout
    );
    let text = blastgate(&repo, &["replay", "--szz-all-fixes"]);
    assert!(text.stdout.contains("(--szz-all-fixes)"), "{}", text.stdout);
}

/// A fix blame cannot follow (an object of the file's history is missing, as in a partial
/// mirror) labels nothing, and the report names the fix and the git error instead of only
/// counting it.
#[test]
fn a_fix_that_cannot_be_blamed_is_named_with_its_error() {
    let repo = Repo::new();
    repo.write("src/calc.js", CALC);
    repo.commit("Initial commit");
    repo.write("src/calc.js", CALC.replace("a + b", "a - b"));
    let bug = repo.commit("Add discounts");
    let lost = repo.git(&["rev-parse", &format!("{bug}:src/calc.js")]);
    repo.write("src/calc.js", CALC);
    let fix = repo.commit("fix: sums");
    // The buggy version's blob goes missing: blame of the fix's parent cannot read it.
    let object = repo
        .path
        .join(".git/objects")
        .join(&lost[..2])
        .join(&lost[2..]);
    let bytes = std::fs::read(&object).expect("read the loose object");
    std::fs::remove_file(&object).expect("remove the loose object");

    let report = replay(&repo, &[]);
    let labels = &report["labels"];
    assert_eq!(labels["unblamed"], 1, "{labels:#}");
    assert_eq!(labels["unblamed_fixes"][0]["fix"], fix.as_str());
    assert!(
        labels["unblamed_fixes"][0]["error"]
            .as_str()
            .is_some_and(|error| !error.is_empty()),
        "{labels:#}"
    );
    assert_eq!(labels["labelled"], 0, "{labels:#}");
    let text = blastgate(&repo, &["replay"]).stdout;
    assert!(
        text.contains("1 bug-fix commits could not be blamed") && text.contains(&fix[..12]),
        "{text}"
    );
    // A missing object is not a lasting failure: once it is back, the fix is blamed.
    std::fs::write(&object, bytes).expect("restore the loose object");
    let mended = replay(&repo, &[]);
    assert_eq!(mended["labels"]["unblamed"], 0, "{mended:#}");
    assert_eq!(labels_of(&mended, &bug), ["conventional", "keywords"]);
}

/// A failure the history itself causes is kept: libgit2's blame refuses a commit whose author
/// has an empty e-mail (`netbox-community/netbox` has such commits), so the next replay reads
/// the failure from `.git/blastgate/szz/` instead of blaming again (a kept entry, edited
/// here, is what it reports).
#[test]
fn a_blame_failure_caused_by_the_history_is_kept() {
    let repo = Repo::new();
    repo.write("src/calc.js", CALC);
    repo.commit("Initial commit");
    repo.write("src/calc.js", CALC.replace("a + b", "a - b"));
    repo.commit_as("Old Import", "", "Add discounts");
    repo.write("src/calc.js", CALC);
    let fix = repo.commit("fix: sums");

    let first = replay(&repo, &[]);
    let labels = &first["labels"];
    assert_eq!(labels["unblamed"], 1, "{labels:#}");
    let error = labels["unblamed_fixes"][0]["error"]
        .as_str()
        .expect("error");
    assert!(error.contains("empty name or email"), "{error}");
    let kept: Vec<std::path::PathBuf> = szz_cache_files(&repo)
        .into_iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "failed")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].ends_with(format!("{fix}.failed")), "{kept:?}");
    std::fs::write(&kept[0], "kept: empty name or email").expect("edit the kept failure");
    let second = replay(&repo, &[]);
    assert_eq!(
        second["labels"]["unblamed_fixes"][0]["error"], "kept: empty name or email",
        "{second:#}"
    );
}

/// A labelled commit that cannot be judged (its blob is missing) is not counted as a judged
/// labelled commit: the text says how many labels fell on commits outside the metrics.
#[test]
fn labels_on_commits_that_could_not_be_judged_are_told_apart() {
    let repo = Repo::new();
    repo.write("README.md", "demo\n");
    repo.commit("Initial commit");
    repo.write("cache.txt", "cache\n");
    let experiment = repo.commit("Try a cache");
    let lost = repo.git(&["rev-parse", &format!("{experiment}:cache.txt")]);
    repo.git(&["revert", "--no-edit", &experiment]);
    repo.write("notes.txt", "notes\n");
    repo.commit("Write notes");
    std::fs::remove_file(
        repo.path
            .join(".git/objects")
            .join(&lost[..2])
            .join(&lost[2..]),
    )
    .expect("remove the loose object");

    let report = replay(&repo, &[]);
    assert_eq!(report["labels"]["labelled"], 1, "{report:#}");
    assert_eq!(report["metrics"]["classes"][0]["by_commit"]["labelled"], 0);
    let text = blastgate(&repo, &["replay"]).stdout;
    assert!(
        text.contains("labelled (1 in the range, with commits that could not be judged)"),
        "{text}"
    );
}

/// `--szz-pick` keeps one commit per fix: the newest (R-SZZ) or the largest (L-SZZ); the
/// default labels both, and the report says which rule labelled it and what it passed over.
#[test]
fn one_commit_per_fix_can_be_picked_the_newest_or_the_largest() {
    let repo = Repo::new();
    repo.write("src/calc.js", CALC);
    repo.commit("Initial commit");
    // The larger commit: a bug on line 2 and a new function of twenty lines.
    let helpers = "// helper note\n".repeat(20);
    let with_bug = CALC.replace("a + b", "a - b");
    repo.write("src/calc.js", format!("{with_bug}{helpers}"));
    let large = repo.commit("Add discounts and notes");
    // The newer commit: a one-line bug on line 6.
    let both_bugs = with_bug.replace("'total: '", "'totl: '");
    repo.write("src/calc.js", format!("{both_bugs}{helpers}"));
    let newest = repo.commit("Shorten the label");
    repo.write("src/calc.js", format!("{CALC}{helpers}"));
    repo.commit("fix: sums and labels");

    let all = replay(&repo, &[]);
    assert_eq!(labels_of(&all, &large), ["conventional", "keywords"]);
    assert_eq!(labels_of(&all, &newest), ["conventional", "keywords"]);
    assert_eq!(all["labels"]["pick"], "all");
    assert_eq!(all["labels"]["not_picked"], 0);

    let latest = replay(&repo, &["--szz-pick", "latest"]);
    assert!(labels_of(&latest, &large).is_empty(), "{latest:#}");
    assert_eq!(labels_of(&latest, &newest), ["conventional", "keywords"]);
    assert_eq!(latest["labels"]["pick"], "latest");
    assert_eq!(latest["labels"]["not_picked"], 1);
    assert_eq!(latest["labels"]["labelled"], 1);

    let largest = replay(&repo, &["--szz-pick", "largest"]);
    assert_eq!(labels_of(&largest, &large), ["conventional", "keywords"]);
    assert!(labels_of(&largest, &newest).is_empty(), "{largest:#}");
    assert_eq!(
        largest["labels"]["fix_inducing"].as_array().unwrap().len(),
        1
    );

    let text = blastgate(&repo, &["replay", "--szz-pick", "largest"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains(
            "only the largest commit behind each fix labelled (--szz-pick largest); 1 other (fix, blamed commit) pairs passed over"
        ),
        "{}",
        text.stdout
    );
    let bad = blastgate(&repo, &["replay", "--szz-pick", "oldest"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("oldest"), "{}", bad.stderr);
}
