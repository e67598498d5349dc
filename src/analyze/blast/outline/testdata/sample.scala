// Sample file.
package shop

import scala.collection.mutable

object Shop {
  val Limit = 100

  class Cart(items: List[Int]) {
    def total(): Int = items.sum
  }

  private def helper(cart: Cart): Int = {
    cart.total()
  }

  def main(args: Array[String]): Unit = {
    // helper is mentioned in this comment
    val label = "helper in a string"
    println(label + helper(new Cart(List(1))))
  }
}
