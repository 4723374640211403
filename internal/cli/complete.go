package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/repo"
)

// Shell completion: each command completes what Helm's completes, with the
// same candidates, descriptions and directives, so `helm` aliased to kpkg
// completes as before. Lookups that fail complete nothing rather than
// print an error into the shell.

// completionTimeout bounds a lookup against the cluster or a registry, so
// a shell does not hang on an unreachable server.
const completionTimeout = 5 * time.Second

// noMoreArgsHelp is the ActiveHelp line a shell shows when a command takes
// no further argument.
const noMoreArgsHelp = "This command does not take any more arguments (but may accept flags)."

// noMoreArgs completes nothing, without files, and says so.
func noMoreArgs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return cobra.AppendActiveHelp(nil, noMoreArgsHelp), cobra.ShellCompDirectiveNoFileComp
}

// firstArg uses comp for the first argument; after it nothing more.
func firstArg(comp cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) != 0 {
			return noMoreArgs(cmd, args, toComplete)
		}
		return comp(cmd, args, toComplete)
	}
}

// firstArgFiles completes files for the first argument (a path), then
// nothing more.
var firstArgFiles = firstArg(func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveDefault
})

// firstArgReleases completes a release name, then nothing more.
var firstArgReleases = firstArg(completeReleases)

// firstArgCharts completes a chart reference (repository charts, URL
// prefixes, local paths), then nothing more.
var firstArgCharts = firstArg(func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return completeCharts(cmd, toComplete, true)
})

// completeOutputFlag completes -o with the formats.
func completeOutputFlag(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := make([]string, 0, len(outputFormats))
		for _, f := range outputFormats {
			out = append(out, f[0]+"\t"+f[1])
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// completionContext bounds a completion's lookups.
func completionContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, completionTimeout)
}

// quietReleaseConfig is the release store of the command's cluster, with
// progress discarded.
func quietReleaseConfig(cmd *cobra.Command) (*release.Config, string, error) {
	return kubeOf(cmd).releaseConfig(IO{Out: io.Discard, Err: io.Discard})
}

// completeReleases offers the releases of the namespace, every status,
// except those already on the line, each described by its chart and
// status. An unreachable cluster falls back to file completion, as in Helm.
func completeReleases(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	cfg, ns, err := quietReleaseConfig(cmd)
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	ctx, cancel := completionContext(cmd)
	defer cancel()
	rels, err := release.List(ctx, cfg, release.ListOptions{Namespace: ns, All: true})
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var out []string
	for _, r := range rels {
		if slices.Contains(args, r.Name) {
			continue
		}
		name, version := "", ""
		if r.Chart != nil && r.Chart.Metadata != nil {
			name, version = r.Chart.Metadata.Name, r.Chart.Metadata.Version
		}
		out = append(out, fmt.Sprintf("%s\t%s-%s -> %s", r.Name, name, version, r.Info.Status))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeRevisions offers the revisions of release name, each described
// by its app version and chart.
func completeRevisions(cmd *cobra.Command, name string) ([]string, cobra.ShellCompDirective) {
	cfg, ns, err := quietReleaseConfig(cmd)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	ctx, cancel := completionContext(cmd)
	defer cancel()
	hist, err := release.History(ctx, cfg, ns, name, 0)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var out []string
	for _, r := range hist {
		var app, chart, version string
		if r.Chart != nil && r.Chart.Metadata != nil {
			app, chart, version = r.Chart.Metadata.AppVersion, r.Chart.Metadata.Name, r.Chart.Metadata.Version
		}
		out = append(out, fmt.Sprintf("%s\tApp: %s, Chart: %s-%s", strconv.Itoa(r.Version), app, chart, version))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeRevisionFlag completes --revision once the release is given.
func completeRevisionFlag(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("revision", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 1 {
			return completeRevisions(cmd, args[0])
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	})
}

// completeRepos offers the configured repositories not already on the
// line, each described by its URL.
func completeRepos(cmd *cobra.Command, ignore []string) []string {
	f, err := repo.LoadRepoFile(envSettings(cmd).RepositoryConfig)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range f.Repositories {
		if e != nil && !slices.Contains(ignore, e.Name) {
			out = append(out, e.Name+"\t"+e.URL)
		}
	}
	return out
}

// completeRepoArgs completes repository names for repo remove and update.
func completeRepoArgs(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	return completeRepos(cmd, args), cobra.ShellCompDirectiveNoFileComp
}

// chartURLPrefixes are the reference schemes a chart argument may start
// with.
var chartURLPrefixes = []string{"oci://\tChart OCI prefix", "https://\tChart URL prefix", "http://\tChart URL prefix", "file://\tChart local URL prefix"}

// completeCharts completes a chart reference as Helm does: "REPO/" for
// the repositories toComplete may start, every chart of the repository it
// names, the URL prefixes, and with includeFiles the entries of the
// working directory (only when something else matched, so a bare TAB does
// not list the directory) or a hint that a path may be given.
func completeCharts(cmd *cobra.Command, toComplete string, includeFiles bool) ([]string, cobra.ShellCompDirective) {
	var out []string
	noSpace, noFile := false, false
	for _, r := range completeRepos(cmd, nil) {
		name, desc, _ := strings.Cut(r, "\t")
		if strings.HasPrefix(toComplete, name+"/") {
			// Every chart of the repository: the shell filters.
			out = append(out, repoCharts(cmd, name)...)
			noSpace = false
			break
		}
		if strings.HasPrefix(name, toComplete) {
			out = append(out, name+"/\t"+desc)
			noSpace = true
		}
	}
	for _, p := range chartURLPrefixes {
		// As in Helm, a complete prefix is recognised only with its
		// description, so "oci://" is still offered (and a longer
		// reference falls back to file completion).
		switch {
		case strings.HasPrefix(toComplete, p):
			noFile, noSpace = true, true
		case strings.HasPrefix(p, toComplete):
			out = append(out, p)
			noSpace = true
		}
	}
	if includeFiles && len(out) > 0 && toComplete != "" {
		if entries, err := os.ReadDir("."); err == nil {
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), toComplete) {
					out = append(out, e.Name())
				}
			}
		}
	}
	if includeFiles && toComplete == "" {
		out = append(out, "./\tRelative path prefix to local chart", "/\tAbsolute path prefix to local chart")
	}
	dir := cobra.ShellCompDirectiveDefault
	if noFile || !includeFiles {
		dir |= cobra.ShellCompDirectiveNoFileComp
	}
	if noSpace {
		dir |= cobra.ShellCompDirectiveNoSpace
	}
	return out, dir
}

// repoCharts lists "REPO/CHART" for each chart of a repository's cache.
func repoCharts(cmd *cobra.Command, name string) []string {
	charts, _ := repo.CachedChartNames(repoPaths(cmd), name)
	out := make([]string, 0, len(charts))
	for _, c := range charts {
		out = append(out, name+"/"+c)
	}
	return out
}

// completeVersionFlag completes --version once the chart reference is
// argument number pos (counting from 0): for REPO/CHART the versions of
// the cached index with their app version, date and deprecation, as Helm
// does; for oci:// references the registry's tags, which Helm does not
// offer. pos is a function because it may depend on other flags
// (install's --generate-name).
func completeVersionFlag(cmd *cobra.Command, pos func() int) {
	_ = cmd.RegisterFlagCompletionFunc("version", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		p := pos()
		if len(args) != p+1 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return chartVersions(cmd, args[p]), cobra.ShellCompDirectiveNoFileComp
	})
}

func chartVersions(cmd *cobra.Command, ref string) []string {
	if repo.IsOCI(ref) {
		ctx, cancel := completionContext(cmd)
		defer cancel()
		tags, _ := repo.ListVersions(ctx, repo.ChartRequest{Ref: ref, Devel: true, Paths: repoPaths(cmd)})
		return tags
	}
	parts := strings.Split(ref, "/")
	if len(parts) != 2 {
		return nil
	}
	idx, err := repo.LoadCachedIndex(repoPaths(cmd), parts[0], nil)
	if err != nil {
		return nil
	}
	var out []string
	for _, v := range idx.Entries[parts[1]] {
		if v == nil || v.Metadata == nil {
			continue
		}
		desc := ""
		if v.AppVersion != "" {
			desc = "App: " + v.AppVersion + ", "
		}
		desc += "Created: " + v.Created.Format("January 2, 2006") + " "
		if v.Deprecated {
			desc += "(deprecated)"
		}
		out = append(out, v.Version+"\t"+desc)
	}
	return out
}

// completeNamespaces offers the cluster's namespaces for -n.
func completeNamespaces(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	k := kubeOf(cmd)
	client, err := k.client(k.namespace())
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	ctx, cancel := completionContext(cmd)
	defer cancel()
	timeout := int64(3)
	list, err := client.Core().CoreV1().Namespaces().List(ctx, metav1.ListOptions{TimeoutSeconds: &timeout})
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	names := []string{}
	for _, ns := range list.Items {
		names = append(names, ns.Name)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// completeKubeContexts offers the kubeconfig's contexts for --kube-context,
// each described by its cluster, sorted by name.
func completeKubeContexts(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	raw, err := kubeOf(cmd).config.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := []string{}
	for name, c := range raw.Contexts {
		out = append(out, name+"\t"+c.Cluster)
	}
	slices.Sort(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// addGlobalCompletions completes the global flags that name cluster
// objects.
func addGlobalCompletions(root *cobra.Command) {
	_ = root.RegisterFlagCompletionFunc("namespace", completeNamespaces)
	_ = root.RegisterFlagCompletionFunc("kube-context", completeKubeContexts)
}
