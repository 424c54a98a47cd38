package arith

import (
	"math"
	"strconv"
	"strings"
)

// Node kinds besides the binary operators '+', '-', '*', '/'.
const (
	opLeaf byte = 0   // an integer literal (possibly negative)
	opNeg  byte = 'n' // unary minus of a compound expression
)

// node is one node of an expression tree. Every node carries its value, so
// traces can be written without re-evaluating.
type node struct {
	op   byte  // opLeaf, opNeg or a binary operator
	val  int64 // the literal, or the node's value
	l, r *node // operands; opNeg uses l only
	step int   // position in evaluation order (internal nodes); set by steps
}

// prec is the binding strength used when rendering: literals and negations
// bind tightest, then * and /, then + and -.
func prec(n *node) int {
	switch n.op {
	case '+', '-':
		return 1
	case '*', '/':
		return 2
	}
	return 3
}

// render writes the expression with the fewest parentheses standard
// precedence needs. Negative literals are written bare ("-5") only where a
// reader expects a leading minus, at the start of the expression or right
// after "(", and as "(-5)" after an operator, which keeps "3 - (-5)" readable
// and parses back to the same value.
//
// A right operand of equal precedence is parenthesised only under - and /:
// "a + (b - c)" is written "a + b - c" and "a * (b / c)" as "a * b / c".
// Both read back as left-associated trees with the same value; generation
// re-parses what it renders, so problems always use the tree the text denotes.
//
// Nodes whose step is < upto are written as their value; render(n, 0) is the
// whole expression and later values of upto show it partly evaluated.
func render(n *node, upto int) string {
	var b strings.Builder
	writeNode(&b, n, true, upto)
	return b.String()
}

func writeNode(b *strings.Builder, n *node, first bool, upto int) {
	if n.op == opLeaf || (n.step >= 0 && n.step < upto) {
		if n.val < 0 && !first {
			b.WriteString("(" + itoa(n.val) + ")")
		} else {
			b.WriteString(itoa(n.val))
		}
		return
	}
	if n.op == opNeg {
		if !first {
			b.WriteByte('(')
		}
		b.WriteString("-(")
		writeNode(b, n.l, true, upto)
		b.WriteByte(')')
		if !first {
			b.WriteByte(')')
		}
		return
	}
	writeChild(b, n, n.l, false, first, upto)
	b.WriteString(" " + string(n.op) + " ")
	writeChild(b, n, n.r, true, false, upto)
}

func writeChild(b *strings.Builder, parent, child *node, right, first bool, upto int) {
	pc, pp := prec(child), prec(parent)
	if child.step >= 0 && child.step < upto {
		pc = 3 // shown as a number
	}
	paren := pc < pp || (right && pc == pp && (parent.op == '-' || parent.op == '/'))
	if paren {
		b.WriteByte('(')
		writeNode(b, child, true, upto)
		b.WriteByte(')')
		return
	}
	writeNode(b, child, first, upto)
}

// itoa formats an int64 in decimal.
func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// step is one evaluated operation: x op y = v (op opNeg: -(x) = v).
type step struct {
	op      byte
	x, y, v int64
}

// steps returns the internal nodes in evaluation order (post-order, left
// operand first) and numbers them, so render can show partial results.
func steps(root *node) []step {
	var out []step
	var walk func(n *node)
	walk = func(n *node) {
		n.step = -1
		switch n.op {
		case opLeaf:
			return
		case opNeg:
			walk(n.l)
			n.step = len(out)
			out = append(out, step{op: opNeg, x: n.l.val, v: n.val})
		default:
			walk(n.l)
			walk(n.r)
			n.step = len(out)
			out = append(out, step{op: n.op, x: n.l.val, y: n.r.val, v: n.val})
		}
	}
	walk(root)
	return out
}

// stepsRightFirst is steps in another valid order: right operand first. The
// long trace's double-check uses it.
func stepsRightFirst(root *node) []step {
	var out []step
	var walk func(n *node)
	walk = func(n *node) {
		switch n.op {
		case opLeaf:
			return
		case opNeg:
			walk(n.l)
			out = append(out, step{op: opNeg, x: n.l.val, v: n.val})
		default:
			walk(n.r)
			walk(n.l)
			out = append(out, step{op: n.op, x: n.l.val, y: n.r.val, v: n.val})
		}
	}
	walk(root)
	return out
}

// eqText writes "x op y = v": a negative left operand bare, a negative right
// operand in parentheses, as render does.
func eqText(x int64, op byte, y, v int64) string {
	return lhsText(x, op, y) + " = " + itoa(v)
}

// lhsText writes "x op y" (for opNeg: "-(x)").
func lhsText(x int64, op byte, y int64) string {
	if op == opNeg {
		return "-(" + itoa(x) + ")"
	}
	return itoa(x) + " " + string(op) + " " + operand(y)
}

// operand writes a right operand: negative numbers in parentheses.
func operand(v int64) string {
	if v < 0 {
		return "(" + itoa(v) + ")"
	}
	return itoa(v)
}

// text is eqText for a step.
func (s step) text() string { return eqText(s.x, s.op, s.y, s.v) }

// lhs is lhsText for a step.
func (s step) lhs() string { return lhsText(s.x, s.op, s.y) }

// maxAbs returns the largest |value| of any node in the tree.
func maxAbs(n *node) int64 {
	m := abs(n.val)
	if n.l != nil {
		m = max(m, maxAbs(n.l))
	}
	if n.r != nil {
		m = max(m, maxAbs(n.r))
	}
	return m
}

// abs is |v|, saturating at MaxInt64 for MinInt64 (which Parse can produce).
func abs(v int64) int64 {
	if v == math.MinInt64 {
		return math.MaxInt64
	}
	if v < 0 {
		return -v
	}
	return v
}
