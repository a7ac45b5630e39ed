package weightproxy

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Weights are relative weights keyed by upstream name, as a load balancer
// rule holds them: 0–999 each, only their ratio matters. An upstream that is
// missing has weight 0.
type Weights map[string]int

// Total is the sum of the weights.
func (w Weights) Total() int {
	t := 0
	for _, v := range w {
		t += v
	}
	return t
}

// Equal reports whether both assign every upstream the same weight (a
// missing upstream and weight 0 are the same).
func (w Weights) Equal(o Weights) bool {
	for k, v := range w {
		if o[k] != v {
			return false
		}
	}
	for k, v := range o {
		if w[k] != v {
			return false
		}
	}
	return true
}

// String shows each upstream's share in name order, e.g.
// "blue 90% (899) · green 10% (100)", or "none" before any weights exist.
func (w Weights) String() string {
	if len(w) == 0 {
		return "none"
	}
	names := make([]string, 0, len(w))
	for k := range w {
		names = append(names, k)
	}
	sort.Strings(names)
	total := w.Total()
	parts := make([]string, len(names))
	for i, n := range names {
		share := 0.0
		if total > 0 {
			share = 100 * float64(w[n]) / float64(total)
		}
		parts[i] = fmt.Sprintf("%s %s%% (%d)", n, strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", share), "0"), "."), w[n])
	}
	return strings.Join(parts, " · ")
}

// Picker chooses the upstream of each request with smooth weighted
// round-robin: every pick adds each upstream's weight to its running score,
// takes the highest score (the first on a tie) and takes the total off the
// winner. Over any run of picks each upstream's count stays within one of its
// exact share, and over a run of Total picks it is exact — a 10 % canary
// gets 1 request in 10, not 1 in 10 on average — and an upstream with weight
// 0 is never chosen. Random choice would make the ratio a user watches on
// /watch (and any test of it) noisy for no gain.
type Picker struct {
	mu      sync.Mutex
	names   []string // fixed order, for deterministic tie-breaking
	weights []int
	score   []int
	total   int
	set     bool
}

// NewPicker returns a picker over the named upstreams with no weights yet:
// Next reports false until Set is called.
func NewPicker(names ...string) *Picker {
	n := append([]string(nil), names...)
	return &Picker{names: n, weights: make([]int, len(n)), score: make([]int, len(n))}
}

// Set installs new weights and reports whether they differ from the current
// ones. A change restarts the round, so the new ratio is exact from the next
// request on; setting the same weights again changes nothing. Weights for
// names the picker does not know are an error (nothing is changed then).
func (p *Picker) Set(w Weights) (bool, error) {
	known := map[string]bool{}
	for _, n := range p.names {
		known[n] = true
	}
	for n, v := range w {
		if !known[n] {
			return false, fmt.Errorf("weight for unknown upstream %q: the upstreams are %s", n, strings.Join(p.names, ", "))
		}
		if v < 0 || v > 999 {
			return false, fmt.Errorf("weight %d for upstream %q is out of range: want 0 to 999", v, n)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.set && p.current().Equal(w) {
		return false, nil
	}
	p.total = 0
	for i, n := range p.names {
		p.weights[i] = w[n]
		p.score[i] = 0
		p.total += w[n]
	}
	p.set = true
	return true, nil
}

// Weights returns the weights in use (nil before the first Set).
func (p *Picker) Weights() Weights {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.set {
		return nil
	}
	return p.current()
}

func (p *Picker) current() Weights {
	w := make(Weights, len(p.names))
	for i, n := range p.names {
		w[n] = p.weights[i]
	}
	return w
}

// Next returns the upstream for the next request, or false when there are no
// weights yet or every weight is 0.
func (p *Picker) Next() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total == 0 {
		return "", false
	}
	best := -1
	for i := range p.names {
		if p.weights[i] == 0 {
			continue
		}
		p.score[i] += p.weights[i]
		if best < 0 || p.score[i] > p.score[best] {
			best = i
		}
	}
	p.score[best] -= p.total
	return p.names[best], true
}
