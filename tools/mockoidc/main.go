// Command mockoidc is an OpenID Connect identity provider for the OIDC live suite, built on
// github.com/oauth2-proxy/mockoidc (discovery, authorize with the code flow, token, JWKS, userinfo).
// It serves HTTPS on loopback with the suite's certificate and takes the people who log in, one per
// authorization request, from a second loopback listener: POST /users with a MockUser as JSON.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/oauth2-proxy/mockoidc"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address of the identity provider (HTTPS)")
	control := flag.String("control", "127.0.0.1:0", "address of the user queue (HTTP, loopback only)")
	certFile := flag.String("cert", "", "server certificate (PEM)")
	keyFile := flag.String("key", "", "server private key (PEM)")
	clientID := flag.String("client-id", "", "the one OAuth client's ID")
	clientSecret := flag.String("client-secret", "", "the one OAuth client's secret")
	flag.Parse()
	if *certFile == "" || *keyFile == "" || *clientID == "" || *clientSecret == "" {
		log.Fatal("mockoidc: -cert, -key, -client-id and -client-secret are required")
	}

	certificate, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		log.Fatalf("mockoidc: %v", err)
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{certificate}, MinVersion: tls.VersionTLS12}
	provider, err := mockoidc.NewServer(nil)
	if err != nil {
		log.Fatalf("mockoidc: %v", err)
	}
	provider.ClientID = *clientID
	provider.ClientSecret = *clientSecret
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("mockoidc: %v", err)
	}
	if err := provider.Start(tls.NewListener(listener, tlsConfig), tlsConfig); err != nil {
		log.Fatalf("mockoidc: %v", err)
	}

	controlListener, err := net.Listen("tcp", *control)
	if err != nil {
		log.Fatalf("mockoidc: %v", err)
	}
	queue := http.NewServeMux()
	queue.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		var user mockoidc.MockUser
		if err := json.NewDecoder(r.Body).Decode(&user); err != nil || user.Subject == "" {
			http.Error(w, "a MockUser with a Subject, as JSON", http.StatusBadRequest)
			return
		}
		provider.QueueUser(&user)
		w.WriteHeader(http.StatusNoContent)
	})
	go func() { log.Fatal(http.Serve(controlListener, queue)) }()

	// One line the suite waits for: where each part listens.
	fmt.Printf("issuer=%s control=http://%s\n", provider.Issuer(), controlListener.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	_ = provider.Shutdown()
}
