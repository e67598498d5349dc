// Sample file.
package shop

import kotlin.math.max

const val LIMIT = 100

class Cart(private val items: List<Int>) {
    fun total(): Int {
        return max(items.sum(), 0)
    }

    internal fun size(): Int = items.size
}

private fun helper(cart: Cart): Int {
    return cart.total()
}

fun main() {
    // helper is mentioned in this comment
    val label = "helper in a string"
    println(label + helper(Cart(listOf(1))))
}
