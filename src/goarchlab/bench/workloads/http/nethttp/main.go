// Command nethttp is the net/http benchmark server: GET /api/ping answers a
// small JSON object; POST /api/heavy hashes the body (sha256) and answers a
// JSON list of structs. See package server for the contract with goarchlab.
package main

import (
	"encoding/json"
	"net/http"
	"os"

	"goarchlab.local/workloads/http/server"
)

func main() {
	o := server.ParseFlags()
	mux := http.NewServeMux()
	mux.HandleFunc("/api/ping", func(w http.ResponseWriter, r *http.Request) {
		server.Count()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(server.NewPong())
	})
	mux.HandleFunc("/api/heavy", func(w http.ResponseWriter, r *http.Request) {
		server.Count()
		body, err := server.ReadBody(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(server.NewHeavy(body))
	})
	os.Exit(server.Serve(o, mux))
}
