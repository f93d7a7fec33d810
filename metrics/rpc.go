package metrics

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// Batch is the method label of a batch's duration.
const Batch = "batch"

// RPC wraps a JSON-RPC HTTP handler: it counts each call of a POST request
// by method and times the request. The body is read once, up to bodyLimit+1
// bytes (the server refuses a longer one itself), and handed on unchanged.
// WebSocket upgrades and other requests pass through uncounted.
func (m *Metrics) RPC(next http.Handler, bodyLimit int) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		body, err := io.ReadAll(io.LimitReader(r.Body, int64(bodyLimit)+1))
		r.Body.Close()
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		label := m.countCalls(body)
		next.ServeHTTP(w, r)
		m.rpcDuration.WithLabelValues(label).Observe(time.Since(start).Seconds())
	})
}

// errReader returns err, or io.EOF for nil: a body cut short by the network
// still fails as it would have.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// countCalls counts the calls of a request body and returns the label of
// its duration: the method, [Batch], or [Other] for what does not parse.
func (m *Metrics) countCalls(body []byte) string {
	body = bytes.TrimLeft(body, " \t\r\n")
	if len(body) > 0 && body[0] == '[' {
		var calls []struct {
			Method string `json:"method"`
		}
		if json.Unmarshal(body, &calls) != nil {
			m.rpcRequests.WithLabelValues(Other).Inc()
			return Batch
		}
		for _, c := range calls {
			m.rpcRequests.WithLabelValues(m.method(c.Method)).Inc()
		}
		return Batch
	}
	var call struct {
		Method string `json:"method"`
	}
	if json.Unmarshal(body, &call) != nil {
		m.rpcRequests.WithLabelValues(Other).Inc()
		return Other
	}
	label := m.method(call.Method)
	m.rpcRequests.WithLabelValues(label).Inc()
	return label
}

// method is name if the node serves it, else [Other].
func (m *Metrics) method(name string) string {
	if m.rpcMethods[name] {
		return name
	}
	return Other
}
