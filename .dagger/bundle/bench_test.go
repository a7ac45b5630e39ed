package bundle

import "testing"

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
