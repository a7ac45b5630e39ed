package rehearsal

import (
	"net/http"
	"strings"

	"dagger/ecs-bluegreen/internal/codedeployfake"
)

// Router sends CodeDeploy requests to the CodeDeploy engine and every other
// request to the ECS engine, which answers the ECS operations it owns and
// forwards the rest (S3, CloudFormation, ELBv2, EC2, ECR, STS, the rest of
// ECS) to moto. Each engine advances its deployments lazily, on the
// requests it sees; the router first brings the CodeDeploy deployments up to
// now on every request, so a read of the listeners in moto sees the traffic
// where CodeDeploy would have put it by then.
type Router struct {
	CodeDeploy *codedeployfake.Server
	ECS        http.Handler
}

// NewRouter routes to the two engines.
func NewRouter(codeDeploy *codedeployfake.Server, ecs http.Handler) *Router {
	return &Router{CodeDeploy: codeDeploy, ECS: ecs}
}

func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if strings.HasPrefix(req.Header.Get("X-Amz-Target"), codedeployfake.TargetPrefix) {
		r.CodeDeploy.ServeHTTP(w, req)
		return
	}
	r.CodeDeploy.Advance()
	r.ECS.ServeHTTP(w, req)
}
