use super::*;

fn truths_of(yaml: &str) -> Truths {
    truths(yaml.as_bytes()).expect("values parse")
}

/// Go template truth over the values' paths: false, 0, empty and missing are false; nested
/// maps are true when they hold something.
#[test]
fn values_read_as_go_templates_read_them() {
    let truths = truths_of(
        "db:\n  enabled: true\n  size: 0\n  name: \"\"\ncache:\n  enabled: no\nempty: {}\nlist: [a]\n",
    );
    let truth = |path: &str| truths.get(path).and_then(|(truth, _)| *truth);
    assert_eq!(truth("db"), Some(true));
    assert_eq!(truth("db.enabled"), Some(true));
    assert_eq!(truth("db.size"), Some(false));
    assert_eq!(truth("db.name"), Some(false));
    assert_eq!(truth("cache.enabled"), Some(false));
    assert_eq!(truth("empty"), Some(false));
    assert_eq!(truth("list"), Some(true));
    assert_eq!(truths.get("db.enabled").map(|(_, line)| *line), Some(2));
}

/// Conditions: a path (from `.` or the root `$`), `not`, `and`, `or`, parenthesised operands;
/// anything else unread.
#[test]
fn conditions_that_can_be_evaluated() {
    let truths = truths_of("a: true\nb: false\n");
    let eval = |text: &str| expression(text).and_then(|e| e.eval(&truths));
    assert_eq!(eval(".Values.a"), Some(true));
    assert_eq!(eval(".Values.missing"), Some(false));
    assert_eq!(eval("not .Values.b"), Some(true));
    assert_eq!(eval("and .Values.a .Values.b"), Some(false));
    assert_eq!(eval("or .Values.a .Values.b"), Some(true));
    assert_eq!(eval("and .Values.a (not .Values.b)"), Some(true));
    assert_eq!(eval("eq .Values.a \"x\""), None);
    assert_eq!(eval(".Values.a | default true"), None);
    assert_eq!(eval("$.Values.a"), Some(true));
    assert_eq!(eval("$x.Values.a"), None);
}

/// The innermost readable guard of each object; an `else` branch, a `range` or a `define`
/// guards nothing this module reads.
#[test]
fn objects_and_their_guards() {
    let text = "{{- if .Values.db.enabled }}\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n{{- end }}\n---\n{{- if .Values.web.enabled }}\n{{- else }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: fallback\n{{- end }}\n---\n{{ with .Values.persistence }}\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n{{ end }}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: always\n";
    let got: Vec<(String, String)> = guarded(text)
        .into_iter()
        .map(|(object, condition)| (object.subject, condition.text))
        .collect();
    assert_eq!(
        got,
        [
            (
                "StatefulSet/db".to_string(),
                ".Values.db.enabled".to_string()
            ),
            (
                "PersistentVolumeClaim/data".to_string(),
                ".Values.persistence".to_string()
            ),
        ]
    );
}

/// A dependency's condition is a values path without `.Values.`; the first of a list counts.
#[test]
fn subchart_conditions() {
    let chart = b"apiVersion: v2\nname: app\ndependencies:\n  - name: postgresql\n    version: 15.x\n    condition: postgresql.enabled,global.postgresql.enabled\n  - name: common\n    version: 2.x\n";
    let got: Vec<(String, String)> = dependencies(chart)
        .into_iter()
        .map(|(name, condition)| (name, condition.text))
        .collect();
    assert_eq!(
        got,
        [("postgresql".to_string(), "postgresql.enabled".to_string())]
    );
}

/// An object annotated `helm.sh/resource-policy: keep` stays in the cluster when it is no
/// longer rendered: not a removal. The annotation of another document does not count.
#[test]
fn objects_helm_keeps_are_not_removed() {
    let text = "{{- if .Values.db.enabled }}\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: kept\n  annotations:\n    \"helm.sh/resource-policy\": keep\n{{- end }}\n---\n{{- if .Values.db.enabled }}\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: gone\n{{- end }}\n";
    let got: Vec<String> = guarded(text)
        .into_iter()
        .map(|(object, _)| object.subject)
        .collect();
    assert_eq!(got, ["PersistentVolumeClaim/gone"]);
}

/// An alias takes the truth of the scalar anchor it names (a quoted `"false"` is a string, so
/// true); an alias of a map, or of no anchor, is unknown.
#[test]
fn aliases_of_scalar_anchors_are_followed() {
    let truths = truths_of(
        "flags:\n  on: &on true\n  off: &off false\n  text: &text \"false\"\nbase: &base\n  x: 1\na: *on\nb: *off\nc: *text\nd: *base\ne: *missing\n",
    );
    let truth = |path: &str| truths.get(path).map(|(truth, _)| *truth);
    assert_eq!(truth("a"), Some(Some(true)));
    assert_eq!(truth("b"), Some(Some(false)));
    assert_eq!(truth("c"), Some(Some(true)));
    assert_eq!(truth("d"), Some(None));
    assert_eq!(truth("e"), Some(None));
    assert_eq!(
        expression("$.Values.b").and_then(|e| e.eval(&truths)),
        Some(false)
    );
}
