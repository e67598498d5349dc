// Sample module.
import { Item } from "./item";

export const LIMIT: number = 100;

export interface Priced {
  price(): number;
}

export class Cart implements Priced {
  private items: Item[] = [];

  price(): number {
    return this.items.length;
  }
}

function helper(cart: Cart): number {
  return cart.price();
}

export function main(): void {
  // helper is mentioned in this comment
  const label = "helper in a string";
  console.log(label, helper(new Cart()));
}
