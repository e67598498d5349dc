package sample;

import java.util.List;

public class Cart {
    public static final int LIMIT = 100;
    private List<Integer> items;

    int total() {
        return items.size();
    }

    private static int helper(Cart cart) {
        return cart.total();
    }

    public static void main(String[] args) {
        // helper is mentioned in this comment
        String label = "helper in a string";
        System.out.println(label + helper(new Cart()));
    }
}
