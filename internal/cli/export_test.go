package cli

// UnsetToolEnv is unsetToolEnv, for the tests of package cli_test.
var UnsetToolEnv = unsetToolEnv
