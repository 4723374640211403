package render_test

import (
	"io"
	"log"
)

func stdLogOutput() io.Writer     { return log.Writer() }
func setStdLogOutput(w io.Writer) { log.SetOutput(w) }
