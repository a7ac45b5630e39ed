package analysis

import (
	"math/rand/v2"
	"testing"
)

// rank orders outcomes from best to worst for the new revision.
func rank(o Outcome) int {
	switch o {
	case Pass:
		return 0
	case Inconclusive:
		return 1
	}
	return 2
}

var fuzzPolicies = []Policy{
	{},
	{MinErrors: 1, BadWindows: 1},
	{Count4XX: true, WindowMinutes: 1},
	{MaxErrorRate: 0.05, MaxErrorRateIncrease: 0.001, MaxP99Ratio: 1.1, MinRequests: 10},
	{BadWindows: 3, WindowMinutes: 3, MaxUnhealthyHosts: 1, LatencyFloorMillis: 1},
}

// worsened builds a base case and the same case with worse numbers from one
// seed: more 5xx/4xx, slower responses and more unhealthy hosts on the new
// revision, fewer errors and faster responses on the old one, on a
// pseudo-random subset of minutes. Request counts stay as they are: more
// requests with the same errors is better, not worse.
func worsened(seed uint64, minutes int) (base, worse Input) {
	r := rand.New(rand.NewPCG(seed, seed>>7|1))
	var bn, bo, wn, wo []minute
	// A per-case error level and slowdown, so cases range from clean to bad.
	errShare := []int{1000, 200, 50, 10}[r.IntN(4)]
	slow := 0.8 + r.Float64()
	for i := 0; i < minutes; i++ {
		var n, o minute
		o.req = float64(r.IntN(2000))
		o.e5 = float64(r.IntN(int(o.req)/500 + 1))
		o.p99 = 0.1 + r.Float64()*0.2
		if r.IntN(8) > 0 { // some minutes have no datapoints at all
			n.req = float64(r.IntN(400))
			n.e5 = float64(r.IntN(int(n.req)/errShare + 1))
			n.e4 = float64(r.IntN(int(n.req)/20 + 1))
			n.p50 = r.Float64() * 0.05
			n.p99 = o.p99 * slow
			if r.IntN(10) == 0 {
				n.unhealthy = 1
			}
		} else {
			n.missing = true
		}
		w, wold := n, o
		if !n.missing && r.IntN(2) == 0 {
			w.e5 += float64(r.IntN(50))
			w.e4 += float64(r.IntN(50))
			w.p50 += r.Float64() * 0.1
			w.p99 += r.Float64()
			w.unhealthy += float64(r.IntN(2))
		}
		if r.IntN(2) == 0 {
			wold.e5 = float64(r.IntN(int(o.e5) + 1))
			wold.p99 = o.p99 * r.Float64()
		}
		bn, bo, wn, wo = append(bn, n), append(bo, o), append(wn, w), append(wo, wold)
	}
	return input(minutes, bn, bo), input(minutes, wn, wo)
}

func checkMonotone(t *testing.T, seed uint64, minutes int, p Policy) {
	t.Helper()
	base, worse := worsened(seed, minutes)
	vb, err := Judge(p, base)
	if err != nil {
		t.Fatal(err)
	}
	vw, err := Judge(p, worse)
	if err != nil {
		t.Fatal(err)
	}
	if rank(vw.Outcome) < rank(vb.Outcome) {
		t.Fatalf("worse numbers improved the verdict (seed %d, %d minutes, policy %+v):\nbase:  %s\nworse: %s",
			seed, minutes, p, vb.Sentence(), vw.Sentence())
	}
}

// FuzzWorseNumbersNeverImprove: worse numbers never turn a fail into a pass
// (nor a fail into inconclusive, nor inconclusive into a pass). The seed
// corpus below runs in every `go test`; `go test -fuzz
// FuzzWorseNumbersNeverImprove ./analysis/` explores further.
func FuzzWorseNumbersNeverImprove(f *testing.F) {
	for i, seed := range []uint64{1, 2, 3, 42, 1234, 99991, 1 << 40, 7777777} {
		f.Add(seed, uint8(2+3*i), uint8(i))
	}
	f.Fuzz(func(t *testing.T, seed uint64, minutes, policy uint8) {
		checkMonotone(t, seed, 1+int(minutes%30), fuzzPolicies[int(policy)%len(fuzzPolicies)])
	})
}

// TestWorseNumbersNeverImprove runs the same property over many seeds in
// the normal suite.
func TestWorseNumbersNeverImprove(t *testing.T) {
	for seed := uint64(0); seed < 3000; seed++ {
		checkMonotone(t, seed, 1+int(seed%24), fuzzPolicies[seed%uint64(len(fuzzPolicies))])
	}
}

// TestPropertyGeneratorReachesEveryOutcome keeps the property honest: the
// generator must produce passes, fails and inconclusives, or the property
// would hold vacuously.
func TestPropertyGeneratorReachesEveryOutcome(t *testing.T) {
	seen := map[Outcome]int{}
	for seed := uint64(0); seed < 600; seed++ {
		base, _ := worsened(seed, 1+int(seed%24))
		v, err := Judge(fuzzPolicies[seed%uint64(len(fuzzPolicies))], base)
		if err != nil {
			t.Fatal(err)
		}
		seen[v.Outcome]++
	}
	for _, o := range []Outcome{Pass, Fail, Inconclusive} {
		if seen[o] < 10 {
			t.Errorf("generator produced %d %s verdicts (all: %v)", seen[o], o, seen)
		}
	}
}

func BenchmarkJudge(b *testing.B) {
	// An hour of one-minute datapoints for both revisions.
	in, _ := worsened(42, 60)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Judge(Policy{}, in); err != nil {
			b.Fatal(err)
		}
	}
}
