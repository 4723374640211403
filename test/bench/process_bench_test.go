package bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// helmLDFlags are the settings of Helm's release build that the corpus
// goldens depend on (version, and Kubernetes v1.37 as default KubeVersion).
const helmLDFlags = "-s -w -X helm.sh/helm/v3/internal/version.version=v3.22.0 " +
	"-X helm.sh/helm/v3/internal/version.gitTreeState=clean " +
	"-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37"

var (
	buildOnce         sync.Once
	kpkgBin, helmBin  string
	errBuildBinaries  error
	binariesDir       string
	repoRoot, helmcli = filepath.Join("..", ".."), filepath.Join("..", "tools", "helm3")
)

// buildBinaries builds kpkg and a Helm v3.22.0 release-equivalent binary
// with the same flags (test/tools/helm3 pins Helm in a module of its own).
func buildBinaries(tb testing.TB) (string, string) {
	buildOnce.Do(func() {
		binariesDir, errBuildBinaries = os.MkdirTemp("", "kpkg-bench-bin")
		if errBuildBinaries != nil {
			return
		}
		kpkgBin = filepath.Join(binariesDir, "kpkg")
		helmBin = filepath.Join(binariesDir, "helm")
		builds := []struct{ dir, out, pkg, ldflags string }{
			{repoRoot, kpkgBin, "./cmd/kpkg", "-s -w"},
			{helmcli, helmBin, "helm.sh/helm/v3/cmd/helm", helmLDFlags},
		}
		for _, bd := range builds {
			build := exec.Command("go", "build", "-trimpath", "-ldflags", bd.ldflags, "-o", bd.out, bd.pkg)
			build.Dir = bd.dir
			if out, err := build.CombinedOutput(); err != nil {
				errBuildBinaries = &buildError{cmd: build.String(), out: string(out), err: err}
				return
			}
		}
	})
	if errBuildBinaries != nil {
		tb.Fatal(errBuildBinaries)
	}
	return kpkgBin, helmBin
}

type buildError struct {
	cmd, out string
	err      error
}

func (e *buildError) Error() string { return e.cmd + ": " + e.err.Error() + "\n" + e.out }

// runProcess runs one template command and returns its output, wall time and
// peak resident set size in bytes.
func runProcess(tb testing.TB, bin string, args []string) ([]byte, time.Duration, int64) {
	cmd := exec.Command(bin, args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	elapsed := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024 // Linux reports kilobytes
	}
	return out.Bytes(), elapsed, rss
}

// BenchmarkProcess runs `helm template` and `kpkg template` as whole
// processes on kube-prometheus-stack with --include-crds. Run it with
// -count N -benchtime 1x so the two alternate, and compare medians.
func BenchmarkProcess(b *testing.B) {
	in := loadInput(b, "kube-prometheus-stack--include-crds")
	kpkg, helm := buildBinaries(b)
	args := []string{"template", "rel", in.chartDir, "--namespace", "corpus", "--include-crds"}
	for _, impl := range []struct{ name, bin string }{{"helm", helm}, {"kpkg", kpkg}} {
		out, _, _ := runProcess(b, impl.bin, args)
		requireGolden(b, in, impl.name, string(out))
		b.Run(in.id+"/impl="+impl.name, func(b *testing.B) {
			var peak int64
			for b.Loop() {
				_, _, rss := runProcess(b, impl.bin, args)
				peak = max(peak, rss)
			}
			b.ReportMetric(float64(peak)/1e6, "peak-MB")
		})
	}
}
