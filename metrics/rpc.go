package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
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
		body, err := readBody(r, bodyLimit)
		r.Body.Close()
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		label := m.countCalls(body)
		next.ServeHTTP(w, r)
		m.rpcDuration.WithLabelValues(label).Observe(time.Since(start).Seconds())
	})
}

// readBody reads up to limit+1 bytes of r's body, in one allocation when
// the client gave its length.
func readBody(r *http.Request, limit int) ([]byte, error) {
	body := io.LimitReader(r.Body, int64(limit)+1)
	n := r.ContentLength
	if n <= 0 || n > int64(limit) {
		return io.ReadAll(body)
	}
	buf := make([]byte, n+1) // one more: a body longer than announced shows
	k, err := io.ReadFull(body, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	if err == nil && k == len(buf) {
		// Longer than announced: the rest, within the limit.
		rest, rerr := io.ReadAll(body)
		return append(buf, rest...), rerr
	}
	return buf[:k], err
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
	label := m.method(methodOf(body))
	m.rpcRequests.WithLabelValues(label).Inc()
	return label
}

// methodOf reads a single call's "method" without scanning what follows
// it (clients send it before the params, which may be large); "" if it
// has none or does not parse up to it.
func methodOf(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return ""
		}
		if key == "method" {
			var name string
			if dec.Decode(&name) != nil {
				return ""
			}
			return name
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// method is name if the node serves it, else [Other].
func (m *Metrics) method(name string) string {
	if m.rpcMethods[name] {
		return name
	}
	return Other
}
