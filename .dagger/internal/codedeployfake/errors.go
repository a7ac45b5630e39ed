package codedeployfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// APIError is a CodeDeploy error as the JSON 1.1 protocol carries it: an
// HTTP status and a body {"__type": code, "message": text}, which the SDK
// turns into its typed exception (types.DeploymentDoesNotExistException…).
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func invalid(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// WriteError answers e in the JSON 1.1 error shape.
func WriteError(w http.ResponseWriter, e *APIError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
}

// WriteJSON answers v as a JSON 1.1 response body.
func WriteJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteError(w, &APIError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: "encoding the response: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write(body)
}

// Epoch is a time as CodeDeploy's JSON carries it: seconds since the epoch,
// with milliseconds.
func Epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// LifecycleEvents are the lifecycle events of an ECS deployment target, in
// the order CodeDeploy runs and reports them.
var LifecycleEvents = []string{"BeforeInstall", "Install", "AfterInstall", "AllowTestTraffic", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"}
