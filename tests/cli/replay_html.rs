//! `blastgate replay --format html`: one self-contained page, checked as text and rendered in
//! headless Chromium (screenshot not blank, the charts' colours on it, SVG in the DOM).
//!
//! Without a Chromium on PATH (`chromium`, or the program `BLASTGATE_CHROMIUM` names) the
//! browser half says so and passes, unless `BLASTGATE_REQUIRE_CHROMIUM` is set (CI sets it,
//! so CI cannot skip it).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::png;
use crate::replay_shard::{HOSTILE_SUBJECT, history};
use crate::support::blastgate;

/// Colours the page draws with (src/report/replay/html.rs): the first tier's AI-assisted bars, the
/// `allow` bars and the DRS reference marks.
const TIER_BLUE: [u8; 3] = [0x1f, 0x6f, 0xeb];
const ALLOW_GREEN: [u8; 3] = [0x2f, 0x9e, 0x44];
const DRS_RED: [u8; 3] = [0xc9, 0x2a, 0x2a];

/// The browser to render with, if any; panics when CI requires one and there is none.
#[allow(
    clippy::disallowed_macros,
    reason = "a skipped test must say so where the test runner shows it"
)]
fn chromium() -> Option<PathBuf> {
    let program =
        std::env::var_os("BLASTGATE_CHROMIUM").map_or_else(|| "chromium".into(), PathBuf::from);
    let found = Command::new(&program)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var_os("BLASTGATE_REQUIRE_CHROMIUM").is_none(),
            "BLASTGATE_REQUIRE_CHROMIUM is set but {} does not run (apt-get install chromium)",
            program.display()
        );
        eprintln!("SKIPPED: no headless Chromium (apt-get install chromium)");
    }
    found.then_some(program)
}

/// Runs headless Chromium on `page` with `args`; returns stdout.
fn render(program: &Path, page: &Path, args: &[&str]) -> String {
    let profile = page.with_extension("profile");
    let output = Command::new(program)
        .args([
            "--headless",
            "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--window-size=840,2600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .env("HOME", page.parent().expect("page dir"))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The page is one offline file: no fetch of any kind, the repository's text escaped, the
/// capacity figures from the policy's `replay.review_minutes`, every week shown; and it
/// renders in a real browser with its charts.
#[test]
fn html_report_is_self_contained_and_renders() {
    let history = history();
    let repo = &history.repo;
    let dir = repo.path.parent().expect("temp dir");
    let page = dir.join("report.html");
    let run = blastgate(
        repo,
        &[
            "replay",
            "--format",
            "html",
            "-o",
            &page.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let html = std::fs::read_to_string(&page).expect("report written");
    let report: Value = blastgate(repo, &["replay", "--format", "json"]).json();

    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    for fetch in [" src=", "<link", "url(", "@import", "<script", "<iframe"] {
        assert!(!html.contains(fetch), "the page has `{fetch}`");
    }
    assert!(!html.contains(HOSTILE_SUBJECT));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"),
        "the reverted commit's subject is listed, escaped"
    );
    for id in ["gating-curve", "review-load", "decision-mix"] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "no {id} chart");
    }
    // W02, W03, the quiet W04 and W05; every review counted, at 45 minutes each.
    let reviews = report["decisions"]["review"]
        .as_u64()
        .expect("review count");
    assert!(reviews >= 4, "{report}");
    assert!(
        html.contains(&format!("{reviews} reviews over 4 weeks")),
        "{html}"
    );
    assert!(html.contains("at 45 minutes per review"), "{html}");
    assert!(html.contains("DRS 27.9%") && html.contains("arxiv.org/abs/2410.06351"));
    assert!(html.contains(&history.hostile[..12]));

    let Some(program) = chromium() else {
        return;
    };
    let shot = dir.join("report.png");
    render(
        &program,
        &page,
        &[&format!("--screenshot={}", shot.display())],
    );
    let image = png::decode(&std::fs::read(&shot).expect("screenshot written"));
    assert_eq!((image.width, image.height), (840, 2600));
    let inked = image.inked() as f64 / image.pixels.len() as f64;
    assert!(inked > 0.03, "the page looks blank: {inked:.4} of it inked");
    for (name, colour) in [
        ("tier bars", TIER_BLUE),
        ("allow bars", ALLOW_GREEN),
        ("DRS marks", DRS_RED),
    ] {
        assert!(
            image.count(colour) >= 40,
            "{name} not drawn: {}",
            image.count(colour)
        );
    }

    let dom = render(&program, &page, &["--dump-dom"]);
    for id in ["gating-curve", "review-load", "decision-mix"] {
        assert!(
            dom.contains(&format!("<svg id=\"{id}\"")),
            "no {id} in the DOM"
        );
    }
    assert!(
        dom.matches("<rect class=\"bar\"").count() >= 6,
        "bars missing from the DOM"
    );
    assert!(dom.contains("<polyline"), "curve missing from the DOM");
    assert!(!dom.contains("<script"), "the subject became markup");
}
