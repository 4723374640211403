package bench

import "testing"

// BenchmarkRender renders the heaviest corpus cases in-process with Helm's
// library and with kpkg. Both outputs are checked against Helm's golden
// before anything is timed.
func BenchmarkRender(b *testing.B) {
	for _, id := range heavyCases {
		b.Run(id, func(b *testing.B) {
			in := loadInput(b, id)
			requireGolden(b, in, "helm", helmTemplate(b, in.chartDir, in.valueFiles, in.includeCRDs))
			requireGolden(b, in, "kpkg", kpkgTemplate(b, in))
			b.Run("impl=helm", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					helmTemplate(b, in.chartDir, in.valueFiles, in.includeCRDs)
				}
			})
			b.Run("impl=kpkg", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					kpkgTemplate(b, in)
				}
			})
		})
	}
}
