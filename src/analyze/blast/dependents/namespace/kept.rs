//! A file's namespace and imports kept in the cache ([`super::scope_kept`]); the blanked text
//! is not kept (it is as large as the file, and only qualified uses need it).

use super::{Binds, Home, Import, Scope};
use crate::analyze::blast::cache::derived::{Decoder, Derived, Encoder};

impl Derived for Scope {
    const KIND: &'static str = "namespace";

    fn encode(&self, out: &mut Encoder) {
        strings(out, &self.home.segments);
        optional(out, self.home.package.as_deref());
        out.number(u64::from(self.home.global));
        out.number(self.imports.len() as u64);
        for import in &self.imports {
            optional(out, import.package.as_deref());
            strings(out, &import.path);
            match &import.binds {
                Binds::Names(names) => {
                    out.number(0);
                    strings(out, names);
                }
                Binds::Module(alias) => {
                    out.number(1);
                    optional(out, alias.as_deref());
                }
                Binds::Everything => out.number(2),
            }
        }
        out.number(u64::from(self.dynamic));
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        let home = Home {
            segments: read_strings(input)?,
            package: read_optional(input).ok()?,
            global: read_bool(input)?,
        };
        let mut imports = Vec::new();
        for _ in 0..input.count()? {
            let package = read_optional(input).ok()?;
            let path = read_strings(input)?;
            let binds = match input.number()? {
                0 => Binds::Names(read_strings(input)?),
                1 => Binds::Module(read_optional(input).ok()?),
                2 => Binds::Everything,
                _ => return None,
            };
            imports.push(Import {
                package,
                path,
                binds,
            });
        }
        Some(Scope {
            home,
            imports,
            dynamic: read_bool(input)?,
            code: std::sync::OnceLock::new(),
        })
    }
}

fn strings(out: &mut Encoder, strings: &[String]) {
    out.number(strings.len() as u64);
    for string in strings {
        out.bytes(string.as_bytes());
    }
}

fn optional(out: &mut Encoder, string: Option<&str>) {
    match string {
        None => out.number(0),
        Some(string) => {
            out.number(1);
            out.bytes(string.as_bytes());
        }
    }
}

fn read_strings(input: &mut Decoder<'_>) -> Option<Vec<String>> {
    (0..input.count()?).map(|_| input.string()).collect()
}

/// The input does not read as an entry.
struct Corrupt;

/// What [`optional`] wrote.
fn read_optional(input: &mut Decoder<'_>) -> Result<Option<String>, Corrupt> {
    match input.number().ok_or(Corrupt)? {
        0 => Ok(None),
        1 => Ok(Some(input.string().ok_or(Corrupt)?)),
        _ => Err(Corrupt),
    }
}

fn read_bool(input: &mut Decoder<'_>) -> Option<bool> {
    match input.number()? {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}
