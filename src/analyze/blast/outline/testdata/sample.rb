# Sample file.
require "json"

LIMIT = 100

class Cart
  def initialize(items)
    @items = items
  end

  def total
    @items.sum
  end

  private

  def secret
    JSON.generate(@items)
  end
end

def helper(cart)
  cart.total
end

def main
  # helper is mentioned in this comment
  label = "helper in a string"
  puts label, helper(Cart.new([1]))
end
