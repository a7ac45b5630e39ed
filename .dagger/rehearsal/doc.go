// Package rehearsal is the stand-in a release is rehearsed against: one
// endpoint that speaks every AWS API the module uses. moto_server answers
// underneath; the ECS service-deployment engine (internal/ecsfake) and the
// CodeDeploy blue/green engine (internal/codedeployfake) sit in front, and
// Router sends each request to the one that owns its operation.
//
// Seed creates what a deployed <app>-service stack leaves in an account, in
// codedeploy or ecs mode, through the ordinary APIs (moto cannot deploy the
// stack itself): network, load balancer, target groups, listeners or
// listener rules, cluster, task definition, service, the CodeDeploy
// application and group, and a CloudFormation stack whose outputs are the
// ones the module reads.
//
// ScaledClock runs the engines' time faster than the wall clock, so a
// ten-minute canary takes seconds. The engines' timestamps then run ahead of
// the wall clock by the same factor.
package rehearsal
