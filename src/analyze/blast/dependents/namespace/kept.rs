//! A file's namespace and imports kept in the cache ([`super::scope_kept`]); the blanked text
//! is not kept (it is as large as the file, and only qualified uses need it).

use super::{Binds, FileScope, Home, Import};
use crate::analyze::blast::cache::derived::{Decoder, Derived, Encoder};

impl Derived for FileScope {
    const KIND: &'static str = "namespace";

    fn encode(&self, out: &mut Encoder) {
        out.strings(&self.home.segments);
        out.optional(self.home.package.as_deref());
        out.flag(self.home.global);
        out.number(self.imports.len() as u64);
        for import in &self.imports {
            out.optional(import.package.as_deref());
            out.strings(&import.path);
            match &import.binds {
                Binds::Names(names) => {
                    out.number(0);
                    out.strings(names);
                }
                Binds::Module(alias) => {
                    out.number(1);
                    out.optional(alias.as_deref());
                }
                Binds::Everything => out.number(2),
            }
        }
        out.flag(self.dynamic);
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        let home = Home {
            segments: input.strings()?,
            package: input.optional().ok()?,
            global: input.flag()?,
        };
        let mut imports = Vec::new();
        for _ in 0..input.count()? {
            let package = input.optional().ok()?;
            let path = input.strings()?;
            let binds = match input.number()? {
                0 => Binds::Names(input.strings()?),
                1 => Binds::Module(input.optional().ok()?),
                2 => Binds::Everything,
                _ => return None,
            };
            imports.push(Import {
                package,
                path,
                binds,
            });
        }
        Some(FileScope {
            home,
            imports,
            dynamic: input.flag()?,
            code: std::sync::OnceLock::new(),
        })
    }
}
