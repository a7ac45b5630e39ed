package bundle

// RenderAppSpec renders and validates only the appspec of in: what a
// rollback needs to redeploy an earlier task definition revision, whose image
// is already registered and so needs no imageDetail.json or taskdef.json.
// The image and task definition fields of in are ignored.
func RenderAppSpec(in Input) ([]byte, error) {
	spec := buildAppSpec(in)
	var c collector
	checkParsed(&c, &Artifacts{Mode: in.Mode, AppSpec: spec})
	checkHooks(&c, "hooks", in.Hooks)
	if !c.ok() {
		return nil, c.err()
	}
	out, err := encodeAppSpec(spec)
	if err != nil {
		return nil, err
	}
	// The same strict decode every appspec goes through.
	if _, err := DecodeAppSpec(out); err != nil {
		return nil, err
	}
	return out, nil
}
