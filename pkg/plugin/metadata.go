package plugin

// FileName is the metadata file every plugin directory holds.
const FileName = "plugin.yaml"

// Hook events, the keys of Metadata.Hooks and Metadata.PlatformHooks.
const (
	// HookInstall runs after the plugin is placed in the plugins directory.
	HookInstall = "install"
	// HookUpdate runs after the plugin is updated.
	HookUpdate = "update"
	// HookDelete runs after the plugin directory is removed.
	HookDelete = "delete"
)

// Metadata is plugin.yaml. Field names and JSON tags are Helm's, so the same
// files load in both tools and unknown fields are refused as Helm refuses
// them.
type Metadata struct {
	// Name is the command name ("kpkg NAME"): ASCII letters, digits, "_"
	// and "-" only.
	Name string `json:"name"`
	// Version is the plugin's version, shown by "plugin list"; not checked.
	Version string `json:"version"`
	// Usage is the one-line help text; control characters are removed.
	Usage string `json:"usage"`
	// Description is the long help text.
	Description string `json:"description"`
	// Command is the single-string command, split on spaces; used when
	// PlatformCommand is empty.
	Command string `json:"command"`
	// PlatformCommand lists commands per operating system and architecture.
	PlatformCommand []PlatformCommand `json:"platformCommand"`
	// IgnoreFlags drops every argument given after the plugin name instead
	// of passing them on.
	IgnoreFlags bool `json:"ignoreFlags"`
	// Hooks maps events to shell command lines run with "sh -c"; used for
	// events that PlatformHooks does not list.
	Hooks Hooks `json:"hooks"`
	// PlatformHooks maps events to commands per platform.
	PlatformHooks PlatformHooks `json:"platformHooks"`
	// Downloaders are the URL schemes the plugin can fetch.
	Downloaders []Downloader `json:"downloaders"`
	// UseTunnel is a Helm 2 field, accepted and ignored.
	UseTunnel bool `json:"useTunnel,omitempty"`
}

// PlatformCommand is a command for one platform. An empty OS or Arch matches
// any; Args follow the words of Command.
type PlatformCommand struct {
	OS      string   `json:"os"`
	Arch    string   `json:"arch"`
	Command string   `json:"command"`
	Args    []string `json:"args"`
}

// Hooks maps an event (HookInstall, HookUpdate, HookDelete) to a shell command line.
type Hooks map[string]string

// PlatformHooks maps an event to commands per platform.
type PlatformHooks map[string][]PlatformCommand

// Downloader is a command that fetches URLs of the given schemes. Command is
// relative to the plugin directory and split on spaces.
type Downloader struct {
	Command   string   `json:"command"`
	Protocols []string `json:"protocols"`
}

// Plugin is a loaded plugin.
type Plugin struct {
	// Metadata is the parsed plugin.yaml.
	Metadata Metadata
	// Dir is the plugin's directory as found (a symlink is not resolved):
	// what HELM_PLUGIN_DIR is set to.
	Dir string
	// Warnings are problems Helm accepts but reports, such as setting both
	// command and platformCommand.
	Warnings []string
}

// Name is the plugin's name.
func (p *Plugin) Name() string { return p.Metadata.Name }
