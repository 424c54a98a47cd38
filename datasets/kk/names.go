package kk

import "strings"

// CommonNames are mem-kk-logic's COMMON_NAMES, the pool the formatter draws
// people's names from. The order is part of the RNG contract: the formatter
// picks indices into this slice, so reordering it changes every puzzle.
var CommonNames = []string{
	"Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia",
	"Mason", "Isabella", "William", "Mia", "James", "Charlotte",
	"Benjamin", "Amelia", "Lucas", "Harper", "Henry", "Evelyn",
	"Alexander", "Abigail", "Michael", "Emily", "Daniel", "Elizabeth",
	"Jacob", "Sofia", "Logan", "Avery", "Jackson", "Ella", "Sebastian",
	"Scarlett", "Jack", "Grace", "Aiden", "Chloe", "Owen", "Victoria",
	"Samuel", "Riley", "Matthew", "Aria", "Joseph", "Lily", "Luke",
	"Aurora", "David", "Zoey", "Oliver", "Penelope",
}

// Templates are mem-kk-logic's 18 saying templates, in its order (the
// formatter draws an index per person). {name} is the speaker and {content}
// the statement without a final period. Template 2 puts the period inside
// the quotes; all others put it outside — a quirk of the data, kept.
var Templates = []string{
	`{name} said that {content}.`,
	`{name} told you that {content}.`,
	`{name} said, "{content}."`,
	`{name} stated, "{content}".`,
	`According to {name}, "{content}".`,
	`In {name}'s words: "{content}".`,
	`{name} remarked, "{content}".`,
	`"{content}," {name} declared.`,
	`{name} was heard saying, "{content}".`,
	`{name} expressed that {content}.`,
	`"{content}" - {name}.`,
	`As {name} put it, "{content}".`,
	`{name} asserted: "{content}".`,
	`"{content}," {name} mentioned.`,
	`{name} commented, "{content}".`,
	`In a statement by {name}: "{content}".`,
	`{name} noted, "{content}".`,
	`"{content}," {name} claimed.`,
}

// RenderTemplate fills Templates[t] with a speaker's name and the content of
// their statement, as Python's str.format does (a single pass, so a name or
// content containing "{name}" is not substituted again).
func RenderTemplate(t int, name, content string) string {
	var b strings.Builder
	tmpl := Templates[t]
	b.Grow(len(tmpl) + len(name) + len(content))
	for len(tmpl) > 0 {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		tmpl = tmpl[i:]
		switch {
		case strings.HasPrefix(tmpl, "{name}"):
			b.WriteString(name)
			tmpl = tmpl[len("{name}"):]
		case strings.HasPrefix(tmpl, "{content}"):
			b.WriteString(content)
			tmpl = tmpl[len("{content}"):]
		default: // no template has other braces; copy a stray one through
			b.WriteByte('{')
			tmpl = tmpl[1:]
		}
	}
	return b.String()
}
