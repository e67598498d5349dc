// Sample file.
#include <vector>

namespace shop {

const int LIMIT = 100;

class Cart {
public:
    int total() const { return items.size(); }
private:
    std::vector<int> items;
};

static int helper(const Cart &cart) {
    return cart.total();
}

int main() {
    // helper is mentioned in this comment
    const char *label = "helper in a string";
    return helper(Cart()) + sizeof(label);
}

}
