//! A version's constructs kept in the cache ([`crate::analyze::blast::cache::derived`]): a warm
//! check then reads no changed file's tree for security constructs. Classes are kept by id and
//! found again in the tables.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::matcher::{Construct, Constructs, Scope};
use super::rows;
use super::shape::Class;
use crate::analyze::blast::cache::derived::{Decoder, Derived, Encoder};

/// Every class of every table, by id.
static CLASSES: LazyLock<HashMap<&'static str, &'static Class>> = LazyLock::new(|| {
    rows::TABLES
        .iter()
        .flat_map(|table| table.rows.iter())
        .map(|(class, _)| (class.id, *class))
        .collect()
});

impl Derived for Constructs {
    const KIND: &'static str = "security";

    fn encode(&self, out: &mut Encoder) {
        out.number(self.found.len() as u64);
        for found in &self.found {
            out.bytes(found.class.id.as_bytes());
            out.bytes(found.scope.name.as_bytes());
            out.number(u64::from(found.scope.function));
            out.number(u64::from(found.line));
            out.bytes(found.text.as_bytes());
        }
        // Sorted, so the same constructs always make the same bytes.
        let mut bodies: Vec<(&String, &u64)> = self.bodies.iter().collect();
        bodies.sort();
        out.number(bodies.len() as u64);
        for (name, hash) in bodies {
            out.bytes(name.as_bytes());
            out.number(*hash);
        }
    }

    fn decode(input: &mut Decoder<'_>) -> Option<Self> {
        let mut constructs = Constructs::default();
        for _ in 0..input.count()? {
            let class = *CLASSES.get(input.string()?.as_str())?;
            let name = input.string()?;
            let function = match input.number()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            constructs.found.push(Construct {
                class,
                scope: Scope { name, function },
                line: input.small()?,
                text: input.string()?,
            });
        }
        for _ in 0..input.count()? {
            let name = input.string()?;
            constructs.bodies.insert(name, input.number()?);
        }
        Some(constructs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A class id names one class: a kept construct comes back with the class it was found as.
    #[test]
    fn class_ids_name_one_class_each() {
        for table in rows::TABLES {
            for (class, _) in table.rows {
                assert!(
                    std::ptr::eq(CLASSES[class.id], *class),
                    "two classes share the id {}",
                    class.id
                );
            }
        }
    }
}
