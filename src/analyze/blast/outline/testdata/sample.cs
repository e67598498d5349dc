// Sample file.
using System.Collections.Generic;

namespace Shop
{
    public class Cart
    {
        public const int Limit = 100;
        private List<int> items = new List<int>();

        internal int Total()
        {
            return items.Count;
        }

        private static int Helper(Cart cart)
        {
            return cart.Total();
        }

        public static void Main()
        {
            // Helper is mentioned in this comment
            var label = "Helper in a string";
            System.Console.WriteLine(label + Helper(new Cart()));
        }
    }
}
