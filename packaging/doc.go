// Package packaging holds what installs redmx on a host: its systemd unit
// (redmx.service), which 'redmx init --service' writes for a node's home,
// binary and user.
package packaging
