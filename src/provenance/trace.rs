//! Agent Trace records (cursor/agent-trace, v0.1) kept as git notes: a JSON trace record, or
//! JSON Lines of them, that attributes line ranges to contributors `human`, `ai`, `mixed`
//! or `unknown` (ai-markers.md §7.10). A record is parsed, not pattern-matched, because
//! the contributor can sit on a conversation or on one range, with its keys in any order.
//!
//! Only `ai` and `mixed` contributors are evidence. A record of human or unknown lines says
//! nothing about the rest of the commit, so it is never evidence of a human author.

use serde_json::Value;

/// What an AI-attributing trace record says, for the evidence line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TraceFinding {
    /// `Agent Trace 0.1.0 (cursor): ai anthropic/claude-opus-4-5` — short and escaped later.
    pub(super) marker: String,
}

/// The first AI or mixed contributor in a note holding Agent Trace records, if any.
pub(super) fn find(note: &str) -> Option<TraceFinding> {
    let trimmed = note.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    // One record, or JSON Lines (the reference store's `traces.jsonl` layout).
    let whole = serde_json::from_str::<Value>(trimmed).ok();
    let records: Vec<Value> = match whole {
        Some(record) => vec![record],
        None => trimmed
            .lines()
            .filter_map(|line| serde_json::from_str(line.trim()).ok())
            .collect(),
    };
    records.iter().find_map(ai_contributor)
}

/// The record's first `ai`/`mixed` contributor, when the value is a v0 trace record.
fn ai_contributor(record: &Value) -> Option<TraceFinding> {
    let version = record.get("version")?.as_str()?;
    if !version.starts_with("0.") {
        return None;
    }
    let files = record.get("files")?.as_array()?;
    let tool = record
        .pointer("/tool/name")
        .and_then(Value::as_str)
        .map(|name| format!(" ({name})"))
        .unwrap_or_default();
    let conversations = files
        .iter()
        .filter_map(|file| file.get("conversations")?.as_array())
        .flatten();
    for conversation in conversations {
        let ranges = conversation
            .get("ranges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        let contributors = std::iter::once(conversation.get("contributor"))
            .chain(ranges.map(|range| range.get("contributor")))
            .flatten();
        for contributor in contributors {
            let kind = contributor.get("type").and_then(Value::as_str);
            if let Some(kind @ ("ai" | "mixed")) = kind {
                let model = contributor
                    .get("model_id")
                    .and_then(Value::as_str)
                    .map(|m| format!(" {m}"))
                    .unwrap_or_default();
                return Some(TraceFinding {
                    marker: format!("Agent Trace {version}{tool}: {kind}{model}"),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find;

    const AI: &str = r#"{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-23T14:30:00Z","vcs":{"type":"git","revision":"a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"},"tool":{"name":"cursor","version":"2.4.0"},"files":[{"path":"src/parser.ts","conversations":[{"url":"https://api.cursor.com/v1/conversations/12345","contributor":{"model_id":"anthropic/claude-opus-4-5-20251101","type":"ai"},"ranges":[{"start_line":42,"end_line":67}]}]}]}"#;

    /// The specification's example record (contributor keys in another order) is AI
    /// evidence naming the tool and model; a JSON Lines note is read line by line, and a
    /// contributor on a range counts like one on the conversation.
    #[test]
    fn ai_records_are_found() {
        let found = find(AI).expect("an AI record");
        assert_eq!(
            found.marker,
            "Agent Trace 0.1.0 (cursor): ai anthropic/claude-opus-4-5-20251101"
        );
        let human = AI.replace("\"type\":\"ai\"", "\"type\":\"human\"");
        let lines = format!("{human}\n{AI}\n");
        assert!(find(&lines).is_some());
        let ranged = r#"{"version":"0.1","id":"x","timestamp":"t","files":[{"path":"a","conversations":[{"ranges":[{"start_line":1,"end_line":2,"contributor":{"type":"mixed"}}]}]}]}"#;
        assert_eq!(
            find(ranged).map(|f| f.marker).as_deref(),
            Some("Agent Trace 0.1: mixed")
        );
    }

    /// Human or unknown records, other JSON, git-ai notes and prose are not evidence.
    #[test]
    fn other_notes_are_not() {
        let human = AI.replace("\"type\":\"ai\"", "\"type\":\"human\"");
        let unknown = AI.replace("\"type\":\"ai\"", "\"type\":\"unknown\"");
        let other_version = AI.replace("\"0.1.0\"", "\"2.0\"");
        for note in [
            human.as_str(),
            &unknown,
            &other_version,
            r#"{"type":"ai"}"#,
            "src/lib.rs\n  h_0123456789abcd 1-20\n---\n{}",
            "Reviewed by Claude, type: ai",
        ] {
            assert_eq!(find(note), None, "{note}");
        }
    }
}
