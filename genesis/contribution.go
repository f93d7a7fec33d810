package genesis

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/redmx/redmx/governance"
)

// A founders' genesis ceremony: each founding institution makes its keys on
// its own machine and sends only a Contribution, the public parts signed by
// every key in it; a coordinator assembles the contributions and a Base (what
// the founders agreed on: chain, terms, roles) into the Founders of the
// genesis, and each founder checks with [Contribution.CheckIn] that its keys
// are in the genesis as it contributed them.

// contributionDomain prefixes what a contribution's keys sign, so that the
// signature can never be read as a transaction, a consensus vote, a p2p
// handshake or a node application.
const contributionDomain = "redmx genesis contribution\n"

// Contribution is the public part of one founding institution: its
// identity, its accounts, its officers' accounts and its validator nodes,
// each key's signature over [Contribution.Message] proving that its owner
// made it (no key can be swapped in or out unnoticed).
type Contribution struct {
	ChainID    uint64 `json:"chainId"`
	ChainName  string `json:"chainName"`
	Collective string `json:"collective"`
	Label      string `json:"label"`
	// Institution is the institution's salted commitment; the salt stays
	// with the institution.
	Institution common.Hash            `json:"institution"`
	Accounts    []SignedAccount        `json:"accounts"`
	Officers    []ContributedOfficer   `json:"officers,omitempty"`
	Validators  []ContributedValidator `json:"validators,omitempty"`
}

// SignedAccount is an account and its signature (EIP-191 personal_sign) of
// the contribution's message.
type SignedAccount struct {
	Address   common.Address `json:"address"`
	Signature hexutil.Bytes  `json:"signature"`
}

// ContributedOfficer is a person of the institution who may be seated on a
// council from genesis (an individual record of the institution's
// collective); the base gives the role.
type ContributedOfficer struct {
	Label    string          `json:"label"`
	Accounts []SignedAccount `json:"accounts"`
}

// ContributedValidator is a validator node: its p2p key (whose hash is its
// node ID) and consensus key, each signing the contribution's message.
type ContributedValidator struct {
	Name          string `json:"name"`
	NodeID        string `json:"nodeId"`
	NodeKey       []byte `json:"nodeKey"` // ed25519 p2p public key, base64
	PubKey        []byte `json:"pubKey"`  // ed25519 consensus public key, base64
	NodeSignature []byte `json:"nodeSignature"`
	KeySignature  []byte `json:"keySignature"`
}

// Bounds on a contribution, so that a hostile file cannot make the
// coordinator do unbounded work.
const (
	maxContributionAccounts   = 16
	maxContributionOfficers   = 16
	maxContributionValidators = 16
	maxContributionLabel      = 200
)

// ErrContribution is a contribution that cannot be used.
var ErrContribution = errors.New("invalid contribution")

// ParseContribution decodes a contribution, refusing unknown fields.
func ParseContribution(data []byte) (*Contribution, error) {
	var c Contribution
	if err := decodeStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrContribution, err)
	}
	return &c, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON object")
	}
	return nil
}

// addresses lists the accounts of s.
func addresses(s []SignedAccount) []common.Address {
	out := make([]common.Address, len(s))
	for i, a := range s {
		out[i] = a.Address
	}
	return out
}

// Message is what every key of the contribution signs: keccak256 of the
// domain and the RLP encoding of everything but the signatures, the chain's
// ID and name first (a contribution to one network is no contribution to
// another).
func (c *Contribution) Message() common.Hash {
	type officer struct {
		Label    string
		Accounts []common.Address
	}
	type validator struct {
		Name            string
		NodeKey, PubKey []byte
	}
	body := struct {
		ChainID                      uint64
		ChainName, Collective, Label string
		Institution                  common.Hash
		Accounts                     []common.Address
		Officers                     []officer
		Validators                   []validator
	}{c.ChainID, c.ChainName, c.Collective, c.Label, c.Institution, addresses(c.Accounts), nil, nil}
	for _, o := range c.Officers {
		body.Officers = append(body.Officers, officer{o.Label, addresses(o.Accounts)})
	}
	for _, v := range c.Validators {
		body.Validators = append(body.Validators, validator{v.Name, v.NodeKey, v.PubKey})
	}
	enc, err := rlp.EncodeToBytes(body)
	if err != nil { // strings, byte slices and integers always encode
		panic(err)
	}
	return crypto.Keccak256Hash([]byte(contributionDomain), enc)
}

// AccountSigningHash is the hash an account signs for message: EIP-191's
// personal_sign of its 32 bytes, which wallets and go-ethereum's keystore
// sign.
func AccountSigningHash(message common.Hash) []byte { return accounts.TextHash(message[:]) }

// SignContribution is an ed25519 key's signature of message.
func SignContribution(priv ed25519.PrivateKey, message common.Hash) []byte {
	return ed25519.Sign(priv, append([]byte(contributionDomain), message[:]...))
}

func verifyEd25519(pub, sig []byte, message common.Hash) bool {
	return len(pub) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize &&
		ed25519.Verify(pub, append([]byte(contributionDomain), message[:]...), sig)
}

func accountSigned(a SignedAccount, message common.Hash) bool {
	if len(a.Signature) != crypto.SignatureLength {
		return false
	}
	sig := slices.Clone([]byte(a.Signature))
	if sig[crypto.RecoveryIDOffset] >= 27 { // wallets' personal_sign writes v as 27 or 28
		sig[crypto.RecoveryIDOffset] -= 27
	}
	pub, err := crypto.SigToPub(AccountSigningHash(message), sig)
	return err == nil && crypto.PubkeyToAddress(*pub) == a.Address
}

// Verify checks the contribution's shape and every signature in it. Its
// errors say what to fix and who must fix it.
func (c *Contribution) Verify() error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s: "+format, append([]any{ErrContribution, c.Label}, a...)...)
	}
	if c.Label == "" || len(c.Label) > maxContributionLabel {
		return fmt.Errorf("%w: label must be 1 to %d bytes", ErrContribution, maxContributionLabel)
	}
	switch {
	case c.ChainID == 0 || c.ChainName == "":
		return fail("chainId and chainName are required")
	case c.Collective == "":
		return fail("collective is required")
	case c.Institution == (common.Hash{}):
		return fail("institution (the salted commitment) is required")
	case len(c.Accounts) == 0 || len(c.Accounts) > maxContributionAccounts:
		return fail("1 to %d accounts are required, got %d", maxContributionAccounts, len(c.Accounts))
	case len(c.Officers) > maxContributionOfficers:
		return fail("at most %d officers, got %d", maxContributionOfficers, len(c.Officers))
	case len(c.Validators) > maxContributionValidators:
		return fail("at most %d validators, got %d", maxContributionValidators, len(c.Validators))
	}
	msg := c.Message()
	resign := fmt.Sprintf("the file was changed after its keys signed it: ask %s for the file 'redmx genesis contribute' wrote", c.Label)
	seen := make(map[common.Address]bool)
	checkAccounts := func(where string, accs []SignedAccount) error {
		if len(accs) == 0 || len(accs) > maxContributionAccounts {
			return fail("%s: 1 to %d accounts are required, got %d", where, maxContributionAccounts, len(accs))
		}
		for _, a := range accs {
			if seen[a.Address] {
				return fail("%s: account %s is listed twice", where, a.Address.Hex())
			}
			seen[a.Address] = true
			if !accountSigned(a, msg) {
				return fail("%s: account %s: signature does not verify (%s)", where, a.Address.Hex(), resign)
			}
		}
		return nil
	}
	if err := checkAccounts("accounts", c.Accounts); err != nil {
		return err
	}
	labels := make(map[string]bool)
	for i, o := range c.Officers {
		if o.Label == "" || len(o.Label) > maxContributionLabel || labels[o.Label] {
			return fail("officers[%d]: label must be 1 to %d bytes and not repeated", i, maxContributionLabel)
		}
		labels[o.Label] = true
		if err := checkAccounts(fmt.Sprintf("officer %q", o.Label), o.Accounts); err != nil {
			return err
		}
	}
	for i, v := range c.Validators {
		where := fmt.Sprintf("validators[%d] (%s)", i, v.Name)
		if v.Name == "" || len(v.Name) > maxContributionLabel {
			return fail("%s: name must be 1 to %d bytes", where, maxContributionLabel)
		}
		if len(v.NodeKey) != ed25519.PublicKeySize || len(v.PubKey) != ed25519.PublicKeySize {
			return fail("%s: nodeKey and pubKey must be ed25519 public keys (%d bytes, base64)", where, ed25519.PublicKeySize)
		}
		if id := governance.NodeIDOf([32]byte(v.NodeKey)); v.NodeID != hex.EncodeToString(id[:]) {
			return fail("%s: nodeId %s is not the ID of nodeKey (%x)", where, v.NodeID, id)
		}
		if !verifyEd25519(v.NodeKey, v.NodeSignature, msg) {
			return fail("%s: node key signature does not verify (%s)", where, resign)
		}
		if !verifyEd25519(v.PubKey, v.KeySignature, msg) {
			return fail("%s: consensus key signature does not verify (%s)", where, resign)
		}
	}
	return nil
}

// Base is what the founders agree on besides their keys: the chain and its
// parameters (as in [Founders]), each institution's place, by the label of
// its contribution, and the officers' roles, by their labels.
type Base struct {
	Network
	Collectives []BaseCollective `json:"collectives"`
	Officers    []BaseOfficer    `json:"officers"`
}

// BaseCollective lists a collective's founding institutions in record
// order.
type BaseCollective struct {
	Name         string            `json:"name"`
	GasBudget    uint64            `json:"gasBudget,omitempty"` // capital budget, gas per epoch (FoundingCollective)
	Institutions []BaseInstitution `json:"institutions"`
}

// BaseInstitution places one contribution, by its label.
type BaseInstitution struct {
	Label       string `json:"label"`
	Leader      bool   `json:"leader,omitempty"`
	TermEnd     uint64 `json:"termEnd,omitempty"`
	GasPerEpoch uint64 `json:"gasPerEpoch,omitempty"`
}

// BaseOfficer seats a contributed officer, by its label, in a role
// (secretary, projects-commission, nodes-commission or advisory); the
// officer's collective is its institution's.
type BaseOfficer struct {
	Role        string `json:"role"`
	Officer     string `json:"officer"`
	TermEnd     uint64 `json:"termEnd"`
	GasPerEpoch uint64 `json:"gasPerEpoch,omitempty"`
}

// ParseBase decodes a ceremony's base file, refusing unknown fields.
func ParseBase(data []byte) (*Base, error) {
	var b Base
	if err := decodeStrict(data, &b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFounders, err)
	}
	return &b, nil
}

// Assemble checks every contribution (its signatures, its chain, that it
// has a place in base and repeats no other's key) and builds the founders
// file of the genesis: base's collectives and officers, with the keys the
// contributions hold. Every contribution must be placed and every place
// filled.
func Assemble(base *Base, contribs []*Contribution) (*Founders, error) {
	fail := func(format string, a ...any) (*Founders, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrContribution}, a...)...)
	}
	byLabel := make(map[string]*Contribution, len(contribs))
	officers := make(map[string]*Contribution) // officer label -> its institution
	owner := make(map[string]string)           // any key or commitment -> the label that holds it
	claim := func(kind string, key []byte, label string) error {
		k := kind + string(key)
		if other, dup := owner[k]; dup {
			return fmt.Errorf("%w: %s %x is in the contributions of both %s and %s: each key belongs to one institution; ask them which is theirs",
				ErrContribution, kind, key, other, label)
		}
		owner[k] = label
		return nil
	}
	for _, c := range contribs {
		if err := c.Verify(); err != nil {
			return nil, err
		}
		if c.ChainID != base.ChainID || c.ChainName != base.ChainName {
			return fail("%s: made for chain %d %q, the base is chain %d %q: ask %s to run 'redmx genesis contribute' again with the agreed --chain-id and --chain-name",
				c.Label, c.ChainID, c.ChainName, base.ChainID, base.ChainName, c.Label)
		}
		if byLabel[c.Label] != nil {
			return fail("two contributions are labelled %s: keep the one its founder sent last, or have them relabelled", c.Label)
		}
		byLabel[c.Label] = c
		if err := claim("institution commitment", c.Institution[:], c.Label); err != nil {
			return nil, err
		}
		for _, a := range c.Accounts {
			if err := claim("account", a.Address[:], c.Label); err != nil {
				return nil, err
			}
		}
		for _, o := range c.Officers {
			if other := officers[o.Label]; other != nil {
				return fail("officer %q is contributed by both %s and %s: officer labels must be unique", o.Label, other.Label, c.Label)
			}
			officers[o.Label] = c
			for _, a := range o.Accounts {
				if err := claim("account", a.Address[:], c.Label); err != nil {
					return nil, err
				}
			}
		}
		for _, v := range c.Validators {
			if err := claim("node key", v.NodeKey, c.Label); err != nil {
				return nil, err
			}
			if err := claim("consensus key", v.PubKey, c.Label); err != nil {
				return nil, err
			}
		}
	}

	f := &Founders{Network: base.Network}
	placed := make(map[string]bool)
	for ci, bc := range base.Collectives {
		fc := FoundingCollective{Name: bc.Name, GasBudget: bc.GasBudget}
		for ii, bi := range bc.Institutions {
			c := byLabel[bi.Label]
			if c == nil {
				return fail("collectives[%d].institutions[%d]: no contribution is labelled %s: ask its founder for the file 'redmx genesis contribute' wrote", ci, ii, bi.Label)
			}
			if placed[bi.Label] {
				return fail("collectives[%d].institutions[%d]: %s is placed twice in the base", ci, ii, bi.Label)
			}
			placed[bi.Label] = true
			if c.Collective != bc.Name {
				return fail("%s contributed to collective %q, the base places it in %q: correct the base, or ask %s to contribute again with --collective %s",
					c.Label, c.Collective, bc.Name, c.Label, bc.Name)
			}
			in := Institution{
				Label: c.Label, Institution: c.Institution, Accounts: addresses(c.Accounts),
				Leader: bi.Leader, TermEnd: bi.TermEnd, GasPerEpoch: bi.GasPerEpoch,
			}
			for _, v := range c.Validators {
				in.Validators = append(in.Validators, FoundingValidator{Name: v.Name, NodeID: v.NodeID, PubKey: v.PubKey})
			}
			fc.Institutions = append(fc.Institutions, in)
		}
		f.Collectives = append(f.Collectives, fc)
	}
	for _, c := range contribs {
		if !placed[c.Label] {
			return fail("%s (collective %s) is not in the base: add it to collectives[].institutions, or leave its file out", c.Label, c.Collective)
		}
	}
	seated := make(map[string]bool)
	for oi, bo := range base.Officers {
		c := officers[bo.Officer]
		if c == nil {
			return fail("officers[%d] (%s): no contribution has an officer labelled %q: ask the officer's institution to contribute again with --officer %q", oi, bo.Role, bo.Officer, bo.Officer)
		}
		if seated[bo.Officer] {
			return fail("officers[%d]: %q is seated twice; a person holds one seat", oi, bo.Officer)
		}
		seated[bo.Officer] = true
		i := slices.IndexFunc(c.Officers, func(o ContributedOfficer) bool { return o.Label == bo.Officer })
		f.Officers = append(f.Officers, Officer{
			Role: bo.Role, Collective: c.Collective, Label: bo.Officer, Institution: c.Institution,
			Accounts: addresses(c.Officers[i].Accounts), TermEnd: bo.TermEnd, GasPerEpoch: bo.GasPerEpoch,
		})
	}
	for _, c := range contribs {
		for _, o := range c.Officers {
			if !seated[o.Label] {
				return fail("officer %q of %s has no seat in the base: add it to officers, or ask %s to contribute again without it", o.Label, c.Label, c.Label)
			}
		}
	}
	return f, nil
}

// CheckIn reports whether the genesis whose CometBFT chain-id is chainName
// and app_state s holds the contribution as it was made: the chain, the
// institution's record (collective, commitment, exactly its accounts), its
// validators (in CometBFT's set and governance's nodes, run by that record)
// and its officers' records. It returns a line per part found, for people.
func (c *Contribution) CheckIn(chainName string, s *AppState) ([]string, error) {
	fail := func(format string, a ...any) ([]string, error) {
		return nil, fmt.Errorf("%s: "+format, append([]any{c.Label}, a...)...)
	}
	if err := c.Verify(); err != nil {
		return nil, err
	}
	if s.ChainID != c.ChainID || chainName != c.ChainName {
		return fail("the genesis is chain %d %q, the contribution was made for %d %q", s.ChainID, chainName, c.ChainID, c.ChainName)
	}
	g := s.Governance
	if g == nil {
		return fail("the genesis has no governance, so none of the contribution's records")
	}
	find := func(kind governance.RecordKind, label string, accs []common.Address) (uint64, error) {
		for i, r := range g.Records {
			if r.Kind != kind || r.Label != label {
				continue
			}
			switch {
			case r.Collective != c.Collective:
				return 0, fmt.Errorf("%q is in collective %q, not %q", label, r.Collective, c.Collective)
			case r.Institution != c.Institution:
				return 0, fmt.Errorf("%q has institution commitment %s, not %s", label, r.Institution.Hex(), c.Institution.Hex())
			case !slices.Equal(r.Accounts, accs):
				return 0, fmt.Errorf("%q has accounts %v, not the contributed %v", label, r.Accounts, accs)
			}
			return uint64(i + 1), nil
		}
		return 0, fmt.Errorf("no %s record is labelled %q", kind, label)
	}
	seats := func(rec uint64) string {
		var held []string
		for _, st := range g.Seats {
			if st.Record == rec {
				held = append(held, st.Role.String())
			}
		}
		if len(held) == 0 {
			return "no seat"
		}
		return strings.Join(held, ", ")
	}
	id, err := find(governance.KindInstitution, c.Label, addresses(c.Accounts))
	if err != nil {
		return fail("%v", err)
	}
	lines := []string{fmt.Sprintf("institution %s: record %d of %s (%s), accounts %v", c.Label, id, c.Collective, seats(id), addresses(c.Accounts))}
	for _, v := range c.Validators {
		if !slices.ContainsFunc(s.Validators, func(gv Validator) bool {
			return gv.Name == v.Name && gv.Collective == c.Collective && bytes.Equal(gv.PubKey, v.PubKey)
		}) {
			return fail("validator %s is not a genesis validator of %s with the contributed consensus key", v.Name, c.Collective)
		}
		if !slices.ContainsFunc(g.Nodes, func(n governance.FoundingNode) bool {
			return hex.EncodeToString(n.NodeID[:]) == v.NodeID && n.Operator == id && n.Collective == c.Collective &&
				n.Role == governance.NodeValidator && bytes.Equal(n.PubKey, v.PubKey)
		}) {
			return fail("validator %s: no governance validator node %s run by record %d with the contributed consensus key", v.Name, v.NodeID, id)
		}
		lines = append(lines, fmt.Sprintf("validator %s: node %s, consensus key %s", v.Name, v.NodeID, base64.StdEncoding.EncodeToString(v.PubKey)))
	}
	for _, n := range g.Nodes {
		if n.Operator == id && !slices.ContainsFunc(c.Validators, func(v ContributedValidator) bool { return v.NodeID == hex.EncodeToString(n.NodeID[:]) }) {
			return fail("the genesis has node %x run by record %d, which %s did not contribute", n.NodeID, id, c.Label)
		}
	}
	for _, o := range c.Officers {
		oid, err := find(governance.KindIndividual, o.Label, addresses(o.Accounts))
		if err != nil {
			return fail("officer: %v", err)
		}
		lines = append(lines, fmt.Sprintf("officer %s: record %d (%s), accounts %v", o.Label, oid, seats(oid), addresses(o.Accounts)))
	}
	return lines, nil
}
