package arith

import "strings"

// This file writes the teacher's school-style arithmetic: column addition,
// column subtraction with borrows, multiplication by one digit with carries,
// splitting a factor by place value, and casting out nines. Every equation it
// writes is true; the tests check each one with Parse.

// placeNames name the first columns. Only 100000 (= MaxAbs) has a sixth
// digit, too rare to earn the words "hundred thousands"; it and longer
// numbers in hand-written problems use "column 6" and so on.
var placeNames = []string{"ones", "tens", "hundreds", "thousands", "ten thousands"}

// placeName names column i (0 = ones).
func placeName(i int) string {
	if i < len(placeNames) {
		return placeNames[i]
	}
	return "column " + itoa(int64(i+1))
}

// digits returns the decimal digits of n ≥ 0, least significant first.
func digits(n int64) []int64 {
	if n == 0 {
		return []int64{0}
	}
	var d []int64
	for ; n > 0; n /= 10 {
		d = append(d, n%10)
	}
	return d
}

// columnAdd writes a + b (a, b ≥ 0) column by column with carries.
func columnAdd(w *writer, a, b int64) {
	w.say("I line up the digits and add column by column.")
	da, db := digits(a), digits(b)
	carry := int64(0)
	for i := 0; i < max(len(da), len(db)); i++ {
		var terms []int64
		if i < len(da) {
			terms = append(terms, da[i])
		}
		if i < len(db) {
			terms = append(terms, db[i])
		}
		if carry > 0 {
			terms = append(terms, carry)
		}
		if len(terms) == 1 {
			w.say("In the " + placeName(i) + ", I bring down " + itoa(terms[0]) + ".")
			carry = 0
			continue
		}
		s := int64(0)
		parts := make([]string, len(terms))
		for j, t := range terms {
			s += t
			parts[j] = itoa(t)
		}
		sent := "In the " + placeName(i) + ": " + strings.Join(parts, " + ") + " = " + itoa(s)
		if s >= 10 {
			sent += ", so I write " + itoa(s%10) + " and carry " + itoa(s/10) + "."
		} else {
			sent += ", so I write " + itoa(s) + "."
		}
		w.say(sent)
		carry = s / 10
	}
	if carry > 0 {
		w.say("The last carry " + itoa(carry) + " goes in front.")
	}
	w.say("Reading the digits gives " + itoa(a+b) + ".")
}

// columnSub writes a - b (a ≥ b ≥ 0) column by column with borrows.
func columnSub(w *writer, a, b int64) {
	w.say("I line up the digits and subtract column by column.")
	da, db := digits(a), digits(b)
	borrow := int64(0)
	for i := range da {
		top := da[i]
		sent := "In the " + placeName(i) + ": "
		if borrow > 0 {
			sent += "after the borrow, " + itoa(top) + " - 1 = " + itoa(top-1) + ", and "
			top--
		}
		if i >= len(db) && top >= 0 {
			if borrow == 0 {
				w.say("In the " + placeName(i) + ", I bring down " + itoa(top) + ".")
			} else {
				w.say(sent + "I write " + itoa(top) + ".")
			}
			borrow = 0
			continue
		}
		var bot int64
		if i < len(db) {
			bot = db[i]
		}
		if top < bot {
			sent += itoa(top) + " is smaller than " + itoa(bot) + ", so I borrow ten: " +
				eqText(top+10, '-', bot, top+10-bot) + "."
			borrow = 1
		} else {
			sent += eqText(top, '-', bot, top-bot) + "."
			borrow = 0
		}
		w.say(sent)
	}
	w.say("Reading the digits gives " + itoa(a-b) + ".")
}

// columnMulDigit writes a * d (a ≥ 10, 0 ≤ d ≤ 9) digit by digit with carries.
func columnMulDigit(w *writer, a, d int64) {
	w.say("I multiply " + itoa(d) + " by each digit of " + itoa(a) + ", from the right.")
	da := digits(a)
	carry := int64(0)
	for i, x := range da {
		p := d * x
		sent := "In the " + placeName(i) + ": " + eqText(d, '*', x, p)
		s := p + carry
		if carry > 0 {
			sent += ", plus the carry: " + eqText(p, '+', carry, s)
		}
		switch {
		case i == len(da)-1:
			sent += ", so I write " + itoa(s) + "."
		case s >= 10:
			sent += ", so I write " + itoa(s%10) + " and carry " + itoa(s/10) + "."
		default:
			sent += ", so I write " + itoa(s) + "."
		}
		w.say(sent)
		carry = s / 10
		if i == len(da)-1 {
			carry = 0
		}
	}
	w.say("Reading the digits gives " + itoa(a*d) + ".")
}

// placeParts splits n ≥ 0 into its non-zero place values, largest first:
// 407 → [400, 7].
func placeParts(n int64) []int64 {
	var parts []int64
	p := int64(1)
	for ; n > 0; n /= 10 {
		if n%10 != 0 {
			parts = append([]int64{n % 10 * p}, parts...)
		}
		p *= 10
	}
	return parts
}

// joinNums joins numbers with " + ".
func joinNums(xs []int64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = itoa(x)
	}
	return strings.Join(s, " + ")
}

// mulDetail explains a * b for a, b ≥ 0 at the given verbosity (≥ 2):
// verbosity 2 splits a factor by place value; 3 also multiplies digit by digit
// and adds the partial products in columns.
func mulDetail(w *writer, a, b int64, verb int) {
	// The longer number goes on top, as on paper; between equally long ones,
	// the one with fewer non-zero digits goes below (fewer partial products).
	if la, lb := len(digits(a)), len(digits(b)); lb > la || (lb == la && len(placeParts(b)) > len(placeParts(a))) {
		a, b = b, a
	}
	switch {
	case a < 10 || b <= 1:
		return // a times-table fact
	case b < 10:
		if verb >= 3 {
			columnMulDigit(w, a, b)
			return
		}
		parts := placeParts(a)
		if len(parts) < 2 {
			return
		}
		prods := make([]int64, len(parts))
		terms := make([]string, len(parts))
		for i, p := range parts {
			prods[i] = p * b
			terms[i] = itoa(p) + " * " + itoa(b)
		}
		w.say("By place value, " + itoa(a) + " * " + itoa(b) + " = " + strings.Join(terms, " + ") +
			" = " + joinNums(prods) + " = " + itoa(a*b) + ".")
		return
	}
	parts := placeParts(b)
	if len(parts) > 1 {
		w.say("I split " + itoa(b) + " by place value: " + itoa(b) + " = " + joinNums(parts) + ".")
	}
	prods := make([]int64, len(parts))
	for i, p := range parts {
		prods[i] = a * p
		d, zeros := p, 0
		for d >= 10 {
			d /= 10
			zeros++
		}
		if verb >= 3 && d > 1 {
			columnMulDigit(w, a, d)
		}
		shift := "one place"
		if zeros > 1 {
			shift = itoa(int64(zeros)) + " places"
		}
		switch {
		case zeros == 0:
			w.say("So " + eqText(a, '*', p, a*p) + ".")
		case verb < 3 && d > 1:
			w.say("Since " + eqText(a, '*', d, a*d) + ", shifting by " + shift + " gives " + eqText(a, '*', p, a*p) + ".")
		default:
			w.say("Shifting " + itoa(a*d) + " by " + shift + " gives " + eqText(a, '*', p, a*p) + ".")
		}
	}
	if len(prods) < 2 {
		return
	}
	w.say("Now I add the partial products.")
	if verb >= 3 && len(prods) == 2 && prods[1] >= 10 {
		columnAdd(w, prods[0], prods[1])
		return
	}
	w.say(joinNums(prods) + " = " + itoa(a*b) + ".")
}

// digitRoot writes how casting out nines reduces n ≥ 0 to one digit
// ("4 + 7 = 11, and 1 + 1 = 2") and returns that digit.
func digitRoot(n int64) (string, int64) {
	if n < 10 {
		return itoa(n), n
	}
	var steps []string
	for n >= 10 {
		ds := digits(n)
		s := int64(0)
		parts := make([]string, len(ds))
		for i := range ds {
			d := ds[len(ds)-1-i]
			parts[i] = itoa(d)
			s += d
		}
		steps = append(steps, strings.Join(parts, " + ")+" = "+itoa(s))
		n = s
	}
	return strings.Join(steps, ", and "), n
}

// castOutNines writes the casting-out-nines check of a * b = m (a, b ≥ 0).
func castOutNines(w *writer, a, b, m int64, signed bool) {
	intro := "Casting out nines for " + itoa(a) + " * " + itoa(b)
	if signed {
		intro += ", ignoring the signs"
	}
	w.say(intro + ".")
	ta, ra := digitRoot(a)
	tb, rb := digitRoot(b)
	w.say("The digits of " + itoa(a) + " give " + ta + ".")
	w.say("The digits of " + itoa(b) + " give " + tb + ".")
	p := ra * rb
	tp, rp := digitRoot(p)
	if p < 10 {
		w.say("Then " + eqText(ra, '*', rb, p) + ".")
	} else {
		w.say("Then " + eqText(ra, '*', rb, p) + ", and " + tp + ".")
	}
	tm, rm := digitRoot(m)
	w.say("The digits of " + itoa(m) + " give " + tm + ".")
	if rp == rm {
		w.say("Both sides give " + itoa(rm) + ", so the product checks out.")
	}
}
