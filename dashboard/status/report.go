package status

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	cmted "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
)

// Limits of a report, so that a peer cannot make a node keep or forward
// much: a signed report larger than MaxSignedSize is refused unread.
const (
	MaxSignedSize = 4096
	maxText       = 64
	maxUpgrades   = 16
)

// domain is prefixed to a report's body before signing, so that a
// signature made by the node key for anything else never verifies as a
// report.
const domain = "redmx status report v1\n"

// Report is what a node says about itself.
type Report struct {
	NodeID         string    `json:"node_id"`
	Moniker        string    `json:"moniker"`
	Network        string    `json:"network"` // CometBFT chain ID
	Seq            uint64    `json:"seq"`
	Time           int64     `json:"time_ms"` // the reporter's clock, Unix ms
	Started        int64     `json:"started_ms"`
	Height         int64     `json:"height"`
	LastBlockTime  int64     `json:"last_block_ms"`
	Peers          int       `json:"peers"`
	Version        string    `json:"version"`
	Upgrades       []string  `json:"upgrades"`
	Validator      string    `json:"validator,omitempty"` // consensus address, hex
	ConsensusAlive bool      `json:"consensus_alive"`
	CatchingUp     bool      `json:"catching_up"`
	Resources      Resources `json:"resources"`
}

// Resources are the reporting host's.
type Resources struct {
	CPUs      int    `json:"cpus"`
	MemTotal  uint64 `json:"mem_total"`
	MemFree   uint64 `json:"mem_available"`
	DiskTotal uint64 `json:"disk_total"`
	DiskFree  uint64 `json:"disk_free"`
}

// Signed is a report as sent: its JSON body, the node's public key and the
// signature of domain+body.
type Signed struct {
	Body   []byte `json:"body"`
	PubKey []byte `json:"pub_key"`
	Sig    []byte `json:"sig"`
}

// Sign encodes r and signs it with key, which must be r.NodeID's.
func Sign(r Report, key ed25519.PrivateKey) ([]byte, error) {
	r.trim()
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	pub := key.Public().(ed25519.PublicKey)
	s := Signed{Body: body, PubKey: pub, Sig: ed25519.Sign(key, append([]byte(domain), body...))}
	out, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	if len(out) > MaxSignedSize {
		return nil, fmt.Errorf("status report of %d bytes, more than %d", len(out), MaxSignedSize)
	}
	return out, nil
}

// Errors of [Verify].
var (
	ErrTooLarge  = errors.New("status report too large")
	ErrMalformed = errors.New("malformed status report")
	ErrSignature = errors.New("status report signature does not verify")
	ErrNotSigner = errors.New("status report of another node than its key's")
)

// Verify decodes a signed report and checks its signature and that its key
// is the node ID it claims.
func Verify(data []byte) (Report, error) {
	var r Report
	if len(data) > MaxSignedSize {
		return r, ErrTooLarge
	}
	var s Signed
	if err := json.Unmarshal(data, &s); err != nil {
		return r, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(s.PubKey) != ed25519.PublicKeySize || len(s.Sig) != ed25519.SignatureSize {
		return r, fmt.Errorf("%w: key or signature size", ErrMalformed)
	}
	if !ed25519.Verify(s.PubKey, append([]byte(domain), s.Body...), s.Sig) {
		return r, ErrSignature
	}
	if err := json.Unmarshal(s.Body, &r); err != nil {
		return r, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if id := string(p2p.PubKeyToID(cmted.PubKey(s.PubKey))); id != r.NodeID {
		return r, fmt.Errorf("%w: key of %s, report of %q", ErrNotSigner, id, r.NodeID)
	}
	r.trim()
	return r, nil
}

// trim bounds the free-form fields.
func (r *Report) trim() {
	r.Moniker = cut(r.Moniker)
	r.Version = cut(r.Version)
	r.Validator = cut(r.Validator)
	r.Network = cut(r.Network)
	// A copy: the caller's slice may be shared (the node's known upgrades).
	ups := r.Upgrades[:min(len(r.Upgrades), maxUpgrades)]
	r.Upgrades = make([]string, len(ups))
	for i, u := range ups {
		r.Upgrades[i] = cut(u)
	}
}

func cut(s string) string {
	if len(s) > maxText {
		return s[:maxText]
	}
	return s
}

// ReportTime is r's time as a time.Time.
func (r Report) ReportTime() time.Time { return time.UnixMilli(r.Time) }
