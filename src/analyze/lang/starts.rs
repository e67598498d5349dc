//! Where a query pattern's match can start: the node kinds its first node can have.
//!
//! A query cursor over a whole tree tries its patterns at every node, and on the cold path
//! that cost more than a plain walk of the same tree (the definitions query was an eighth of a
//! cold 500-file check). Knowing the kinds each pattern starts with, the outline walks the
//! tree and runs the query only at nodes of those kinds, each run limited to the matches that
//! start at that node: the same matches, found for less. A pattern whose start this reader
//! cannot pin down (a wildcard, an anonymous node, a supertype, a shape it does not know)
//! makes the whole query run the ordinary way.

/// The named node kinds a match of `pattern` (one top-level pattern of a query, comments
/// allowed) can start at; `None` when it could start at any node or the text is not
/// understood.
pub(super) fn start_kinds(pattern: &str) -> Option<Vec<String>> {
    let tokens = tokens(pattern)?;
    let mut reader = Reader { tokens, at: 0 };
    let start = reader.item()?;
    // Captures and quantifiers were read with the item; anything left is not one pattern.
    (reader.at == reader.tokens.len() && !start.optional).then_some(start.kinds)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    OpenAlternatives,
    CloseAlternatives,
    /// `*` or `?`: the item may match nothing.
    Optional,
    /// `+`.
    OneOrMore,
    /// `.`.
    Anchor,
    /// `@name`.
    Capture,
    /// `"text"`: an anonymous node.
    Literal,
    /// `#predicate!` or `#predicate?`.
    Predicate,
    /// A node kind, `_`, a field name (`name:`) or a negated field (`!name`).
    Word(String),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    let is_word = |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-');
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        match byte {
            b';' => {
                while bytes.get(at).is_some_and(|&b| b != b'\n') {
                    at += 1;
                }
            }
            b'(' => tokens.push(Token::Open),
            b')' => tokens.push(Token::Close),
            b'[' => tokens.push(Token::OpenAlternatives),
            b']' => tokens.push(Token::CloseAlternatives),
            b'*' | b'?' => tokens.push(Token::Optional),
            b'+' => tokens.push(Token::OneOrMore),
            b'.' => tokens.push(Token::Anchor),
            b'"' => {
                loop {
                    match bytes.get(at)? {
                        b'\\' => at += 2,
                        b'"' => break,
                        _ => at += 1,
                    }
                }
                at += 1;
                tokens.push(Token::Literal);
            }
            b'@' | b'#' => {
                while bytes
                    .get(at)
                    .is_some_and(|&b| is_word(b) || matches!(b, b'.' | b'!' | b'?'))
                {
                    at += 1;
                }
                tokens.push(if byte == b'@' {
                    Token::Capture
                } else {
                    Token::Predicate
                });
            }
            b'!' | b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                let start = at - 1;
                while bytes.get(at).is_some_and(|&b| is_word(b)) {
                    at += 1;
                }
                if bytes.get(at) == Some(&b':') {
                    at += 1;
                }
                tokens.push(Token::Word(text.get(start..at)?.to_string()));
            }
            _ if byte.is_ascii_whitespace() => {}
            _ => return None,
        }
    }
    Some(tokens)
}

/// What an item can start with.
struct Start {
    kinds: Vec<String>,
    /// The item may match no node at all (`*`, `?`), so what follows it can start the match.
    optional: bool,
}

struct Reader {
    tokens: Vec<Token>,
    at: usize,
}

impl Reader {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.at + ahead)
    }

    /// One item (node, group or alternatives) with its quantifier and captures.
    fn item(&mut self) -> Option<Start> {
        let mut start = match self.next()? {
            Token::Open => match self.peek(0)? {
                Token::Word(kind) if !kind.ends_with(':') && !kind.starts_with('!') => {
                    let kind = kind.clone();
                    self.at += 1;
                    if kind == "_" {
                        return None;
                    }
                    self.skip_group()?;
                    Start {
                        kinds: vec![kind],
                        optional: false,
                    }
                }
                _ => self.sequence()?,
            },
            Token::OpenAlternatives => {
                let mut kinds = Vec::new();
                let mut optional = false;
                while self.peek(0)? != &Token::CloseAlternatives {
                    let alternative = self.item()?;
                    kinds.extend(alternative.kinds);
                    optional |= alternative.optional;
                }
                self.at += 1;
                Start { kinds, optional }
            }
            _ => return None,
        };
        while let Some(token) = self.peek(0) {
            match token {
                Token::Optional => start.optional = true,
                Token::OneOrMore | Token::Capture => {}
                _ => break,
            }
            self.at += 1;
        }
        Some(start)
    }

    /// The items of a group up to its closing parenthesis: the first that must match ends
    /// the start.
    fn sequence(&mut self) -> Option<Start> {
        let mut kinds = Vec::new();
        let mut settled = false;
        loop {
            match self.peek(0)? {
                Token::Close => {
                    self.at += 1;
                    return Some(Start {
                        kinds,
                        optional: !settled,
                    });
                }
                Token::Anchor => self.at += 1,
                Token::Open if self.peek(1) == Some(&Token::Predicate) => {
                    self.at += 1;
                    self.skip_group()?;
                }
                _ => {
                    let item = self.item()?;
                    if !settled {
                        kinds.extend(item.kinds);
                        settled = !item.optional;
                    }
                }
            }
        }
    }

    /// Skips past the bracket that closes the one just read (nested pairs of either kind).
    fn skip_group(&mut self) -> Option<()> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                Token::Open | Token::OpenAlternatives => depth += 1,
                Token::Close | Token::CloseAlternatives => depth -= 1,
                _ => {}
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::start_kinds;

    fn starts(pattern: &str) -> Option<Vec<String>> {
        start_kinds(pattern)
    }

    fn kinds(names: &[&str]) -> Vec<String> {
        names.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_node_pattern_starts_at_its_kind() {
        assert_eq!(
            starts("(function_definition\n  name: (identifier) @name) @definition.function"),
            Some(kinds(&["function_definition"]))
        );
        assert_eq!(
            starts(
                "; a comment\n(module (expression_statement (assignment left: (identifier) @name) @definition.constant))"
            ),
            Some(kinds(&["module"]))
        );
    }

    #[test]
    fn optional_leading_siblings_add_the_next_item() {
        let go = "(\n  (comment)* @doc\n  .\n  (function_declaration\n    name: (identifier) @name) @definition.function\n  (#strip! @doc \"^//\\\\s*\")\n  (#set-adjacent! @doc @definition.function)\n)";
        assert_eq!(
            starts(go),
            Some(kinds(&["comment", "function_declaration"]))
        );
        let javascript = "(\n  (comment)* @doc\n  .\n  [\n    (class\n      name: (_) @name)\n    (class_declaration\n      name: (_) @name)\n  ] @definition.class\n)";
        assert_eq!(
            starts(javascript),
            Some(kinds(&["comment", "class", "class_declaration"]))
        );
    }

    #[test]
    fn alternatives_and_predicates() {
        assert_eq!(
            starts("([(translation_unit) (declaration_list)] (declaration) @definition.constant)"),
            Some(kinds(&["translation_unit", "declaration_list"]))
        );
        assert_eq!(
            starts(
                "((field_declaration (modifiers) @modifiers) @definition.constant (#match? @modifiers \"final\"))"
            ),
            Some(kinds(&["field_declaration"]))
        );
    }

    #[test]
    fn what_could_start_anywhere_is_refused() {
        assert_eq!(
            starts("(_ name: (identifier) @name) @definition.function"),
            None
        );
        assert_eq!(starts("\"def\" @keyword"), None);
        assert_eq!(starts("((comment)* @doc)"), None);
        assert_eq!(starts("(identifier) @a (identifier) @b"), None);
        assert_eq!(starts("(unclosed"), None);
    }
}
