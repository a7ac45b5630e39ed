// Package weightproxy is the load balancer of a rehearsal: it serves a
// production and a test endpoint and sends each request to one of two
// upstreams — the old and the new release's app — in proportion to weights
// it follows, so the app's /watch page shows a cutover as it happens.
//
// A rehearsal runs, side by side:
//
//   - the image of the release that serves now and the image being
//     released, each as an app service (PORT 3000, DEPLOYMENT_COLOR blue and
//     green, so the two draw differently on /watch);
//   - the stand-in, whose deployment engines shift traffic by rewriting the
//     weighted forward actions of the production and test listener rules (ECS
//     blue/green deployments) or of the listeners' default actions
//     (CodeDeploy) in its ELBv2 API;
//   - this proxy (cmd/weight-proxy), pointed at the stand-in's endpoint, told
//     the production and test rule (or listener) ARNs and which target group
//     stands for which app, and exposing the production and test endpoints.
//
// While a release runs against the stand-in, the proxy reads both rules every
// Poll through the ELBv2 API and logs one line per change; /watch on the
// production endpoint draws the canary's share, then the shift, and a
// rollback snapping back, and /watch on the test endpoint shows what test
// traffic reaches. Fixed weights replace a rule for tests and for trying the
// app without a deployment.
//
// The split is exact rather than random (see Picker): with weights 899/100 —
// a 10 % canary as the stand-in writes it — 100 of every 999 requests go to
// the new release, and an upstream whose weight is 0 never gets a request.
// Like a load balancer, the proxy keeps the last weights it read while the
// API is unreachable, and answers 503 before it has read any.
package weightproxy
