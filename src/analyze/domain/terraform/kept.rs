//! Parsed Terraform files kept in the analysis cache, by syntax and bytes.
//!
//! The readers of a change (each side's blocks, files moved out of a module, local modules,
//! variable defaults and the module directories they read from the base tree) each parse the
//! files they need; a warm check parsed every changed file three to five times, two thirds of
//! its CPU time on a 116-file Terraform change. A file's blocks depend on its syntax (HCL or
//! JSON, from its name) and its bytes only, so they are kept like the security constructs.

use super::model::{Attr, Block, Value};
use super::{files, parse_file};
use crate::analyze::blast::cache::Cache;
use crate::analyze::blast::cache::derived::{self, Decoder, Derived, Encoder};

/// Deepest nesting of blocks and values read back; what the parser keeps is far shallower
/// (its trees are measured first), so a deeper entry is not one this code wrote.
const DEEPEST: u32 = 1024;

/// Parses loaded Terraform files, through the analysis cache when there is one.
#[derive(Clone, Copy)]
pub struct Parser<'c> {
    cache: Option<&'c Cache>,
}

impl<'c> Parser<'c> {
    /// Parses through `cache`.
    #[must_use]
    pub fn kept_in(cache: &'c Cache) -> Parser<'c> {
        Parser { cache: Some(cache) }
    }

    /// Parses every time.
    #[must_use]
    pub fn uncached() -> Parser<'static> {
        Parser { cache: None }
    }

    /// The top-level blocks of the loaded Terraform file `path` whose content is `content`
    /// ([`parse_file`]); a file that does not parse is not kept, and is parsed again.
    pub fn blocks(self, path: &str, content: &[u8]) -> Result<Vec<Block>, String> {
        let (Some(cache), Some(syntax)) = (self.cache, files::loaded(path)) else {
            return parse_file(path, content);
        };
        let syntax: &[u8] = match syntax {
            files::Notation::Hcl => b"hcl",
            files::Notation::Json => b"json",
        };
        cache
            .derived(&derived::digest(&[syntax, content]), || {
                parse_file(path, content).map(Blocks)
            })
            .map(|blocks| blocks.0)
    }
}

/// What one entry holds.
struct Blocks(Vec<Block>);

impl Derived for Blocks {
    const KIND: &'static str = "terraform";

    fn encode(&self, out: &mut Encoder) {
        blocks(out, &self.0);
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        read_blocks(input, 0).map(Blocks)
    }
}

fn blocks(out: &mut Encoder, blocks: &[Block]) {
    out.number(blocks.len() as u64);
    for block in blocks {
        out.bytes(block.kind.as_bytes());
        out.number(block.labels.len() as u64);
        for label in &block.labels {
            out.bytes(label.as_bytes());
        }
        out.number(u64::from(block.line));
        out.number(block.attrs.len() as u64);
        for attr in &block.attrs {
            out.bytes(attr.name.as_bytes());
            value(out, &attr.value);
            out.number(u64::from(attr.line));
        }
        self::blocks(out, &block.blocks);
    }
}

fn value(out: &mut Encoder, value: &Value) {
    match value {
        Value::Str(text) => {
            out.number(0);
            out.bytes(text.as_bytes());
        }
        Value::Num(text) => {
            out.number(1);
            out.bytes(text.as_bytes());
        }
        Value::Bool(flag) => out.number(if *flag { 2 } else { 3 }),
        Value::Null => out.number(4),
        Value::List(items) => {
            out.number(5);
            out.number(items.len() as u64);
            for item in items {
                self::value(out, item);
            }
        }
        Value::Map(entries) => {
            out.number(6);
            out.number(entries.len() as u64);
            for (key, item) in entries {
                out.bytes(key.as_bytes());
                self::value(out, item);
            }
        }
        Value::Expr(text) => {
            out.number(7);
            out.bytes(text.as_bytes());
        }
    }
}

fn read_blocks(input: &mut Decoder<'_>, depth: u32) -> Option<Vec<Block>> {
    if depth > DEEPEST {
        return None;
    }
    let mut out = Vec::new();
    for _ in 0..input.count()? {
        let kind = input.string()?;
        let mut labels = Vec::new();
        for _ in 0..input.count()? {
            labels.push(input.string()?);
        }
        let line = input.small()?;
        let mut attrs = Vec::new();
        for _ in 0..input.count()? {
            attrs.push(Attr {
                name: input.string()?,
                value: read_value(input, depth + 1)?,
                line: input.small()?,
            });
        }
        out.push(Block {
            kind,
            labels,
            line,
            attrs,
            blocks: read_blocks(input, depth + 1)?,
        });
    }
    Some(out)
}

fn read_value(input: &mut Decoder<'_>, depth: u32) -> Option<Value> {
    if depth > DEEPEST {
        return None;
    }
    Some(match input.number()? {
        0 => Value::Str(input.string()?),
        1 => Value::Num(input.string()?),
        2 => Value::Bool(true),
        3 => Value::Bool(false),
        4 => Value::Null,
        5 => {
            let mut items = Vec::new();
            for _ in 0..input.count()? {
                items.push(read_value(input, depth + 1)?);
            }
            Value::List(items)
        }
        6 => {
            let mut entries = Vec::new();
            for _ in 0..input.count()? {
                entries.push((input.string()?, read_value(input, depth + 1)?));
            }
            Value::Map(entries)
        }
        7 => Value::Expr(input.string()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &[u8] = br#"resource "aws_db_instance" "db" {
  count    = var.on ? 1 : 0
  engine   = "postgres"
  port     = 5432
  deletion_protection = false
  tags     = { team = "data", cost = null }
  zones    = ["a", "b"]
  lifecycle {
    prevent_destroy = true
  }
}
"#;

    /// Blocks read back from the cache, in this run and the next, are the parser's own, for
    /// HCL and JSON; a file that does not parse gives the same error each time.
    #[test]
    fn kept_blocks_are_the_parsed_blocks() {
        let json =
            br#"{"resource": {"aws_s3_bucket": {"logs": {"bucket": "x", "force_destroy": true}}}}"#;
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, content) in [("main.tf", MAIN), ("main.tf.json", json.as_slice())] {
            let parsed = parse_file(path, content).expect("parses");
            assert!(!parsed.is_empty());
            let cache = Cache::open(dir.path());
            assert_eq!(
                Parser::kept_in(&cache).blocks(path, content),
                Ok(parsed.clone())
            );
            assert_eq!(
                Parser::kept_in(&cache).blocks(path, content),
                Ok(parsed.clone())
            );
            drop(cache);
            let next = Cache::open(dir.path());
            assert_eq!(Parser::kept_in(&next).blocks(path, content), Ok(parsed));
        }
        let broken = b"resource \"a\" \"b\" {\n";
        let cache = Cache::open(dir.path());
        let expected = parse_file("broken.tf", broken);
        assert!(expected.is_err());
        assert_eq!(
            Parser::kept_in(&cache).blocks("broken.tf", broken),
            expected
        );
    }

    /// The same bytes under a JSON name are another entry, not the HCL blocks.
    #[test]
    fn syntax_is_part_of_the_entry() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path());
        let parser = Parser::kept_in(&cache);
        assert!(parser.blocks("main.tf", MAIN).is_ok());
        assert_eq!(
            parser.blocks("main.tf.json", MAIN),
            parse_file("main.tf.json", MAIN)
        );
        assert!(parser.blocks("main.tf.json", MAIN).is_err());
    }
}
