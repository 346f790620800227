// Command gin is the Gin benchmark server, with the same endpoints and
// contract as the net/http one (package server). It is its own Go module
// because Gin comes from the Go module proxy (pinned in go.mod and go.sum).
package main

import (
	"io"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"goarchlab.local/workloads/http/server"
)

func main() {
	o := server.ParseFlags()
	gin.SetMode(gin.ReleaseMode)
	gin.DefaultWriter = io.Discard
	r := gin.New() // no logger: its output would dominate the profile
	r.Use(gin.Recovery())
	r.GET("/api/ping", func(c *gin.Context) {
		server.Count()
		c.JSON(http.StatusOK, server.NewPong())
	})
	r.POST("/api/heavy", func(c *gin.Context) {
		server.Count()
		body, err := server.ReadBody(c.Request.Body)
		if err != nil {
			c.String(http.StatusBadRequest, err.Error())
			return
		}
		c.JSON(http.StatusOK, server.NewHeavy(body))
	})
	os.Exit(server.Serve(o, r))
}
