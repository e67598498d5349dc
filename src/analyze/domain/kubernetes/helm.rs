//! The objects a Helm template renders, read from its text: a template is not YAML until
//! rendered, but each document's top-level `kind:` line and the `name:` under its top-level
//! `metadata:` are plain lines (`name` may hold `{{ }}`, kept as written). Comparing them across
//! the change finds what `helm upgrade` deletes: an object a template no longer renders, a
//! template removed, or a templated name changed (Helm docs, "Charts" and `helm upgrade`:
//! resources no longer in the rendered release are deleted).

/// One object a template renders.
pub(super) struct Rendered {
    pub(super) kind: String,
    /// `Kind/name` as written in the template.
    pub(super) subject: String,
    pub(super) line: u32,
}

/// The value of a top-level (unindented) `key:` line, quotes and comments dropped.
fn top_level<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    let value = line.strip_prefix(key)?.strip_prefix(':')?;
    let value = value.split(" #").next().unwrap_or(value).trim();
    Some(value.trim_matches(['"', '\'']))
}

/// The objects `text` renders, in order; a document without a `kind:` line at column 0 (a
/// helper, or a kind set by a template expression) renders nothing readable.
pub(super) fn objects(text: &str) -> Vec<Rendered> {
    let mut out = Vec::new();
    let (mut kind, mut name): (Option<(&str, u32)>, Option<&str>) = (None, None);
    let mut in_metadata = false;
    let mut flush = |kind: &mut Option<(&str, u32)>, name: &mut Option<&str>| {
        if let Some((k, line)) = kind.take() {
            out.push(Rendered {
                kind: k.to_string(),
                subject: format!("{k}/{}", name.take().unwrap_or("?")),
                line,
            });
        }
        *name = None;
    };
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if line.starts_with("---") {
            flush(&mut kind, &mut name);
            in_metadata = false;
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            in_metadata = line.trim_end() == "metadata:";
            if let Some(value) = top_level(line, "kind").filter(|v| !v.is_empty()) {
                if kind.is_some() {
                    flush(&mut kind, &mut name);
                }
                kind = Some((value, number));
            }
            continue;
        }
        let trimmed = line.trim_start();
        if in_metadata && name.is_none() && line.len() > trimmed.len() {
            name = top_level(trimmed, "name");
        }
    }
    flush(&mut kind, &mut name);
    out
}

/// Whether the document holding line `line` of `text` carries Helm's
/// `helm.sh/resource-policy: keep` annotation: Helm then leaves the object in the cluster when
/// the release stops rendering it (Helm docs, "Chart Development Tips and Tricks").
pub(super) fn kept(text: &str, line: u32) -> bool {
    let at = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    let lines: Vec<&str> = text.lines().collect();
    let start = lines[..at.min(lines.len())]
        .iter()
        .rposition(|l| l.starts_with("---"))
        .map_or(0, |i| i + 1);
    lines[start..]
        .iter()
        .enumerate()
        .take_while(|(i, l)| start + i < at || !l.starts_with("---"))
        .any(|(_, l)| {
            let l = l.trim().replace('"', "");
            l.starts_with("helm.sh/resource-policy:") && l.ends_with("keep")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keep annotation counts in its own document only, quoted or not.
    #[test]
    fn kept_objects() {
        let text = "kind: PersistentVolumeClaim\nmetadata:\n  name: a\n  annotations:\n    helm.sh/resource-policy: keep\n---\nkind: PersistentVolumeClaim\nmetadata:\n  name: b\n---\nkind: PersistentVolumeClaim\nmetadata:\n  annotations:\n    \"helm.sh/resource-policy\": \"keep\"\n";
        let lines: Vec<u32> = objects(text).iter().map(|o| o.line).collect();
        assert_eq!(lines, [1, 7, 11]);
        let kept: Vec<bool> = lines.iter().map(|&line| kept(text, line)).collect();
        assert_eq!(kept, [true, false, true]);
    }

    /// Each document's kind and templated name; a nested `kind:` (an HPA's target) and a
    /// nested `name:` outside `metadata` are not objects or names.
    #[test]
    fn rendered_objects() {
        let text = "{{- if .Values.persistence.enabled }}\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  labels:\n    app: x\n  name: {{ .Release.Name }}-data\nspec: {}\n{{- end }}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    kind: StatefulSet\n    name: db\nmetadata:\n  name: \"hpa\"\n";
        let got: Vec<(String, String, u32)> = objects(text)
            .into_iter()
            .map(|o| (o.kind, o.subject, o.line))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "PersistentVolumeClaim".to_string(),
                    "PersistentVolumeClaim/{{ .Release.Name }}-data".to_string(),
                    3
                ),
                (
                    "HorizontalPodAutoscaler".to_string(),
                    "HorizontalPodAutoscaler/hpa".to_string(),
                    12
                ),
            ]
        );
    }
}
