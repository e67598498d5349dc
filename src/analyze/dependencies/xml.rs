//! A tiny XML reader for `pom.xml`, `*.csproj`, `packages.config` and
//! `Directory.Packages.props`: elements with attributes, text and the line each starts on.
//! Comments, processing instructions, doctypes and CDATA are skipped; namespaces are kept as
//! written. Enough for these files, not a general XML parser.

/// One element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Tag name as written.
    pub name: String,
    /// Attributes, in order, values unescaped.
    pub attributes: Vec<(String, String)>,
    /// Child elements.
    pub children: Vec<Element>,
    /// Text directly inside, trimmed and unescaped.
    pub text: String,
    /// 1-based line of the start tag.
    pub line: u32,
}

impl Element {
    /// An attribute's value, by name (case-insensitive: `MSBuild` does not care).
    #[must_use]
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The text of the first direct child named `name`.
    #[must_use]
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .find(|child| child.name.eq_ignore_ascii_case(name))
            .map(|child| child.text.as_str())
    }

    /// Every element named `name` at any depth below this one, in document order.
    #[must_use]
    pub fn descendants(&self, name: &str) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.children.iter().rev().collect();
        while let Some(element) = stack.pop() {
            if element.name.eq_ignore_ascii_case(name) {
                out.push(element);
            }
            stack.extend(element.children.iter().rev());
        }
        out
    }
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn attributes(tag: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = tag.trim();
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once('=')
            .ok_or_else(|| format!("attribute without a value in `<{tag}>`"))?;
        let after = after.trim_start();
        let quote = after
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\''))
            .ok_or_else(|| format!("unquoted attribute in `<{tag}>`"))?;
        let (value, tail) = after[1..]
            .split_once(quote)
            .ok_or_else(|| format!("unclosed attribute in `<{tag}>`"))?;
        out.push((key.trim().to_string(), unescape(value)));
        rest = tail.trim_start();
    }
    Ok(out)
}

/// Parses a document into a synthetic root element holding its top-level elements.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut stack = vec![Element::default()];
    let mut rest = text;
    let line_at = |rest: &str| -> u32 {
        let consumed = text.len() - rest.len();
        u32::try_from(text[..consumed].matches('\n').count() + 1).unwrap_or(u32::MAX)
    };
    while let Some(open) = rest.find('<') {
        if let Some(current) = stack.last_mut() {
            let between = unescape(rest[..open].trim());
            if !between.is_empty() {
                current.text.push_str(&between);
            }
        }
        rest = &rest[open..];
        let skip = [
            ("<!--", "-->"),
            ("<![CDATA[", "]]>"),
            ("<?", "?>"),
            ("<!", ">"),
        ]
        .iter()
        .find(|(start, _)| rest.starts_with(start));
        if let Some((_, end)) = skip {
            let close = rest
                .find(end)
                .ok_or_else(|| format!("line {}: unclosed `{}`", line_at(rest), &rest[..2]))?;
            rest = &rest[close + end.len()..];
            continue;
        }
        let line = line_at(rest);
        let close = rest
            .find('>')
            .ok_or_else(|| format!("line {line}: unclosed tag"))?;
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let element = stack
                .pop()
                .filter(|_| !stack.is_empty())
                .ok_or_else(|| format!("line {line}: `</{name}>` closes nothing"))?;
            if element.name != name.trim() {
                return Err(format!(
                    "line {line}: `</{}>` closes `<{}>`",
                    name.trim(),
                    element.name
                ));
            }
            if let Some(parent) = stack.last_mut() {
                parent.children.push(element);
            }
            continue;
        }
        let (tag, self_closing) = match tag.strip_suffix('/') {
            Some(tag) => (tag, true),
            None => (tag, false),
        };
        let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let element = Element {
            name: name.to_string(),
            attributes: attributes(attrs)?,
            line,
            ..Element::default()
        };
        if self_closing {
            if let Some(parent) = stack.last_mut() {
                parent.children.push(element);
            }
        } else {
            stack.push(element);
        }
    }
    match stack.len() {
        1 => Ok(stack.pop().unwrap_or_default()),
        _ => Err(format!(
            "`<{}>` is never closed",
            stack.last().map_or("", |e| e.name.as_str())
        )),
    }
}
