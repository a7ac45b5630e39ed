// Command server is a small payments service laid out unlike the project's
// own app: its main package is cmd/server, it listens on 8080 and it has no
// health-check flag; the load balancer probes /healthz.
package main

import (
	"fmt"
	"net/http"
	"os"

	"example.org/payments/greeting"
)

// version is stamped at build time with -X main.version=….
var version = "dev"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, greeting.For(r.URL.Query().Get("name"), version))
	})
	if err := http.ListenAndServe(":"+port, mux); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
