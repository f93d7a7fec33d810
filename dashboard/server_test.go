package dashboard

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestReadOnly: the dashboard answers only GET and HEAD, serves its page and
// static files with a restrictive content policy, and refuses long queries.
func TestReadOnly(t *testing.T) {
	s := New(Config{})
	for _, tc := range []struct {
		method, target string
		code           int
		body           string
	}{
		{"GET", "/dashboard/", 200, "<title>redmx network dashboard</title>"},
		{"GET", "/dashboard/app.js", 200, "api/snapshot"},
		{"GET", "/dashboard/api/snapshot", 200, "{}"},
		{"GET", "/dashboard", 301, ""},
		{"GET", "/dashboard/api/nothing", 404, ""},
		{"POST", "/dashboard/api/snapshot", 405, "read-only"},
		{"PUT", "/dashboard/", 405, ""},
		{"GET", "/dashboard/api/search?q=" + strings.Repeat("1", maxQuery), 414, ""},
	} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(tc.method, tc.target, nil))
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s %s: %d %.80q, want %d containing %q", tc.method, tc.target, w.Code, w.Body.String(), tc.code, tc.body)
		}
		if tc.code == http.StatusOK && !strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s %s: no content security policy", tc.method, tc.target)
		}
	}
}
