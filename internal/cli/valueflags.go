package cli

import (
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/values"
)

// addValueFlags registers Helm's value flags on fs, filling opts.
func addValueFlags(fs *pflag.FlagSet, opts *values.Options) {
	fs.StringSliceVarP(&opts.Files, "values", "f", nil, "specify values in a YAML file or a URL (can specify multiple)")
	fs.StringArrayVar(&opts.Set, "set", nil, "set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)")
	fs.StringArrayVar(&opts.String, "set-string", nil, "set STRING values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)")
	fs.StringArrayVar(&opts.File, "set-file", nil, "set values from respective files specified via the command line (can specify multiple or separate values with commas: key1=path1,key2=path2)")
	fs.StringArrayVar(&opts.JSON, "set-json", nil, "set JSON values on the command line (can specify multiple or separate values with commas: key1=jsonval1,key2=jsonval2)")
	fs.StringArrayVar(&opts.Literal, "set-literal", nil, "set a literal STRING value on the command line")
}
