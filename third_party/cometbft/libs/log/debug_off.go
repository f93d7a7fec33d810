//go:build nodebug

package log

// LogDebug determines whether debug logs are stripped at compile time
const LogDebug = false
