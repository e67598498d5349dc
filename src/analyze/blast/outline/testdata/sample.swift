// Sample file.
import Foundation

let limit = 100

public struct Cart {
    var items: [Int]

    public func total() -> Int {
        return items.reduce(0, +)
    }
}

private func helper(cart: Cart) -> Int {
    return cart.total()
}

func main() {
    // helper is mentioned in this comment
    let label = "helper in a string"
    print(label, helper(cart: Cart(items: [1])))
}
