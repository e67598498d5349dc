<?php
// Sample file.
namespace Shop;

use Shop\Models\Item;

const LIMIT = 100;

class Cart
{
    private array $items = [];

    public function total(): int
    {
        return count($this->items);
    }

    protected function add(Item $item): void
    {
        $this->items[] = $item;
    }
}

function helper(Cart $cart): int
{
    return $cart->total();
}

function main()
{
    // helper is mentioned in this comment
    $label = "helper in a string";
    echo $label . helper(new Cart());
}
