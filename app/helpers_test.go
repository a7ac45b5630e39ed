package main

import (
	"strconv"
	"syscall"
)

var sigterm = syscall.SIGTERM

func itoa(i int) string { return strconv.Itoa(i) }
