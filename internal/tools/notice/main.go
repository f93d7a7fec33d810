package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// targets are the release builds (scripts/release): their dependencies are
// what the binaries link.
var targets = []struct{ goos, goarch string }{{"linux", "amd64"}, {"linux", "arm64"}}

// buildTags are the release build's tags.
const buildTags = "netgo,osusergo"

// overrides name the licence of a module whose root holds no licence file
// the classifier reads. A new dependency without one fails generation until
// someone reads its terms and adds it here.
// An override also replaces what the files say, where they say more than
// applies to the packages redmx links.
var overrides = map[string]struct{ licence, where string }{
	"github.com/holiman/bloomfilter/v2": {"MIT", "no licence file; bloomfilter.go's header: \"MIT license\""},
	// Its cmd/ (GPL-3.0, COPYING) is not linked: deps_test.go checks it.
	"github.com/ethereum/go-ethereum": {"LGPL-3.0-or-later", "COPYING.LESSER; the library packages. Its GPL-3.0 cmd/ is not linked"},
}

type module struct {
	Path, Version, Dir string
}

type licensed struct {
	module
	licence string   // SPDX expression
	files   []string // licence files, relative to Dir
	notices []string // NOTICE files (Apache-2.0 section 4(d)), relative to Dir
	where   string   // set when the licence comes from overrides
}

func main() {
	out := flag.String("o", "", "write NOTICE to this file (default: standard output)")
	texts := flag.String("texts", "", "also copy each module's licence and notice files into this directory")
	flag.Parse()
	if err := run(*out, *texts); err != nil {
		fmt.Fprintln(os.Stderr, "notice:", err)
		os.Exit(1)
	}
}

func run(out, texts string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	mods, err := linkedModules(root)
	if err != nil {
		return err
	}
	ls, err := classifyAll(mods)
	if err != nil {
		return err
	}
	if texts != "" {
		if err := copyTexts(ls, texts); err != nil {
			return err
		}
	}
	notice := render(ls)
	if out == "" {
		_, err = os.Stdout.Write(notice)
		return err
	}
	return os.WriteFile(out, notice, 0o644)
}

// moduleRoot is the directory of redmx's go.mod.
func moduleRoot() (string, error) {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// listDeps runs go list -deps -f format on ./cmd/redmx for every release
// target and returns the output lines of all.
func listDeps(root, format string) ([]string, error) {
	var lines []string
	for _, t := range targets {
		cmd := exec.Command("go", "list", "-deps", "-tags", buildTags, "-f", format, "./cmd/redmx")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS="+t.goos, "GOARCH="+t.goarch, "CGO_ENABLED=1", "GOFLAGS=-mod=readonly")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list -deps ./cmd/redmx (%s/%s): %w: %s", t.goos, t.goarch, err, stderr.Bytes())
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}
	return lines, nil
}

// linkedPackages lists the import paths the release binaries link.
func linkedPackages(root string) ([]string, error) {
	return listDeps(root, "{{.ImportPath}}")
}

// linkedModules lists the modules of ./cmd/redmx's dependencies in every
// release target, the main module excepted, sorted by path.
func linkedModules(root string) ([]module, error) {
	// A module replaced by a directory of this repository is a release with
	// patches: it keeps its path and version, marked +patched.
	const format = `{{with .Module}}{{if not .Main}}{{if and .Replace (not .Replace.Version)}}{{.Path}} {{.Version}}+patched {{.Replace.Dir}}{{else}}{{with .Replace}}{{.Path}} {{.Version}} {{.Dir}}{{else}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}{{end}}{{end}}`
	lines, err := listDeps(root, format)
	if err != nil {
		return nil, err
	}
	seen := map[string]module{}
	for _, line := range lines {
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 {
			continue
		}
		if f[2] == "" {
			return nil, fmt.Errorf("module %s@%s is not in the module cache: run go mod download", f[0], f[1])
		}
		seen[f[0]] = module{Path: f[0], Version: f[1], Dir: f[2]}
	}
	mods := make([]module, 0, len(seen))
	for _, m := range seen {
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

var (
	licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|unlicense)([.-].*)?$`)
	noticeName  = regexp.MustCompile(`(?i)^notice(\.txt|\.md)?$`)
)

func classifyAll(mods []module) ([]licensed, error) {
	var ls []licensed
	var problems []string
	for _, m := range mods {
		l, err := classifyModule(m)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		ls = append(ls, l)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return ls, nil
}

func classifyModule(m module) (licensed, error) {
	l := licensed{module: m}
	entries, err := os.ReadDir(m.Dir)
	if err != nil {
		return l, err
	}
	ids := map[string]bool{}
	declared := ""
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		switch {
		case noticeName.MatchString(e.Name()):
			l.notices = append(l.notices, e.Name())
		case licenceName.MatchString(e.Name()):
			text, err := os.ReadFile(filepath.Join(m.Dir, e.Name()))
			if err != nil {
				return l, err
			}
			if d := spdx.FindSubmatch(text); d != nil && declared == "" {
				declared = string(d[1])
			}
			found := classify(text)
			if len(found) == 0 && declared == "" {
				return l, fmt.Errorf("%s@%s: %s: licence not recognised; read it and add the module to overrides in internal/tools/notice", m.Path, m.Version, e.Name())
			}
			for _, id := range found {
				ids[id] = true
			}
			l.files = append(l.files, e.Name())
		}
	}
	if o, ok := overrides[m.Path]; ok {
		l.licence, l.where = o.licence, o.where
		return l, nil
	}
	if declared != "" {
		l.licence = declared
		return l, nil
	}
	if len(ids) == 0 {
		return l, fmt.Errorf("%s@%s: no licence file in the module's root; read its terms and add it to overrides in internal/tools/notice", m.Path, m.Version)
	}
	var list []string
	for id := range ids {
		list = append(list, id)
	}
	sort.Strings(list)
	l.licence = strings.Join(list, " AND ") // several files: each covers part of the module
	return l, nil
}

// phrases identify a licence by sentences of its text (lower case, spaces
// collapsed). A file may hold several licences.
var phrases = []struct {
	id  string
	all []string
}{
	{"Apache-2.0", []string{"apache license", "version 2.0"}},
	{"LGPL-3.0", []string{"gnu lesser general public license", "version 3, 29 june 2007"}},
	{"GPL-3.0", []string{"gnu general public license", "version 3, 29 june 2007", "preamble"}},
	{"MPL-2.0", []string{"mozilla public license", "version 2.0"}},
	{"MIT", []string{"permission is hereby granted, free of charge", "the above copyright notice and this permission notice shall be included"}},
	{"BSD-3-Clause", []string{"redistribution and use in source and binary forms", "neither the name"}},
	{"BSD-3-Clause", []string{"redistribution and use in source and binary forms", "may not be used to endorse or promote products"}},
	{"BSD-2-Clause", []string{"redistribution and use in source and binary forms", "this list of conditions and the following disclaimer"}},
	{"ISC", []string{"permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted"}},
	{"ISC", []string{"permission to use, copy, modify, and distribute this software for any purpose with or without fee is hereby granted"}},
	{"Unlicense", []string{"this is free and unencumbered software released into the public domain"}},
	{"CC0-1.0", []string{"cc0 1.0 universal"}},
}

var (
	space = regexp.MustCompile(`\s+`)
	// spdx is a licence file's own SPDX declaration, e.g. "Apache-2.0 OR MIT".
	spdx = regexp.MustCompile(`SPDX-License-Identifier:\s*([A-Za-z0-9.+() -]+?)\s*(?:-->|` + "`" + `|$)`)
)

func classify(text []byte) []string {
	t := space.ReplaceAllString(strings.ToLower(string(text)), " ")
	t = strings.NewReplacer("“", `"`, "”", `"`, "’", "'").Replace(t)
	var ids []string
	has := map[string]bool{}
	for _, p := range phrases {
		ok := true
		for _, s := range p.all {
			if !strings.Contains(t, s) {
				ok = false
				break
			}
		}
		// A BSD-3-Clause text also holds the BSD-2-Clause sentences.
		if ok && !has[p.id] && !(p.id == "BSD-2-Clause" && has["BSD-3-Clause"]) {
			has[p.id] = true
			ids = append(ids, p.id)
		}
	}
	return ids
}

func render(ls []licensed) []byte {
	var b bytes.Buffer
	b.WriteString(`redmx
Copyright the redmx authors. Licensed under the GNU Lesser General Public
License, version 3 or (at your option) any later version: LICENSE, which
refers to the GNU General Public License, version 3, in COPYING.

Third-party software in the redmx release binaries (scripts/release)
=====================================================================

Generated by 'go run ./internal/tools/notice -o NOTICE' from go.mod and the
licence files of each module; do not edit. The release archives carry each
module's licence and notice files in licenses/. Each module's source is
published at its path and version ('go mod download -json PATH@VERSION');
a version marked +patched is built from third_party/ in redmx's source: that
release with the patches in third_party/patches/ (third_party/README.md).

Besides the Go modules below, a release binary contains:
- the Go standard library and runtime: BSD-3-Clause (the Go toolchain's LICENSE);
- the GNU C Library, linked statically: LGPL-2.1-or-later. A release's
  BUILDINFO names its version, whose source its publishers keep; redmx's
  complete source is public, so anyone may relink the binary with another
  build of the library (scripts/release);
- libgcc, linked statically: GPL-3.0-or-later with the GCC Runtime Library
  Exception, which places no condition on the binary;
- C code inside modules: libsecp256k1 (MIT), in
  github.com/ethereum/go-ethereum/crypto/secp256k1; Zstandard (BSD-3-Clause),
  in github.com/DataDog/zstd.

Go modules: path, version, licence (the files it is read from)
`)
	w := 0
	for _, l := range ls {
		if n := len(l.Path) + 1 + len(l.Version); n > w {
			w = n
		}
	}
	for _, l := range ls {
		src := strings.Join(l.files, ", ")
		if l.where != "" {
			src = l.where
		}
		fmt.Fprintf(&b, "%-*s  %s (%s)\n", w, l.Path+" "+l.Version, l.licence, src)
	}
	b.WriteString("\nNotices of the modules that carry a NOTICE file (Apache-2.0, section 4(d))\n")
	b.WriteString("==========================================================================\n")
	for _, l := range ls {
		for _, n := range l.notices {
			text, err := os.ReadFile(filepath.Join(l.Dir, n))
			if err != nil {
				continue
			}
			fmt.Fprintf(&b, "\n--- %s %s: %s\n\n%s\n", l.Path, l.Version, n, strings.TrimRight(string(text), "\n"))
		}
	}
	return b.Bytes()
}

// copyTexts writes dir/<module path>@<version>/<file> for every licence and
// notice file.
func copyTexts(ls []licensed, dir string) error {
	for _, l := range ls {
		dst := filepath.Join(dir, filepath.FromSlash(l.Path)+"@"+l.Version)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		for _, f := range append(append([]string{}, l.files...), l.notices...) {
			b, err := os.ReadFile(filepath.Join(l.Dir, f))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
