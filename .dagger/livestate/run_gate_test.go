package livestate

import (
	"reflect"
	"testing"
)

// TestPrepareKeepsTheStateTheSynthSaw: the run names the service stack and
// keeps the state's context, which the gate compares with a fresh read.
func TestPrepareKeepsTheStateTheSynthSaw(t *testing.T) {
	s := State{ProductionTarget: "green", TestTarget: "green", Mode: "codedeploy", Stack: "shop-service"}
	run, err := Prepare(s, map[string]string{"appName": "shop"}, []byte(`{"context":{}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.ServiceStack != "shop-service" || !reflect.DeepEqual(run.Live, s.Context()) {
		t.Fatalf("run %+v", run)
	}
	// A stack not deployed yet: its name still, and nothing live.
	run, err = Prepare(State{}, nil, []byte(`{"context":{"appName":"web"}}`), nil)
	if err != nil || run.ServiceStack != "web-service" || len(run.Live) != 0 {
		t.Fatalf("run %+v %v", run, err)
	}
}
