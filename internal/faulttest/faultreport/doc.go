// Package main is the faultreport command: it writes the fault suite's table
// into docs/faults.md from the report lines a run of the suite wrote
// (REDMX_FAULTS_REPORT), and keeps each version's (short, long) results in
// docs/faults.json, so that a short run does not erase the long run's
// figures, nor a run of some rows (-run) the other rows': each row shows its
// last run, and the table names each run's commit and rows. scripts/faults
// runs it; see internal/faulttest/README.md.
//
//	faultreport -results run.jsonl -mode short [-doc docs/faults.md] [-data docs/faults.json]
package main
