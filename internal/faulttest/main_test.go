package faulttest_test

import (
	"testing"

	"github.com/redmx/redmx/internal/testnet"
)

// Every test of the suite runs the same redmx binary: link it once.
func TestMain(m *testing.M) { testnet.Main(m) }
