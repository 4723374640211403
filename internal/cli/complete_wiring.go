package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// argCompletions say what each command completes for its arguments, by
// command path below the root. Commands not listed complete files, as
// cobra does by default and as Helm leaves them (lint, package,
// dependency, search repo).
var argCompletions = map[string]cobra.CompletionFunc{
	"completion bash":       noMoreArgs,
	"completion zsh":        noMoreArgs,
	"completion fish":       noMoreArgs,
	"completion powershell": noMoreArgs,
	"create":                firstArgFiles,
	"env":                   firstArg(completeEnvNames),
	"get all":               firstArgReleases,
	"get hooks":             firstArgReleases,
	"get manifest":          firstArgReleases,
	"get metadata":          firstArgReleases,
	"get notes":             firstArgReleases,
	"get values":            firstArgReleases,
	"history":               firstArgReleases,
	"install":               completeInstallArgs,
	"list":                  noMoreArgs,
	"plugin install":        firstArgFiles,
	"plugin list":           noMoreArgs,
	"pull":                  completePullArgs,
	"push":                  completePushArgs,
	"registry login":        cobra.NoFileCompletions,
	"registry logout":       cobra.NoFileCompletions,
	"repo add":              completeRepoAddArgs,
	"repo index":            firstArgFiles,
	"repo list":             noMoreArgs,
	"repo remove":           completeRepoArgs,
	"repo update":           completeRepoArgs,
	"rollback":              completeReleaseThenRevision,
	"show all":              firstArgCharts,
	"show chart":            firstArgCharts,
	"show crds":             firstArgCharts,
	"show readme":           firstArgCharts,
	"show values":           firstArgCharts,
	"show versions":         firstArgCharts,
	"status":                firstArgReleases,
	"template":              completeInstallArgs,
	"test":                  firstArgReleases,
	"uninstall":             completeReleases,
	"upgrade":               completeUpgradeArgs,
	"verify":                firstArgFiles,
	"version":               noMoreArgs,
	// kpkg's own commands.
	"diff upgrade":  completeUpgradeArgs,
	"diff revision": completeReleaseThenRevision,
	"diff rollback": completeReleaseThenRevision,
}

// versionArg says which argument --version completes the versions of,
// by command path; -1 means it depends on --generate-name.
var versionArg = map[string]int{
	"install":      -1,
	"template":     -1,
	"upgrade":      1,
	"diff upgrade": 1,
	"pull":         0,
	"show all":     0,
	"show chart":   0,
	"show crds":    0,
	"show readme":  0,
	"show values":  0,
}

// revisionFlag lists the commands whose --revision completes revisions.
var revisionFlag = []string{"get all", "get hooks", "get manifest", "get metadata", "get notes", "get values", "status"}

// wireCompletions attaches the completions above to the command tree.
func wireCompletions(root *cobra.Command) {
	addGlobalCompletions(root)
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), root.Name()), " ")
		if fn, ok := argCompletions[path]; ok && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = fn
		}
		if pos, ok := versionArg[path]; ok {
			completeVersionFlag(c, func() int { return chartArgPos(c, pos) })
		}
		for _, p := range revisionFlag {
			if p == path {
				completeRevisionFlag(c)
			}
		}
		if f := c.Flags().Lookup("output"); f != nil && f.Value.Type() == "format" {
			completeOutputFlag(c)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// chartArgPos is the index of the CHART argument: pos, or for install
// and template 0 with --generate-name and 1 without.
func chartArgPos(c *cobra.Command, pos int) int {
	if pos >= 0 {
		return pos
	}
	if g, err := c.Flags().GetBool("generate-name"); err == nil && g {
		return 0
	}
	return 1
}

// completeInstallArgs completes the chart where it is expected: the first
// argument with --generate-name, else the second.
func completeInstallArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == chartArgPos(cmd, -1) {
		return completeCharts(cmd, toComplete, true)
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// completeUpgradeArgs completes RELEASE, then CHART.
func completeUpgradeArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return completeReleases(cmd, args, toComplete)
	case 1:
		return completeCharts(cmd, toComplete, true)
	}
	return noMoreArgs(cmd, args, toComplete)
}

// completeReleaseThenRevision completes RELEASE, then one of its
// revisions.
func completeReleaseThenRevision(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return completeReleases(cmd, args, toComplete)
	case 1:
		return completeRevisions(cmd, args[0])
	}
	return noMoreArgs(cmd, args, toComplete)
}

// completePullArgs completes one chart reference from repositories (no
// local files: pull downloads).
func completePullArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) != 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return completeCharts(cmd, toComplete, false)
}

// completePushArgs completes the archive (a file), then the remote's
// scheme.
func completePushArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return nil, cobra.ShellCompDirectiveDefault
	case 1:
		return []string{"oci://"}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	return noMoreArgs(cmd, args, toComplete)
}

// completeRepoAddArgs completes nothing for NAME and URL.
func completeRepoAddArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 1 {
		return noMoreArgs(cmd, args, toComplete)
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// completeEnvNames offers the names of Helm's variables.
func completeEnvNames(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	var names []string
	for _, v := range envSettings(cmd).Vars() {
		names = append(names, v.Name)
	}
	slices.Sort(names)
	return names, cobra.ShellCompDirectiveNoFileComp
}
