package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// advice matches text that tells a user which kpkg command to run or which
// flag to pass: "'kpkg history'", "kpkg repo add", "--force-conflicts".
var advice = regexp.MustCompile(`\bkpkg (` + strings.Join(commands, "|") + `)\b|'kpkg\b|(^|[\s('"/])--[a-z]`)

// commands are kpkg's (and Helm's) top-level commands.
var commands = []string{
	"completion", "create", "dependency", "diff", "env", "get", "history", "install", "lint",
	"list", "package", "plugin", "pull", "push", "registry", "repo", "rollback", "search",
	"show", "status", "template", "test", "uninstall", "upgrade", "verify", "version",
}

// messageFuncs are the calls whose string arguments become messages a
// library hands to its caller: errors, warnings and progress lines.
var messageFuncs = map[string]bool{
	"Errorf": true, "New": true, "Sprintf": true, "Sprint": true,
	"logf": true, "Log": true, "Warn": true, "warn": true, "add": true,
}

// TestLibrariesGiveNoCLIAdvice keeps "what to do next" out of pkg/: a Go
// program importing pkg/release gets facts (typed errors), and internal/cli
// phrases the advice for kpkg's own commands and flags.
func TestLibrariesGiveNoCLIAdvice(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("../../pkg", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, lit := range messageLiterals(f) {
			s, err := strconv.Unquote(lit.Value)
			if err == nil && advice.MatchString(s) {
				t.Errorf("%s: message gives CLI advice: %s", fset.Position(lit.Pos()), lit.Value)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// messageLiterals returns the string literals passed to messageFuncs and
// those inside Error methods.
func messageLiterals(f *ast.File) []*ast.BasicLit {
	var out []*ast.BasicLit
	collect := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				out = append(out, lit)
			}
			return true
		})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Name.Name == "Error" && n.Recv != nil && n.Body != nil {
				collect(n.Body)
				return false
			}
		case *ast.CallExpr:
			name := ""
			switch fn := n.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			if messageFuncs[name] {
				for _, a := range n.Args {
					collect(a)
				}
				return false
			}
		}
		return true
	})
	return out
}
