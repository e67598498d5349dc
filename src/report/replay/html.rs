//! The replay as one self-contained HTML page (`blastgate replay --format html -o FILE`): the
//! capacity picture seniors plan with. Inline CSS and SVG only, and a Content-Security-Policy
//! that forbids every fetch, so the file opens offline, attached to a ticket or an artifact.
//!
//! No timings on the page: the same history gives the same bytes, sharded or not.

use std::fmt::Write as _;

use crate::escape::html as esc;
use crate::score::number;
use crate::vocabulary::Decision;

use super::capacity::{Capacity, capacity};
use super::chart::{Mark, PlotLine, Stack, horizontal_bars, share_chart, stacked_bars};
use crate::replay::{Curve, Replay};

/// Meta's Diff Risk Score, the baseline logistic-regression model: share of incident-causing
/// diffs (SEVs) caught when gating the riskiest share of diffs, as (gated, caught).
const DRS: &[(f64, f64)] = &[(0.05, 0.187), (0.10, 0.279), (0.50, 0.846)];
/// Where [`DRS`] comes from.
const DRS_SOURCE: (&str, &str) = (
    "Abreu et al., “Moving Faster and Reducing Risk: Using LLMs in Release Deployment” (Meta, 2024): baseline Diff Risk Score model",
    "https://arxiv.org/abs/2410.06351",
);

/// One colour per tier, in tier-name order (cycled past the end).
const TIER_COLOURS: &[&str] = &[
    "#1f6feb", "#d9480f", "#2f9e44", "#ae3ec9", "#e8a800", "#0c8599", "#c2255c", "#5c677d",
];
/// Decisions' colours.
const DECISION_COLOURS: [(Decision, &str); 3] = [
    (Decision::Allow, "#2f9e44"),
    (Decision::Review, "#e8a800"),
    (Decision::Block, "#c92a2a"),
];
/// Human changes are drawn lighter than AI-assisted ones of the same tier.
const HUMAN_OPACITY: f64 = 0.45;
/// Signals shown by fitted weight.
const TOP_SIGNALS: usize = 12;

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;\
color:#1b1f24;background:#fff;margin:24px auto;max-width:800px;padding:0 16px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px}\
p.lead{font-size:16px;background:#f1f5fb;border-left:4px solid #1f6feb;padding:10px 14px}\
svg{max-width:100%;height:auto;font-size:12px;fill:#1b1f24}\
svg .grid{stroke:#dde1e6;stroke-width:1}svg .axis{stroke:#5c677d}\
svg .line{fill:none;stroke-width:2.5}svg .reference{stroke:#c92a2a;stroke-dasharray:4 3}\
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #e5e8eb;\
text-align:left}td.n{text-align:right}.note{color:#5c677d}code{font-size:13px}";

/// The report as a self-contained HTML page; `fitted` are signals by fitted weight (empty
/// when no fit was run).
#[must_use]
pub fn html(replay: &Replay, fitted: &[(String, f64)]) -> String {
    let capacity = capacity(&replay.judged, replay.review_minutes);
    let mut page = String::new();
    page.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">",
    );
    let _ = write!(
        page,
        "<title>blastgate replay: {}</title><style>{STYLE}</style></head><body>",
        esc(&replay.history)
    );
    // A narrower labelling changes every figure below: say so where the count is given.
    let pick = replay.labelling.pick;
    let picked = pick.chosen().map_or_else(String::new, |which| {
        format!(
            " (of the commits behind each fix, only the {which}: --szz-pick {})",
            pick.as_str()
        )
    });
    let _ = write!(
        page,
        "<h1>blastgate replay</h1><p class=\"note\">{}: {} commits judged, {} AI-assisted, {} later reverted or hot-fixed{picked}{}.</p>",
        esc(&replay.history),
        replay.judged.len(),
        replay.judged.iter().filter(|change| change.ai).count(),
        replay.curve.reverted,
        if replay.unjudged.is_empty() {
            String::new()
        } else {
            format!("; {} could not be judged", replay.unjudged.len())
        }
    );
    headline(&mut page, replay, &capacity);
    curve_section(&mut page, &replay.curve, &replay.curve_without_history);
    load_section(&mut page, &capacity);
    decisions_section(&mut page, replay);
    signals_section(&mut page, fitted);
    undone_section(&mut page, replay);
    let _ = write!(
        page,
        "<h2>Sources</h2><p class=\"note\">DRS reference points: <a href=\"{}\">{}</a>. \
         Random: gating X% of commits at random catches X% of the later-broken ones on average. \
         Hours: <code>replay.review_minutes</code> of the policy at the newest commit × reviews.</p>",
        DRS_SOURCE.1,
        esc(DRS_SOURCE.0)
    );
    page.push_str("</body></html>\n");
    page
}

/// The sentence a senior plans with.
fn headline(page: &mut String, replay: &Replay, capacity: &Capacity) {
    let mean = capacity.mean();
    let mut sentence = format!(
        "With this policy, seniors would have reviewed {} changes a week on average",
        number(mean)
    );
    if let Some(peak) = capacity.peak() {
        let _ = write!(
            sentence,
            " ({} in the busiest week, {})",
            peak.total(),
            peak.name
        );
    }
    match capacity.hours(mean) {
        Some(hours) => {
            let _ = write!(
                sentence,
                ": about {} senior hours a week at {} minutes per review",
                number(hours),
                number(capacity.review_minutes.unwrap_or_default())
            );
        }
        None => sentence
            .push_str(" (hours not estimated: the policy at the newest commit could not be read)"),
    }
    let policy = &replay.curve.policy;
    match policy.caught_share {
        Some(caught) => {
            let _ = write!(
                sentence,
                ", and caught {} of the commits that were later reverted or hot-fixed.",
                percent(caught)
            );
        }
        None => sentence.push_str("; no commit in this history was later reverted or hot-fixed."),
    }
    let _ = write!(page, "<p class=\"lead\">{}</p>", esc(&sentence));
}

fn curve_section(page: &mut String, on: &Curve, off: &Curve) {
    page.push_str("<h2>Gating curve</h2>");
    let measured = |curve: &Curve| -> Vec<(f64, f64)> {
        let mut points = vec![(0.0, 0.0)];
        points.extend(
            curve
                .points
                .iter()
                .filter_map(|p| Some((p.asked?, p.caught_share?))),
        );
        points
    };
    let mut lines = vec![PlotLine {
        label: "random",
        colour: "#868e96",
        dashed: true,
        points: vec![(0.0, 0.0), (1.0, 1.0)],
    }];
    let mut marks: Vec<Mark<'_>> = DRS
        .iter()
        .map(|(gated, caught)| Mark {
            label: format!("DRS {}", percent(*caught)),
            colour: "#c92a2a",
            at: (*gated, *caught),
        })
        .collect();
    if on.reverted > 0 {
        lines.push(PlotLine {
            label: "blastgate, history signal off",
            colour: "#74c0fc",
            dashed: false,
            points: measured(off),
        });
        lines.push(PlotLine {
            label: "blastgate",
            colour: "#1f6feb",
            dashed: false,
            points: measured(on),
        });
        if let Some(caught) = on.policy.caught_share {
            marks.push(Mark {
                label: "policy".to_string(),
                colour: "#e8a800",
                at: (on.policy.gated_share, caught),
            });
        }
    }
    page.push_str(&share_chart(
        "gating-curve",
        "Share of later-reverted or hot-fixed commits caught when gating the riskiest share of commits",
        ("riskiest commits gated", "later-broken commits caught"),
        &lines,
        &marks,
    ));
    if on.reverted == 0 {
        page.push_str("<p class=\"note\">No commit in this history was later reverted or hot-fixed: nothing to measure the gate against; random and DRS are shown for reference.</p>");
        return;
    }
    page.push_str(
        "<table><tr><th>gated</th><th>commits</th><th>caught</th><th>random</th><th>DRS</th></tr>",
    );
    for point in &on.points {
        let asked = point.asked.unwrap_or(point.gated_share);
        let drs = DRS
            .iter()
            .find(|(gated, _)| (gated - asked).abs() < 1e-9)
            .map_or_else(|| "–".to_string(), |(_, caught)| percent(*caught));
        let _ = write!(
            page,
            "<tr><td>riskiest {}</td><td class=\"n\">{}</td><td class=\"n\">{} ({})</td><td class=\"n\">{}</td><td class=\"n\">{drs}</td></tr>",
            percent(asked),
            point.gated,
            point.caught,
            point.caught_share.map_or_else(|| "–".to_string(), percent),
            percent(asked)
        );
    }
    let _ = write!(
        page,
        "<tr><td>policy (review + block)</td><td class=\"n\">{}</td><td class=\"n\">{} ({})</td><td></td><td></td></tr></table>",
        on.policy.gated,
        on.policy.caught,
        on.policy
            .caught_share
            .map_or_else(|| "–".to_string(), percent)
    );
}

fn load_section(page: &mut String, capacity: &Capacity) {
    page.push_str("<h2>Review load per week</h2>");
    let mut tiers: Vec<&str> = capacity.series.iter().map(|s| s.tier.as_str()).collect();
    tiers.dedup();
    let stacks: Vec<Stack<'_>> = capacity
        .series
        .iter()
        .map(|series| {
            let index = tiers.iter().position(|t| *t == series.tier).unwrap_or(0);
            Stack {
                label: format!(
                    "{} · {}",
                    series.tier,
                    if series.ai { "AI-assisted" } else { "human" }
                ),
                colour: TIER_COLOURS[index % TIER_COLOURS.len()],
                opacity: if series.ai { 1.0 } else { HUMAN_OPACITY },
            }
        })
        .collect();
    let bars: Vec<(String, Vec<usize>)> = capacity
        .weeks
        .iter()
        .map(|week| (week.name.clone(), week.reviews.clone()))
        .collect();
    let mean = capacity.mean();
    let reference = (capacity.reviews() > 0).then(|| {
        let hours = capacity
            .hours(mean)
            .map_or_else(String::new, |h| format!(" ≈ {} h", number(h)));
        (mean, format!("mean {} reviews{hours}", number(mean)))
    });
    page.push_str(&stacked_bars(
        "review-load",
        "Changes sent to senior review per ISO week, by tier and by AI-assisted or human",
        &bars,
        &stacks,
        reference,
    ));
    let _ = write!(
        page,
        "<p class=\"note\">{} reviews over {} weeks. A change's tier is the highest-multiplier tier among its files; blocked changes are not counted (they do not land as they are).</p>",
        capacity.reviews(),
        capacity.weeks.len()
    );
}

fn decisions_section(page: &mut String, replay: &Replay) {
    page.push_str("<h2>Decision mix</h2>");
    let count = |ai: bool, decision: Decision| {
        replay
            .judged
            .iter()
            .filter(|change| change.ai == ai && change.decision == decision)
            .count()
    };
    let bars: Vec<(String, Vec<usize>)> = [(true, "AI-assisted"), (false, "human")]
        .into_iter()
        .map(|(ai, label)| {
            let values = DECISION_COLOURS
                .iter()
                .map(|(decision, _)| count(ai, *decision))
                .collect();
            (label.to_string(), values)
        })
        .collect();
    let stacks: Vec<Stack<'_>> = DECISION_COLOURS
        .iter()
        .map(|(decision, colour)| Stack {
            label: decision.as_str().to_string(),
            colour,
            opacity: 1.0,
        })
        .collect();
    page.push_str(&stacked_bars(
        "decision-mix",
        "Decisions for AI-assisted and human changes",
        &bars,
        &stacks,
        None,
    ));
    page.push_str("<table><tr><th></th><th>allow</th><th>review</th><th>block</th></tr>");
    for (label, values) in &bars {
        let _ = write!(page, "<tr><td>{label}</td>");
        for value in values {
            let _ = write!(page, "<td class=\"n\">{value}</td>");
        }
        page.push_str("</tr>");
    }
    page.push_str("</table>");
}

fn signals_section(page: &mut String, fitted: &[(String, f64)]) {
    page.push_str("<h2>Top signals by fitted weight</h2>");
    if fitted.is_empty() {
        page.push_str("<p class=\"note\">No fit in this report: weights are the policy's own. A fit on this history (<code>blastgate replay --fit</code>) shows here.</p>");
        return;
    }
    let mut rows: Vec<(String, f64, &str)> = fitted
        .iter()
        .map(|(signal, weight)| (signal.clone(), *weight, TIER_COLOURS[0]))
        .collect();
    // Strongest first; ties by name so the page is deterministic.
    rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    rows.truncate(TOP_SIGNALS);
    page.push_str(&horizontal_bars(
        "fitted-signals",
        "Signals by fitted weight",
        &rows,
    ));
}

fn undone_section(page: &mut String, replay: &Replay) {
    if replay.undone.is_empty() {
        return;
    }
    page.push_str("<h2>Later reverted or hot-fixed</h2><table><tr><th>commit</th><th>decision</th><th>score</th><th>undone</th><th>subject</th></tr>");
    for undone in &replay.undone {
        let change = &replay.judged[undone.index];
        let id = change.oid.to_string();
        let _ = write!(
            page,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td>{} by <code>{}</code></td><td>{}</td></tr>",
            crate::short_id::short(&id),
            change.decision.as_str(),
            number(change.score),
            undone.kind.as_str(),
            esc(crate::short_id::short(&undone.by)),
            esc(&change.summary)
        );
    }
    page.push_str("</table>");
}

fn percent(share: f64) -> String {
    format!("{}%", number((share * 1000.0).round() / 10.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::szz::Pick;
    use crate::replay::{Load, curve};

    fn empty_replay() -> Replay {
        Replay {
            history: "the commits of <main>".to_string(),
            first_parent: false,
            judged: Vec::new(),
            unjudged: Vec::new(),
            merges_skipped: 0,
            undone: Vec::new(),
            curve: curve(&[]),
            curve_without_history: curve(&[]),
            load: Load::default(),
            calibration: None,
            labels: Vec::new(),
            labelling: crate::replay::Labels::default(),
            metrics: crate::replay::Metrics::default(),
            fitted: None,
            seconds: 1.0,
            review_minutes: None,
            shard: None,
        }
    }

    /// Fitted weights (the fit's hook) show strongest first, negative ones too, names escaped;
    /// without a fit the section says how to get one.
    #[test]
    fn fitted_signals_strongest_first() {
        let replay = empty_replay();
        let fitted = [
            ("lines-added".to_string(), 0.4),
            ("<b>odd</b>".to_string(), -2.5),
            ("file-deleted".to_string(), 1.5),
        ];
        let page = html(&replay, &fitted);
        let chart = &page[page.find("<svg id=\"fitted-signals\"").expect("chart")..];
        let order: Vec<usize> = ["&lt;b&gt;odd&lt;/b&gt;", "file-deleted", "lines-added"]
            .iter()
            .map(|name| chart.find(name).expect(name))
            .collect();
        assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{order:?}");
        assert!(!page.contains("<b>odd"));
        assert!(page.contains("the commits of &lt;main&gt;"));
        let without = html(&replay, &[]);
        assert!(!without.contains("fitted-signals"));
        assert!(without.contains("No fit in this report"));
        assert!(without.contains("hours not estimated"));
    }

    /// A report labelled one commit per fix says so next to the count it changes.
    #[test]
    fn the_pick_rule_is_stated_with_the_count() {
        let mut replay = empty_replay();
        assert!(!html(&replay, &[]).contains("--szz-pick"));
        replay.labelling.pick = Pick::Latest;
        assert!(html(&replay, &[]).contains("later reverted or hot-fixed (of the commits behind each fix, only the newest: --szz-pick latest)"));
        replay.labelling.pick = Pick::Largest;
        assert!(html(&replay, &[]).contains("only the largest: --szz-pick largest"));
    }
}
