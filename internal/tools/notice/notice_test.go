package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite NOTICE")

// TestNotice: the committed NOTICE is what the tool makes from go.mod now.
// A new or upgraded dependency changes it: `go test ./internal/tools/notice
// -update` rewrites it, to be reviewed and committed.
func TestNotice(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	mods, err := linkedModules(root)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := classifyAll(mods)
	if err != nil {
		t.Fatal(err)
	}
	want := render(ls)
	path := filepath.Join(root, "NOTICE")
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("NOTICE is out of date with go.mod: run go test ./internal/tools/notice -update, and review the change")
	}
	for _, m := range []string{"github.com/ethereum/go-ethereum ", "github.com/cometbft/cometbft "} {
		if !bytes.Contains(got, []byte("\n"+m)) {
			t.Errorf("NOTICE does not list %s", m)
		}
	}
}

// TestClassify: the licence texts of the module cache are told apart.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		text string
		want string
	}{
		{"Permission is hereby granted, free of charge, to any person ... The above copyright notice and this\n permission notice shall be included in all copies", "MIT"},
		{"Redistribution and use in source and binary forms, with or without modification ... this list of conditions and the following disclaimer. Neither the name of X", "BSD-3-Clause"},
		{"Redistribution and use in source and binary forms ... this list of conditions and the following disclaimer.", "BSD-2-Clause"},
		{"Apache License\n Version 2.0, January 2004", "Apache-2.0"},
		// The MPL names the LGPL as a secondary licence: it is not the LGPL.
		{"Mozilla Public License Version 2.0 ... GNU Lesser General Public License, Version 2.1", "MPL-2.0"},
		{"GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007 ... GNU General Public License", "LGPL-3.0"},
		{"no licence here", ""},
	} {
		if got := strings.Join(classify([]byte(c.text)), " "); got != c.want {
			t.Errorf("classify(%.40q) = %q, want %q", c.text, got, c.want)
		}
	}
	if d := spdx.FindSubmatch([]byte("terms.\n<!--- SPDX-License-Identifier: Apache-2.0 OR MIT -->\n")); d == nil || string(d[1]) != "Apache-2.0 OR MIT" {
		t.Errorf("spdx: %q", d)
	}
}

// TestNoGPLPackages: the binary links none of go-ethereum's GPL-3.0
// programs (its cmd/), so its LGPL-3.0 library terms are the ones that apply.
func TestNoGPLPackages(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := linkedPackages(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p, "github.com/ethereum/go-ethereum/cmd/") {
			t.Errorf("the redmx binary links %s, which is GPL-3.0", p)
		}
	}
	if len(pkgs) < 100 {
		t.Fatalf("only %d packages listed", len(pkgs))
	}
}
