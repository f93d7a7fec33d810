// Package ethtest helps tests transact: the development keys of package
// devkeys by index, their accounts, and builders of signed transactions. The
// redmx binary does not link it.
package ethtest
