"""Sample module."""
import os

LIMIT = 100


class Cart:
    def __init__(self, items):
        self.items = items

    def total(self) -> int:
        return sum(self.items)


def _helper(cart: Cart) -> int:
    return cart.total()


def main():
    # _helper is mentioned in this comment
    cart = Cart(os.environ)
    label = "_helper in a string"
    print(label, _helper(cart))
