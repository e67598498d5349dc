// Sample module.
import { readFile } from "fs";

export const LIMIT = 100;

export class Cart {
  constructor(items) {
    this.items = items;
  }

  total() {
    return this.items.length;
  }
}

function helper(cart) {
  return cart.total();
}

export function main() {
  // helper is mentioned in this comment
  const cart = new Cart(readFile);
  const label = "helper in a string";
  console.log(label, helper(cart));
}
