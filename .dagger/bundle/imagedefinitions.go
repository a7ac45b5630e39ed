package bundle

// RenderImageDefinitions renders imagedefinitions.json, the file the
// CodePipeline ECS (standard) deploy action reads, and checks it with the
// same rules as a file from elsewhere (policy rules as errors, as in
// release): at least one entry, names unique, image references pinned by
// digest. Every violation is reported at once.
func RenderImageDefinitions(defs []ImageDefinition) ([]byte, error) {
	if defs == nil {
		defs = []ImageDefinition{}
	}
	out, err := marshalIndent(defs)
	if err != nil {
		return nil, err
	}
	if vs := Check(map[string][]byte{FileImageDefinitions: out}, releaseOptions(ModeDirect)).Violations(); len(vs) > 0 {
		return nil, vs
	}
	return out, nil
}
