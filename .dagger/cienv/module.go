package cienv

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Param is one argument of a Dagger function, as the CLI exposes it.
type Param struct {
	// Flag is the CLI flag name without dashes (aws-access-key-id).
	Flag string
	// Type is the Go type as written (string, bool, *dagger.Secret…).
	Type string
	// Doc is the argument's doc comment without its +directives: what
	// `dagger call <function> --help` shows.
	Doc string
}

// Function is a callable step of a `dagger call` chain.
type Function struct {
	// Name is the CLI name (deploy-infra).
	Name string
	// Params by flag name.
	Params map[string]Param
	// Returns is the Go type of the first result (*dagger.Directory…).
	Returns string
}

// Module is what the CLI sees of the module: the constructor's flags and the
// functions of the main object.
type Module struct {
	// Constructor is New's parameters by flag name.
	Constructor map[string]Param
	// Functions of the main object by CLI name.
	Functions map[string]Function
}

// coreFunctions are the functions of core types a chain may end with.
var coreFunctions = map[string]map[string]Function{
	"*dagger.Directory": {
		"export":  {Name: "export", Returns: "string", Params: params("path:string", "wipe:bool")},
		"entries": {Name: "entries", Returns: "[]string", Params: params("path:string")},
	},
	"*dagger.File": {
		"export":   {Name: "export", Returns: "string", Params: params("path:string", "allow-parent-dir-path:bool")},
		"contents": {Name: "contents", Returns: "string", Params: params()},
	},
	"*dagger.Container": {
		"export":     {Name: "export", Returns: "string", Params: params("path:string")},
		"publish":    {Name: "publish", Returns: "string", Params: params("address:string")},
		"as-tarball": {Name: "as-tarball", Returns: "*dagger.File", Params: params()},
		"as-service": {Name: "as-service", Returns: "*dagger.Service", Params: params("args:[]string", "use-entrypoint:bool")},
		"sync":       {Name: "sync", Returns: "*dagger.Container", Params: params()},
	},
	"*dagger.Service": {
		"up": {Name: "up", Returns: "", Params: params("ports:[]string", "random:bool")},
	},
}

func params(specs ...string) map[string]Param {
	m := map[string]Param{}
	for _, s := range specs {
		name, typ, _ := strings.Cut(s, ":")
		m[name] = Param{Flag: name, Type: typ}
	}
	return m
}

// LoadModule reads the module's Go sources in dir (package main, generated
// and test files excluded) and returns its constructor and the exported
// methods of the main object objectName.
func LoadModule(dir, objectName string) (Module, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return Module{}, err
	}
	fset := token.NewFileSet()
	mod := Module{Constructor: map[string]Param{}, Functions: map[string]Function{}}
	foundNew := false
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasSuffix(base, "_test.go") || strings.HasSuffix(base, ".gen.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return Module{}, err
		}
		file, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return Module{}, fmt.Errorf("parsing %s: %w", base, err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			switch {
			case fn.Recv == nil && fn.Name.Name == "New":
				foundNew = true
				mod.Constructor = paramsOf(src, fset, file, fn)
			case fn.Recv != nil && receiverIs(fn, objectName):
				name := Kebab(fn.Name.Name)
				mod.Functions[name] = Function{Name: name, Params: paramsOf(src, fset, file, fn), Returns: firstResult(src, fset, fn)}
			}
		}
	}
	if !foundNew {
		return Module{}, fmt.Errorf("no constructor New in %s", dir)
	}
	return mod, nil
}

func receiverIs(fn *ast.FuncDecl, object string) bool {
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.Name == object
}

func exprText(src []byte, fset *token.FileSet, e ast.Expr) string {
	return string(src[fset.Position(e.Pos()).Offset:fset.Position(e.End()).Offset])
}

func paramsOf(src []byte, fset *token.FileSet, file *ast.File, fn *ast.FuncDecl) map[string]Param {
	out := map[string]Param{}
	prev := fn.Type.Params.Opening
	for _, field := range fn.Type.Params.List {
		// The parser attaches no Doc to parameters: their comments are the
		// groups between the previous parameter and this one.
		doc := argumentDoc(commentsBetween(file, prev, field.Pos()))
		prev = field.End()
		typ := exprText(src, fset, field.Type)
		if typ == "context.Context" {
			continue
		}
		for _, n := range field.Names {
			flag := Kebab(n.Name)
			out[flag] = Param{Flag: flag, Type: typ, Doc: doc}
		}
	}
	return out
}

// commentsBetween returns the comment groups of file lying between from and
// to, joined in order.
func commentsBetween(file *ast.File, from, to token.Pos) []*ast.CommentGroup {
	var out []*ast.CommentGroup
	for _, g := range file.Comments {
		if g.Pos() > from && g.End() < to {
			out = append(out, g)
		}
	}
	return out
}

// argumentDoc is a parameter's comment without the +directive lines, which
// configure the argument instead of describing it.
func argumentDoc(groups []*ast.CommentGroup) string {
	var lines []string
	var text strings.Builder
	for _, g := range groups {
		text.WriteString(g.Text())
	}
	for _, l := range strings.Split(text.String(), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "+") {
			lines = append(lines, t)
		}
	}
	return strings.Join(lines, " ")
}

func firstResult(src []byte, fset *token.FileSet, fn *ast.FuncDecl) string {
	if fn.Type.Results == nil || len(fn.Type.Results.List) == 0 {
		return ""
	}
	return exprText(src, fset, fn.Type.Results.List[0].Type)
}

// FunctionNames lists the module's functions, sorted (for messages).
func (m Module) FunctionNames() []string {
	var names []string
	for n := range m.Functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
