package arith

import "fmt"

// MaxLevel is the hardest level; levels run 1..MaxLevel like MATH's.
const MaxLevel = 5

// MaxAbs bounds every value in a generated problem: every operand, every
// intermediate result and the answer satisfy |v| ≤ MaxAbs (kk.md §10.1). It
// keeps numbers, and so traces, short.
const MaxAbs = 100_000

// LevelSpec is the size of the problems of one level (the table of kk.md §10.1).
type LevelSpec struct {
	Level      int   // 1..MaxLevel
	MinOps     int   // fewest binary operators
	MaxOps     int   // most binary operators
	MaxOperand int64 // operands have magnitude 1..MaxOperand
	Negatives  bool  // operands may be negative (written with a unary minus)
	NeedDiv    bool  // every problem has at least one division
}

var levelSpecs = [MaxLevel]LevelSpec{
	{Level: 1, MinOps: 1, MaxOps: 2, MaxOperand: 20},
	{Level: 2, MinOps: 2, MaxOps: 3, MaxOperand: 50},
	{Level: 3, MinOps: 3, MaxOps: 4, MaxOperand: 99},
	{Level: 4, MinOps: 4, MaxOps: 5, MaxOperand: 99, Negatives: true},
	{Level: 5, MinOps: 5, MaxOps: 6, MaxOperand: 99, Negatives: true, NeedDiv: true},
}

// Spec returns the specification of a level, or an error if the level is
// outside 1..MaxLevel.
func Spec(level int) (LevelSpec, error) {
	if level < 1 || level > MaxLevel {
		return LevelSpec{}, fmt.Errorf("arith: level %d out of range 1..%d", level, MaxLevel)
	}
	return levelSpecs[level-1], nil
}
