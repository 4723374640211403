package render

import (
	"runtime"
	"strings"
	"sync"

	"github.com/kpkg/kpkg/pkg/manifest"
)

// parsedDoc is one document of a rendered file with its head decoded.
type parsedDoc struct {
	content string
	head    Head
	err     error
}

// headParser splits rendered files into documents and decodes their heads on
// background goroutines while the engine goes on executing templates, so the
// YAML work overlaps template execution instead of following it.
type headParser struct {
	jobs    chan headJob
	wg      sync.WaitGroup
	mu      sync.Mutex
	results map[string][]parsedDoc
}

type headJob struct{ name, content string }

func newHeadParser() *headParser {
	p := &headParser{jobs: make(chan headJob, 64), results: map[string][]parsedDoc{}}
	workers := runtime.GOMAXPROCS(0)
	p.wg.Add(workers)
	for i := 0; i < workers; i++ {
		go p.work()
	}
	return p
}

func (p *headParser) work() {
	defer p.wg.Done()
	for job := range p.jobs {
		var docs []parsedDoc
		for _, d := range manifest.SplitDocuments(job.content) {
			h, err := decodeHead(d)
			docs = append(docs, parsedDoc{content: d, head: h, err: err})
		}
		p.mu.Lock()
		p.results[job.name] = docs
		p.mu.Unlock()
	}
}

// submit queues a rendered file; notes, partials and blank output are not
// manifests and are skipped.
func (p *headParser) submit(name, content string) {
	if strings.HasSuffix(name, "NOTES.txt") || strings.TrimSpace(content) == "" {
		return
	}
	p.jobs <- headJob{name, content}
}

// wait returns every submitted file's documents once all are decoded.
func (p *headParser) wait() map[string][]parsedDoc {
	close(p.jobs)
	p.wg.Wait()
	return p.results
}
