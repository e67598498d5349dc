/* Sample file. */
#include <stdio.h>

#define LIMIT 100

struct cart {
    int items;
};

static int helper(struct cart *c)
{
    return c->items;
}

int main(void)
{
    /* helper is mentioned in this comment */
    struct cart c = { LIMIT };
    const char *label = "helper in a string";
    printf("%s %d\n", label, helper(&c));
    return 0;
}
