package bundle

import (
	"os"
	"strings"
	"testing"
)

// setWith reads a corpus set and applies replacements to its files, so a test
// can put several defects into one otherwise valid set.
func setWith(t *testing.T, dir string, edits map[string][2]string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, name := range []string{FileTaskDef, FileAppSpec, FileImageDetail} {
		data, err := os.ReadFile("testdata/corpus/" + dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := edits[name]; ok {
			if !strings.Contains(string(data), e[0]) {
				t.Fatalf("%s has no %q", name, e[0])
			}
			data = []byte(strings.Replace(string(data), e[0], e[1], 1))
		}
		files[name] = data
	}
	return files
}

// hasFinding reports whether rep has a finding of rule at file and field.
func hasFinding(rep *Report, rule, file, field string) bool {
	for _, f := range rep.Findings {
		if f.Rule == rule && f.File == file && f.Field == field {
			return true
		}
	}
	return false
}

// TestShapeErrorsDoNotHideOtherFindings puts defects of different rules into
// one set: every one is reported in the same run, whichever file's shape is
// also wrong.
func TestShapeErrorsDoNotHideOtherFindings(t *testing.T) {
	lb := "Resources[0].TargetService.Properties.LoadBalancerInfo"
	cases := []struct {
		name  string
		edits map[string][2]string
		want  [][3]string // rule, file, field
	}{
		{
			name: "read-only key in the task definition and an unmapped appspec port",
			edits: map[string][2]string{
				FileTaskDef: {`"family": "orders-api",`, `"family": "orders-api", "revision": 7, "status": "ACTIVE",`},
				FileAppSpec: {"ContainerPort: 8080", "ContainerPort: 9090"},
			},
			want: [][3]string{
				{"taskdef-shape", FileTaskDef, "revision"},
				{"taskdef-shape", FileTaskDef, "status"},
				{"appspec-container-port", FileAppSpec, lb + ".ContainerPort"},
			},
		},
		{
			name: "wrong JSON type and an unknown member beside a port out of range",
			edits: map[string][2]string{
				FileTaskDef: {`"containerPort": 8080,`, `"containerPort": 70000, "hostPortt": 1,`},
			},
			want: [][3]string{
				{"taskdef-shape", FileTaskDef, "containerDefinitions[0].portMappings[0].hostPortt"},
				{"port-range", FileTaskDef, "containerDefinitions[orders].portMappings[0].containerPort"},
			},
		},
		{
			name: "unknown appspec key beside a container the task definition lacks",
			edits: map[string][2]string{
				FileAppSpec: {`ContainerName: "orders"`, `ContainerName: "billing"
          Weight: 3`},
			},
			want: [][3]string{
				{"appspec-shape", FileAppSpec, lb + ".Weight"},
				{"appspec-container-port", FileAppSpec, lb + ".ContainerName"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := Check(setWith(t, "valid-fargate-pipeline", tc.edits), CheckOptions{Policy: PolicyStrict})
			for _, w := range tc.want {
				if !hasFinding(rep, w[0], w[1], w[2]) {
					t.Errorf("no [%s] finding at %s: %s; got:\n%s", w[0], w[1], w[2], findingLines(rep))
				}
			}
		})
	}
}

// TestRepairedValuesAreSeenByOtherRules: a value whose intent is plain (cpu
// as a number) is reported once and then checked as meant, so the Fargate
// size table still applies to it.
func TestRepairedValuesAreSeenByOtherRules(t *testing.T) {
	rep := Check(setWith(t, "valid-fargate-pipeline", map[string][2]string{
		FileTaskDef: {`"cpu": "512"`, `"cpu": 333`},
	}), CheckOptions{Policy: PolicyStrict})
	if !hasFinding(rep, "taskdef-shape", FileTaskDef, "cpu") || !hasFinding(rep, "fargate-size", FileTaskDef, "cpu") {
		t.Fatalf("want the shape and the Fargate size findings, got:\n%s", findingLines(rep))
	}
}

func findingLines(rep *Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// TestDroppedValuesAreNotReportedAgain: a container name the decoder could
// not keep (an object) is reported once, by taskdef-shape, not again as an
// appspec container missing from the task; and a list where the appspec's
// port belongs is not also "port 0".
func TestDroppedValuesAreNotReportedAgain(t *testing.T) {
	rep := Check(setWith(t, "valid-fargate-pipeline", map[string][2]string{
		FileTaskDef: {`"name": "orders",`, `"name": {"first": "orders"},`},
		FileAppSpec: {"ContainerPort: 8080", "ContainerPort: [8080]"},
	}), CheckOptions{Policy: PolicyStrict})
	if len(rep.Findings) != 2 || !hasFinding(rep, "taskdef-shape", FileTaskDef, "containerDefinitions[0].name") ||
		!hasFinding(rep, "appspec-shape", FileAppSpec, "Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort") {
		t.Fatalf("want the two shape findings only, got:\n%s", findingLines(rep))
	}
}

// TestFindingsReadTopToBottom: within a file, findings come in line order.
func TestFindingsReadTopToBottom(t *testing.T) {
	rep := Check(setWith(t, "valid-fargate-pipeline", map[string][2]string{
		FileAppSpec: {`ContainerName: "orders"
          ContainerPort: 8080`, `ContainerName: "orders"
          ContainerPort: 9999
          Extra: 1`},
		FileTaskDef: {`"family": "orders-api",`, `"family": "orders.api",`},
	}), CheckOptions{Policy: PolicyStrict})
	for i := 1; i < len(rep.Findings); i++ {
		a, b := rep.Findings[i-1], rep.Findings[i]
		if a.File == b.File && (a.Line > b.Line || a.Line == b.Line && a.Column > b.Column) {
			t.Fatalf("out of order:\n%s", findingLines(rep))
		}
	}
	if len(rep.Findings) < 3 {
		t.Fatalf("want at least three findings:\n%s", findingLines(rep))
	}
}
