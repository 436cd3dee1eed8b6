package e2e

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// timeout bounds every wait on the cluster.
const timeout = 60 * time.Second

type ctxT = context.Context

func listBy(selector string) metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: selector}
}

var getOpts = metav1.GetOptions{}
