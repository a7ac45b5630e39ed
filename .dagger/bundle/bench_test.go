package bundle

import (
	"os"
	"testing"
)

// BenchmarkRenderAndValidate measures a full direct-mode render, which
// includes ValidateFiles on the result; the goal is well under 100 ms.
func BenchmarkRenderAndValidate(b *testing.B) {
	in := validInput(b, ModeDirect)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateFiles measures checking a bundle produced elsewhere.
func BenchmarkValidateFiles(b *testing.B) {
	files := mustRender(b, validInput(b, ModePipeline)).Files()
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateFiles(files, ModePipeline); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckFullBundle measures the validate entry point on a complete
// direct-mode set (task definition with two containers, appspec with network,
// strategy and hooks, imageDetail.json), every rule running.
func BenchmarkCheckFullBundle(b *testing.B) {
	files := map[string][]byte{}
	for _, name := range []string{FileTaskDef, FileAppSpec, FileImageDetail} {
		data, err := os.ReadFile("testdata/corpus/valid-fargate-direct-full/" + name)
		if err != nil {
			b.Fatal(err)
		}
		files[name] = data
	}
	b.ReportAllocs()
	for b.Loop() {
		if rep := Check(files, CheckOptions{Policy: PolicyStrict}); rep.Errors() != 0 {
			b.Fatal(rep.Violations())
		}
	}
}

// BenchmarkCheckDirectoryTwoTaskDefs measures a directory of two task
// definitions under other names beside one appspec: every file classified
// by content, two sets checked, and the finding one of them has located.
func BenchmarkCheckDirectoryTwoTaskDefs(b *testing.B) {
	files := map[string][]byte{}
	dir := "testdata/corpus/invalid-dir-two-taskdefs-one-unmapped/"
	for _, name := range []string{"taskdef-prod.json", "taskdef-staging.json", FileAppSpec, FileImageDetail} {
		data, err := os.ReadFile(dir + name)
		if err != nil {
			b.Fatal(err)
		}
		files[name] = data
	}
	b.ReportAllocs()
	for b.Loop() {
		if rep := Check(files, CheckOptions{Policy: PolicyStrict}); rep.Errors() != 1 || rep.Findings[0].Line == 0 {
			b.Fatal(rep.Findings)
		}
	}
}
