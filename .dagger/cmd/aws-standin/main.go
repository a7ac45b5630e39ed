// Command aws-standin serves every AWS API the module uses on one endpoint,
// for rehearsing a release without an account: moto_server underneath, the
// ECS service-deployment and CodeDeploy blue/green engines in front (see
// package rehearsal). With --seed it first creates what a deployed
// <app>-service stack leaves, in codedeploy or ecs mode.
//
//	aws-standin [--listen 127.0.0.1:4566] [--seed codedeploy|ecs] [--app webapp] [--time-scale 60] [--moto PATH]
//
// It opens --listen only once moto answers and the seed is in place, so the
// port answering means ready; it then prints "ready <endpoint>", and stops
// on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"dagger/ecs-bluegreen/rehearsal"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "aws-standin:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("aws-standin", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:4566", "address to serve on; a loopback address unless --container")
	container := fs.Bool("container", false, "allow a non-loopback --listen (inside a container, where other containers reach the service)")
	seed := fs.String("seed", "", "create a deployed <app>-service stack's state: codedeploy or ecs (default: nothing)")
	app := fs.String("app", "webapp", "the app name the seeded resources take")
	scale := fs.Float64("time-scale", 1, "how many times faster than real time deployments run (60: a 10-minute canary in 10 seconds)")
	moto := fs.String("moto", "", "moto_server executable (default: found on PATH)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkListen(*listen, *container); err != nil {
		return err
	}
	if *seed != "" {
		if err := rehearsal.CheckSeed(*seed, *app); err != nil {
			return err
		}
	}
	s, err := rehearsal.Start(rehearsal.Options{Moto: *moto, TimeScale: *scale})
	if err != nil {
		return err
	}
	defer s.Close()
	if *seed != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		seeded, err := s.Seed(ctx, *seed, *app)
		cancel()
		if err != nil {
			return err
		}
		fmt.Printf("seeded stack %s (%s mode)\n", seeded.Stack, *seed)
	}
	url, err := s.Serve(*listen)
	if err != nil {
		return err
	}
	fmt.Printf("ready %s (time scale %v)\n", url, *scale)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	return nil
}

// checkListen refuses an address that is not host:port, and one off the
// loopback interface unless inside a container.
func checkListen(addr string, container bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q is invalid: expected host:port, e.g. 127.0.0.1:4566", addr)
	}
	if container || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--listen %q is not a loopback address: expected 127.0.0.1:<port> or [::1]:<port> (--container allows any, inside a container)", addr)
	}
	return nil
}
