package weightproxy

import (
	"strings"
	"testing"
)

// picks counts what n picks choose.
func picks(t *testing.T, p *Picker, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := 0; i < n; i++ {
		name, ok := p.Next()
		if !ok {
			t.Fatalf("pick %d: no upstream", i+1)
		}
		got[name]++
	}
	return got
}

func set(t *testing.T, p *Picker, w Weights) {
	t.Helper()
	if _, err := p.Set(w); err != nil {
		t.Fatal(err)
	}
}

func TestPickerExactCounts(t *testing.T) {
	cases := []struct {
		name    string
		weights Weights
		n       int
		want    map[string]int
	}{
		{"all on blue", Weights{"blue": 100, "green": 0}, 50, map[string]int{"blue": 50}},
		{"all on green", Weights{"blue": 0, "green": 100}, 50, map[string]int{"green": 50}},
		{"10 % canary", Weights{"blue": 90, "green": 10}, 10, map[string]int{"blue": 9, "green": 1}},
		{"10 % canary over 100", Weights{"blue": 90, "green": 10}, 100, map[string]int{"blue": 90, "green": 10}},
		{"half and half", Weights{"blue": 50, "green": 50}, 10, map[string]int{"blue": 5, "green": 5}},
		{"stand-in weights of a 10 % canary", Weights{"blue": 899, "green": 100}, 999, map[string]int{"blue": 899, "green": 100}},
		{"missing upstream is weight 0", Weights{"green": 3}, 7, map[string]int{"green": 7}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := NewPicker("blue", "green")
			set(t, p, c.weights)
			got := picks(t, p, c.n)
			if len(got) != len(c.want) || got["blue"] != c.want["blue"] || got["green"] != c.want["green"] {
				t.Errorf("%d picks: got %v, want %v", c.n, got, c.want)
			}
		})
	}
}

// Every prefix of the sequence stays within one request of the exact share,
// so a short look at /watch already shows the right ratio.
func TestPickerEveryPrefixWithinOne(t *testing.T) {
	p := NewPicker("blue", "green")
	set(t, p, Weights{"blue": 899, "green": 100})
	green := 0
	for i := 1; i <= 2000; i++ {
		if name, _ := p.Next(); name == "green" {
			green++
		}
		exact := float64(i) * 100 / 999
		if d := float64(green) - exact; d <= -1 || d >= 1 {
			t.Fatalf("after %d picks green had %d, exact share %.2f", i, green, exact)
		}
	}
}

func TestPickerChangeMidStream(t *testing.T) {
	p := NewPicker("blue", "green")
	set(t, p, Weights{"blue": 90, "green": 10})
	// Stop in the middle of a round: 3 picks, all blue so far.
	if got := picks(t, p, 3); got["blue"] != 3 {
		t.Fatalf("first picks: %v", got)
	}
	changed, err := p.Set(Weights{"blue": 50, "green": 50})
	if err != nil || !changed {
		t.Fatalf("Set = %v, %v; want a change", changed, err)
	}
	if got := picks(t, p, 10); got["blue"] != 5 || got["green"] != 5 {
		t.Errorf("10 picks after the change to 50/50: %v", got)
	}
	set(t, p, Weights{"blue": 0, "green": 100})
	if got := picks(t, p, 20); got["green"] != 20 {
		t.Errorf("20 picks after the shift to green: %v", got)
	}
	// Setting the same weights again keeps the round going.
	set(t, p, Weights{"blue": 90, "green": 10})
	first := picks(t, p, 5)
	if changed, _ := p.Set(Weights{"blue": 90, "green": 10}); changed {
		t.Error("the same weights reported as a change")
	}
	second := picks(t, p, 5)
	if first["green"]+second["green"] != 1 || first["blue"]+second["blue"] != 9 {
		t.Errorf("a repeated Set broke the round: %v then %v", first, second)
	}
}

func TestPickerNothingToPick(t *testing.T) {
	p := NewPicker("blue", "green")
	if _, ok := p.Next(); ok {
		t.Error("a picker without weights chose an upstream")
	}
	if p.Weights() != nil {
		t.Error("weights before the first Set")
	}
	set(t, p, Weights{"blue": 0, "green": 0})
	if name, ok := p.Next(); ok {
		t.Errorf("all weights 0, yet %s was chosen", name)
	}
}

func TestPickerRefusesBadWeights(t *testing.T) {
	p := NewPicker("blue", "green")
	set(t, p, Weights{"blue": 1})
	for _, c := range []struct {
		w    Weights
		want string
	}{
		{Weights{"red": 1}, `unknown upstream "red": the upstreams are blue, green`},
		{Weights{"blue": 1000}, "want 0 to 999"},
		{Weights{"green": -1}, "want 0 to 999"},
	} {
		if _, err := p.Set(c.w); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Set(%v) = %v, want an error containing %q", c.w, err, c.want)
		}
	}
	if got := p.Weights(); !got.Equal(Weights{"blue": 1}) {
		t.Errorf("a refused Set changed the weights to %v", got)
	}
}

func TestWeightsString(t *testing.T) {
	for w, want := range map[*Weights]string{
		{"green": 100, "blue": 899}: "blue 90% (899) · green 10% (100)",
		{"green": 2, "blue": 1}:     "blue 33.3% (1) · green 66.7% (2)",
		{"green": 0, "blue": 0}:     "blue 0% (0) · green 0% (0)",
	} {
		if got := w.String(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if got := Weights(nil).String(); got != "none" {
		t.Errorf("nil weights: %q", got)
	}
}
