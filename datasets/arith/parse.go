package arith

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// Kinds of parse failure; a *ParseError wraps one of them (use errors.Is).
var (
	ErrSyntax    = errors.New("syntax error")
	ErrOverflow  = errors.New("int64 overflow")
	ErrDivByZero = errors.New("division by zero")
	ErrInexact   = errors.New("inexact division")
	ErrTooDeep   = errors.New("nesting too deep")
)

// maxDepth bounds parenthesis and unary-minus nesting so hostile input cannot
// exhaust the stack. Generated expressions nest at most a few levels.
const maxDepth = 200

// ParseError says where and why an expression could not be evaluated.
type ParseError struct {
	Pos   int    // byte offset of the offending token in the input
	Token string // the offending token ("" at end of input)
	Err   error  // the kind: ErrSyntax, ErrOverflow, ErrDivByZero, ErrInexact or ErrTooDeep
	Msg   string // details
}

// Error implements error.
func (e *ParseError) Error() string {
	tok := "end of input"
	if e.Token != "" {
		tok = fmt.Sprintf("%q", e.Token)
	}
	return fmt.Sprintf("arith: %v at offset %d (%s): %s", e.Err, e.Pos, tok, e.Msg)
}

// Unwrap returns the kind of failure.
func (e *ParseError) Unwrap() error { return e.Err }

// Parse evaluates an expression as the package renders it: decimal integers,
// binary + - * / with the usual precedence and left associativity, unary
// minus, parentheses and blanks. Division must be exact; any int64 overflow,
// division by zero or inexact division is an error, which names the offending
// token and its byte offset.
func Parse(expr string) (int64, error) {
	n, err := parseTree(expr)
	if err != nil {
		return 0, err
	}
	return n.val, nil
}

// parseTree parses expr into a tree with every node's value computed. A unary
// minus directly on a literal folds into a negative literal, so "-5" is the
// leaf -5, as generation builds it.
func parseTree(expr string) (*node, error) {
	p := &parser{s: expr}
	n, err := p.sum()
	if err != nil {
		return nil, err
	}
	p.blank()
	if p.pos < len(p.s) {
		return nil, p.fail(ErrSyntax, "unexpected token after a complete expression")
	}
	return n, nil
}

// parser is a recursive-descent parser over the grammar
//
//	sum     = product { ("+" | "-") product }
//	product = unary { ("*" | "/") unary }
//	unary   = "-" unary | primary
//	primary = number | "(" sum ")"
type parser struct {
	s     string
	pos   int
	depth int
}

func (p *parser) blank() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

// token returns the token at pos: a run of digits or one character.
func (p *parser) token(pos int) string {
	if pos >= len(p.s) {
		return ""
	}
	end := pos
	for end < len(p.s) && isDigit(p.s[end]) {
		end++
	}
	if end == pos {
		_, size := utf8.DecodeRuneInString(p.s[pos:])
		end = pos + size
	}
	return p.s[pos:end]
}

func (p *parser) fail(kind error, msg string) error {
	return p.failAt(p.pos, kind, msg)
}

func (p *parser) failAt(pos int, kind error, msg string) error {
	return &ParseError{Pos: pos, Token: p.token(pos), Err: kind, Msg: msg}
}

func (p *parser) sum() (*node, error) {
	l, err := p.product()
	if err != nil {
		return nil, err
	}
	for {
		p.blank()
		if p.pos >= len(p.s) || (p.s[p.pos] != '+' && p.s[p.pos] != '-') {
			return l, nil
		}
		op, at := p.s[p.pos], p.pos
		p.pos++
		r, err := p.product()
		if err != nil {
			return nil, err
		}
		if l, err = p.combine(op, l, r, at); err != nil {
			return nil, err
		}
	}
}

func (p *parser) product() (*node, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		p.blank()
		if p.pos >= len(p.s) || (p.s[p.pos] != '*' && p.s[p.pos] != '/') {
			return l, nil
		}
		op, at := p.s[p.pos], p.pos
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		if l, err = p.combine(op, l, r, at); err != nil {
			return nil, err
		}
	}
}

func (p *parser) unary() (*node, error) {
	p.blank()
	if p.pos < len(p.s) && p.s[p.pos] == '-' {
		at := p.pos
		p.pos++
		if p.depth++; p.depth > maxDepth {
			return nil, p.failAt(at, ErrTooDeep, fmt.Sprintf("more than %d nested signs or parentheses", maxDepth))
		}
		x, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		if x.val == math.MinInt64 {
			return nil, p.failAt(at, ErrOverflow, "negation of the smallest int64")
		}
		if x.op == opLeaf {
			return &node{op: opLeaf, val: -x.val}, nil
		}
		return &node{op: opNeg, val: -x.val, l: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (*node, error) {
	p.blank()
	if p.pos >= len(p.s) {
		return nil, p.fail(ErrSyntax, "expected a number or \"(\"")
	}
	c := p.s[p.pos]
	switch {
	case isDigit(c):
		start := p.pos
		var v int64
		for p.pos < len(p.s) && isDigit(p.s[p.pos]) {
			d := int64(p.s[p.pos] - '0')
			if v > (math.MaxInt64-d)/10 {
				return nil, p.failAt(start, ErrOverflow, "number does not fit in int64")
			}
			v = v*10 + d
			p.pos++
		}
		return &node{op: opLeaf, val: v}, nil
	case c == '(':
		open := p.pos
		p.pos++
		if p.depth++; p.depth > maxDepth {
			return nil, p.failAt(open, ErrTooDeep, fmt.Sprintf("more than %d nested signs or parentheses", maxDepth))
		}
		n, err := p.sum()
		p.depth--
		if err != nil {
			return nil, err
		}
		p.blank()
		if p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return nil, p.fail(ErrSyntax, fmt.Sprintf("expected \")\" to close \"(\" at offset %d", open))
		}
		p.pos++
		return n, nil
	}
	return nil, p.fail(ErrSyntax, "expected a number or \"(\"")
}

// combine applies a binary operator, checking overflow and exact division.
func (p *parser) combine(op byte, l, r *node, at int) (*node, error) {
	x, y := l.val, r.val
	var v int64
	switch op {
	case '+':
		v = x + y
		if (y > 0 && v < x) || (y < 0 && v > x) {
			return nil, p.failAt(at, ErrOverflow, fmt.Sprintf("%d + %d", x, y))
		}
	case '-':
		v = x - y
		if (y > 0 && v > x) || (y < 0 && v < x) {
			return nil, p.failAt(at, ErrOverflow, fmt.Sprintf("%d - %d", x, y))
		}
	case '*':
		v = x * y
		// Go's multiplication wraps; dividing back detects it. The
		// MinInt64 × -1 cases wrap to a value that divides back correctly.
		if y != 0 && (v/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64)) {
			return nil, p.failAt(at, ErrOverflow, fmt.Sprintf("%d * %d", x, y))
		}
	case '/':
		switch {
		case y == 0:
			return nil, p.failAt(at, ErrDivByZero, fmt.Sprintf("%d / 0", x))
		case x == math.MinInt64 && y == -1:
			return nil, p.failAt(at, ErrOverflow, fmt.Sprintf("%d / -1", x))
		case x%y != 0:
			return nil, p.failAt(at, ErrInexact, fmt.Sprintf("%d is not a multiple of %d", x, y))
		}
		v = x / y
	}
	return &node{op: op, val: v, l: l, r: r}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
