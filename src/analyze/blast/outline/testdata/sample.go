// Package sample is a sample.
package sample

import "fmt"

// Limit is the largest total.
const Limit = 100

type Cart struct {
	items []int
}

func (c *Cart) Total() int {
	return len(c.items)
}

func helper(cart *Cart) int {
	return cart.Total()
}

func Main() {
	// helper is mentioned in this comment
	label := "helper in a string"
	fmt.Println(label, helper(&Cart{}))
}
