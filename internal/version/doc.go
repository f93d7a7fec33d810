// Package version reports the version of the redmx binary: a release string
// and the VCS revision it was built from (runtime/debug.ReadBuildInfo).
package version
