// Package ecsfake is a test stand-in for Amazon ECS service deployments:
// blue/green, linear and canary deployments run by the ECS deployment
// controller, which moto_server does not implement.
//
// It is an HTTP server on a loopback port that speaks the ECS JSON 1.1
// protocol (X-Amz-Target AmazonEC2ContainerServiceV20141113.*), so the real
// aws-sdk-go-v2 ECS client drives it with BaseEndpoint set to Server.URL. It
// fronts a moto_server:
//
//   - requests it has nothing to add to (clusters, task definitions, tasks,
//     every other AWS service such as ELBv2 and EC2) are forwarded untouched,
//     so one endpoint serves a whole test;
//   - CreateService, UpdateService and DescribeServices are forwarded too, so
//     moto keeps the service itself (task definition, desired count, load
//     balancers), and the stand-in validates the request first and adds what
//     moto drops: the full deploymentConfiguration, the service revisions and
//     deployments, and currentServiceDeployment;
//   - ListServiceDeployments, DescribeServiceDeployments,
//     StopServiceDeployment and ContinueServiceDeployment are answered here.
//
// Fronting moto rather than replacing it keeps one source of truth for what
// moto already does well (task definition validation, cluster and service
// existence, ELBv2 listener rules), and lets the stand-in validate listener
// rules and shift their weights in moto's ELBv2 exactly as ECS does in a real
// account: a test reads the rule weights through the ordinary ELBv2 API.
//
// Deployments advance on an injectable Clock, lazily: every request first
// moves each active deployment through the stages whose time has come, so a
// test that advances a ManualClock by an hour sees an hour of deployment in
// one call. See Timings for the stage durations the stand-in uses where ECS
// itself decides how long a stage takes.
package ecsfake
