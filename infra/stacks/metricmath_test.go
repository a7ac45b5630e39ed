package stacks

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// evalMetricMath evaluates one datapoint of a CloudWatch metric-math
// expression: the subset the comparison alarm uses (numbers, query ids,
// + - * /, comparisons, AND, OR, FILL(id, value), IF(cond, a, b)), with
// CloudWatch's meaning: comparisons and logic yield 1 or 0, and a missing
// datapoint (NaN here) stays missing unless FILL replaces it.
func evalMetricMath(expr string, values map[string]float64) (float64, error) {
	p := &mathParser{toks: tokenize(expr), values: values}
	v, err := p.or()
	if err != nil {
		return 0, err
	}
	if p.pos != len(p.toks) {
		return 0, fmt.Errorf("unexpected %q at token %d of %q", p.toks[p.pos], p.pos, expr)
	}
	return v, nil
}

func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case unicode.IsDigit(c) || c == '.':
			j := i
			for j < len(s) && (unicode.IsDigit(rune(s[j])) || s[j] == '.') {
				j++
			}
			toks, i = append(toks, s[i:j]), j
		case unicode.IsLetter(c) || c == '_':
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '_') {
				j++
			}
			toks, i = append(toks, s[i:j]), j
		case strings.HasPrefix(s[i:], ">=") || strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "!="):
			toks, i = append(toks, s[i:i+2]), i+2
		default:
			toks, i = append(toks, string(c)), i+1
		}
	}
	return toks
}

type mathParser struct {
	toks   []string
	pos    int
	values map[string]float64
}

func (p *mathParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *mathParser) expect(tok string) error {
	if p.peek() != tok {
		return fmt.Errorf("expected %q, found %q at token %d", tok, p.peek(), p.pos)
	}
	p.pos++
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// missing propagates a missing datapoint through an operator.
func missing(a, b float64) bool { return math.IsNaN(a) || math.IsNaN(b) }

func (p *mathParser) or() (float64, error) {
	l, err := p.and()
	for err == nil && p.peek() == "OR" {
		p.pos++
		var r float64
		if r, err = p.and(); err == nil {
			if missing(l, r) {
				l = math.NaN()
			} else {
				l = b2f(l != 0 || r != 0)
			}
		}
	}
	return l, err
}

func (p *mathParser) and() (float64, error) {
	l, err := p.cmp()
	for err == nil && p.peek() == "AND" {
		p.pos++
		var r float64
		if r, err = p.cmp(); err == nil {
			if missing(l, r) {
				l = math.NaN()
			} else {
				l = b2f(l != 0 && r != 0)
			}
		}
	}
	return l, err
}

func (p *mathParser) cmp() (float64, error) {
	l, err := p.sum()
	for err == nil {
		op := p.peek()
		if op != "<" && op != ">" && op != "<=" && op != ">=" && op != "==" && op != "!=" {
			break
		}
		p.pos++
		var r float64
		if r, err = p.sum(); err != nil {
			break
		}
		if missing(l, r) {
			l = math.NaN()
			continue
		}
		l = b2f(map[string]bool{"<": l < r, ">": l > r, "<=": l <= r, ">=": l >= r, "==": l == r, "!=": l != r}[op])
	}
	return l, err
}

func (p *mathParser) sum() (float64, error) {
	l, err := p.product()
	for err == nil && (p.peek() == "+" || p.peek() == "-") {
		op := p.peek()
		p.pos++
		var r float64
		if r, err = p.product(); err == nil {
			if op == "+" {
				l += r
			} else {
				l -= r
			}
		}
	}
	return l, err
}

func (p *mathParser) product() (float64, error) {
	l, err := p.unary()
	for err == nil && (p.peek() == "*" || p.peek() == "/") {
		op := p.peek()
		p.pos++
		var r float64
		if r, err = p.unary(); err == nil {
			if op == "*" {
				l *= r
			} else {
				l /= r
			}
		}
	}
	return l, err
}

func (p *mathParser) unary() (float64, error) {
	if p.peek() == "-" {
		p.pos++
		v, err := p.unary()
		return -v, err
	}
	return p.atom()
}

func (p *mathParser) atom() (float64, error) {
	tok := p.peek()
	switch {
	case tok == "(":
		p.pos++
		v, err := p.or()
		if err != nil {
			return 0, err
		}
		return v, p.expect(")")
	case tok == "FILL" || tok == "IF":
		p.pos++
		if err := p.expect("("); err != nil {
			return 0, err
		}
		var args []float64
		for {
			v, err := p.or()
			if err != nil {
				return 0, err
			}
			args = append(args, v)
			if p.peek() != "," {
				break
			}
			p.pos++
		}
		if err := p.expect(")"); err != nil {
			return 0, err
		}
		if tok == "FILL" {
			if len(args) != 2 {
				return 0, fmt.Errorf("FILL takes 2 arguments, got %d", len(args))
			}
			if math.IsNaN(args[0]) {
				return args[1], nil
			}
			return args[0], nil
		}
		if len(args) != 3 {
			return 0, fmt.Errorf("IF takes 3 arguments, got %d", len(args))
		}
		if math.IsNaN(args[0]) {
			return math.NaN(), nil
		}
		if args[0] != 0 {
			return args[1], nil
		}
		return args[2], nil
	case tok != "" && (unicode.IsDigit(rune(tok[0])) || tok[0] == '.'):
		p.pos++
		return strconv.ParseFloat(tok, 64)
	case tok != "" && unicode.IsLower(rune(tok[0])):
		p.pos++
		v, ok := p.values[tok]
		if !ok {
			return math.NaN(), nil // no datapoint in this period
		}
		return v, nil
	}
	return 0, fmt.Errorf("unexpected %q at token %d", tok, p.pos)
}
