package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// The deployment hook's verdicts, shown while an ECS service deployment
// moves traffic.
//
// ECS hands nothing of a Lambda hook's answer back to the caller:
// lifecycleHookDetails carry the hook's status only, and the hookDetails it
// returns go to its next invocation. What the hook publishes is one log line
// per verdict in CloudWatch's embedded metric format, which CloudWatch turns
// into metrics (namespace HookMetricNamespace, dimensions service, check and
// verdict). Reading them is one read-only call, cloudwatch:GetMetricData, the
// same the `analyze` function needs; the hook's logs would need
// logs:FilterLogEvents on a log group the release would also have to know.

// HookMetricNamespace is where the deployment hook's verdict metrics land
// (the lifecyclehook package's MetricNamespace).
const HookMetricNamespace = "EcsBlueGreen/DeploymentHook"

// HookVerdict is the latest verdict the deployment hook published for a
// service.
type HookVerdict struct {
	// At is the minute the verdict was published in.
	At time.Time
	// Check is "analysis" or "smoke"; Verdict is pass, fail or
	// inconclusive.
	Check, Verdict string
	// New and Old are the two revisions' numbers the analysis judged (not
	// known for a smoke check).
	New, Old RevisionNumbers
}

// RevisionNumbers are one revision's numbers over an analysis window.
type RevisionNumbers struct {
	Known        bool
	Requests     float64
	ErrorPercent float64
	// P99Millis is known when HasP99.
	P99Millis float64
	HasP99    bool
}

// HookVerdicts reads the deployment hook's latest verdict for service
// (its ARN) published at or after since; found is false when there is none.
type HookVerdicts interface {
	LatestVerdict(ctx context.Context, service string, since time.Time) (v HookVerdict, found bool, err error)
}

// MetricReader is the one CloudWatch call CloudWatchVerdicts makes;
// *cloudwatch.Client satisfies it.
type MetricReader interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

var _ MetricReader = (*cloudwatch.Client)(nil)

// CloudWatchVerdicts reads the hook's verdict metrics from CloudWatch.
type CloudWatchVerdicts struct {
	API MetricReader
	// Now is the clock that ends the read (default time.Now).
	Now func() time.Time
}

var _ HookVerdicts = CloudWatchVerdicts{}

// verdictOrder ranks verdicts published in the same minute: the graver
// one is shown.
var verdictOrder = []string{"pass", "inconclusive", "fail"}

// verdictNumbers are the numeric metrics of an analysis verdict, with the
// revision number each fills.
var verdictNumbers = []struct {
	id  string
	set func(v *HookVerdict, x float64)
}{
	{"newRequests", func(v *HookVerdict, x float64) { v.New.Requests, v.New.Known = x, true }},
	{"oldRequests", func(v *HookVerdict, x float64) { v.Old.Requests, v.Old.Known = x, true }},
	{"newErrorPercent", func(v *HookVerdict, x float64) { v.New.ErrorPercent = x }},
	{"oldErrorPercent", func(v *HookVerdict, x float64) { v.Old.ErrorPercent = x }},
	{"newP99Millis", func(v *HookVerdict, x float64) { v.New.P99Millis, v.New.HasP99 = x, true }},
	{"oldP99Millis", func(v *HookVerdict, x float64) { v.Old.P99Millis, v.Old.HasP99 = x, true }},
}

// LatestVerdict reads every check and verdict's series since since, in one
// GetMetricData call, and returns the latest.
func (c CloudWatchVerdicts) LatestVerdict(ctx context.Context, service string, since time.Time) (HookVerdict, bool, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	query := func(id, metric, check, verdict, stat string) cwtypes.MetricDataQuery {
		return cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String(HookMetricNamespace), MetricName: aws.String(metric), Dimensions: []cwtypes.Dimension{
				{Name: aws.String("service"), Value: aws.String(service)},
				{Name: aws.String("check"), Value: aws.String(check)},
				{Name: aws.String("verdict"), Value: aws.String(verdict)},
			}},
			Period: aws.Int32(60), Stat: aws.String(stat),
		}}
	}
	var queries []cwtypes.MetricDataQuery
	for _, check := range []string{"smoke", "analysis"} {
		for _, verdict := range verdictOrder {
			queries = append(queries, query(check+"_"+verdict, "verdicts", check, verdict, "Sum"))
			if check != "analysis" {
				continue
			}
			for _, n := range verdictNumbers {
				queries = append(queries, query(check+"_"+verdict+"_"+n.id, n.id, check, verdict, "Average"))
			}
		}
	}
	in := &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(since.Truncate(time.Minute)), EndTime: aws.Time(now().Truncate(time.Minute).Add(time.Minute)),
		MetricDataQueries: queries, ScanBy: cwtypes.ScanByTimestampDescending,
	}
	series := map[string]map[time.Time]float64{}
	for page := 0; ; page++ {
		out, err := c.API.GetMetricData(ctx, in)
		if err != nil {
			return HookVerdict{}, false, fmt.Errorf("reading the deployment hook's verdicts (cloudwatch GetMetricData, namespace %s): %w", HookMetricNamespace, err)
		}
		for _, r := range out.MetricDataResults {
			id := aws.ToString(r.Id)
			if series[id] == nil {
				series[id] = map[time.Time]float64{}
			}
			for i, ts := range r.Timestamps {
				if i < len(r.Values) {
					series[id][ts.UTC()] = r.Values[i]
				}
			}
		}
		if aws.ToString(out.NextToken) == "" || page == 20 {
			break
		}
		in.NextToken = out.NextToken
	}
	// The latest minute wins; within one, the analysis (it runs after the
	// smoke check) and the graver verdict.
	var best HookVerdict
	bestRank, found := -1, false
	for ci, check := range []string{"smoke", "analysis"} {
		for vi, verdict := range verdictOrder {
			rank := ci*len(verdictOrder) + vi
			for at, n := range series[check+"_"+verdict] {
				if n <= 0 || at.Before(since.Truncate(time.Minute)) {
					continue
				}
				if found && (at.Before(best.At) || at.Equal(best.At) && rank < bestRank) {
					continue
				}
				best, bestRank, found = HookVerdict{At: at, Check: check, Verdict: verdict}, rank, true
			}
		}
	}
	if found && best.Check == "analysis" {
		for _, n := range verdictNumbers {
			if x, ok := series["analysis_"+best.Verdict+"_"+n.id][best.At]; ok {
				n.set(&best, x)
			}
		}
	}
	return best, found, nil
}

// verdictNote is the progress note of v: the verdict, then the new revision's
// numbers beside the old one's.
func verdictNote(v HookVerdict) string {
	note := fmt.Sprintf("hook %s %s (%s UTC)", v.Check, v.Verdict, v.At.UTC().Format("15:04"))
	if !v.New.Known {
		return note
	}
	side := func(n RevisionNumbers) string {
		s := fmt.Sprintf("%s req, %s errors", trimFloat(n.Requests), percentOf(n.ErrorPercent))
		if n.HasP99 {
			s += ", p99 " + trimFloat(n.P99Millis) + "ms"
		}
		return s
	}
	note += ": new " + side(v.New)
	if v.Old.Known {
		note += " | old " + side(v.Old)
	}
	return note
}

// verdictReason says, in a final report, what the hook's latest verdict was.
func verdictReason(v HookVerdict) string {
	return "the deployment hook's latest verdict: " + verdictNote(v)
}

func trimFloat(x float64) string { return fmt.Sprintf("%.0f", x) }

func percentOf(x float64) string {
	if x != 0 && x < 0.1 {
		return fmt.Sprintf("%.2f%%", x)
	}
	return fmt.Sprintf("%.1f%%", x)
}

// verdictEvery is how often the hook's verdicts are read: CloudWatch has
// them by the minute, and each read is billed by the metric.
const verdictEvery = time.Minute

// hookVerdict adds the hook's latest verdict on d's service to r's notes,
// reading it at most every verdictEvery. A failed read is noted and never
// fails the poll: the deployment's own state is what the wait decides on.
func (e *ecsTracker) hookVerdict(ctx context.Context, d ecstypes.ServiceDeployment, r *Report) {
	if e.verdicts == nil || d.ServiceArn == nil || !hasLambdaHook(d) {
		// Without a Lambda hook there is no verdict to read: a release with
		// the analysis off makes no CloudWatch call and shows no note.
		return
	}
	now := e.now()
	if e.readAt.IsZero() || now.Sub(e.readAt) >= verdictEvery || r.Phase.Final() {
		e.readAt = now
		v, found, err := e.verdicts.LatestVerdict(ctx, aws.ToString(d.ServiceArn), aws.ToTime(d.CreatedAt))
		switch {
		case err != nil:
			// The code only: a message with a request id would make every
			// poll's line differ.
			e.verdictErr = "cloudwatch GetMetricData failed"
			var api smithy.APIError
			if errors.As(err, &api) {
				e.verdictErr += ": " + api.ErrorCode()
			}
		case found:
			e.verdict, e.verdictErr = &v, ""
		default:
			e.verdictErr = ""
		}
	}
	if e.verdict != nil {
		r.Notes = append(r.Notes, verdictNote(*e.verdict))
	}
	if e.verdictErr != "" {
		r.Notes = append(r.Notes, "hook verdicts unreadable: "+e.verdictErr)
	}
}

// hasLambdaHook reports whether d's deployment configuration runs a Lambda
// lifecycle hook (a hook without a target type is one).
func hasLambdaHook(d ecstypes.ServiceDeployment) bool {
	if d.DeploymentConfiguration == nil {
		return false
	}
	for _, h := range d.DeploymentConfiguration.LifecycleHooks {
		if h.TargetType == "" || h.TargetType == ecstypes.DeploymentLifecycleHookTargetTypeAwsLambda {
			return true
		}
	}
	return false
}
