// Package sysmem reads how much memory this process may use, to size the
// node's caches and the Go heap's soft limit.
package sysmem
