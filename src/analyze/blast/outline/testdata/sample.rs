//! Sample module.
use std::collections::HashMap;

/// Largest allowed total.
pub const LIMIT: u32 = 100;

pub struct Cart {
    items: HashMap<String, u32>,
}

impl Cart {
    pub(crate) fn total(&self) -> u32 {
        self.items.values().sum()
    }
}

fn helper(cart: &Cart) -> u32 {
    cart.total()
}

pub fn main() {
    // helper is mentioned in this comment
    let cart = Cart { items: HashMap::new() };
    let label = "helper in a string";
    println!("{label} {}", helper(&cart));
}
