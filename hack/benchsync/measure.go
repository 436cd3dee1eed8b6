package main

import (
	"fmt"
	"strings"
	"time"
)

// result is what one run measured.
type result struct {
	firstSync, firstNaive          time.Duration
	naiveNoop                      time.Duration
	cycles                         float64
	gitPerCycle, clientPerCycle    float64
	leaseRenewals                  int
	apiserverSync, apiserverIdle   float64
	cpuPerCycle                    time.Duration
	commitToApplied, naiveChange   time.Duration
	detect, render, applyPart      time.Duration
	syncRSS, naiveRSS              int64
	clientRequests, clientWatchers int
}

func (b *bench) measure() error {
	var r result
	var err error
	if r.firstNaive, r.naiveRSS, err = b.naive(); err != nil {
		return err
	}
	if r.naiveNoop, _, err = b.naive(); err != nil {
		return err
	}
	if r.apiserverIdle, err = b.idleWindow(); err != nil {
		return err
	}
	start := time.Now()
	if err := b.startSync(); err != nil {
		return err
	}
	defer func() {
		if b.sync.ProcessState == nil {
			b.stopSync()
		}
	}()
	if _, err := b.log.waitFor(0, "msg=applied", 2*time.Minute); err != nil {
		return err
	}
	r.firstSync = time.Since(start)
	if err := b.steadyWindow(&r); err != nil {
		return err
	}
	if err := b.change(&r); err != nil {
		return err
	}
	r.syncRSS = b.stopSync()
	b.report(r)
	return nil
}

// idleWindow counts the API server's requests in a window with no sync.
func (b *bench) idleWindow() (float64, error) {
	time.Sleep(2 * time.Second) // let kubectl's apply settle
	before, err := b.apiserverRequests()
	if err != nil {
		return 0, err
	}
	time.Sleep(b.window)
	after, err := b.apiserverRequests()
	return after - before - 2, err // the two reads themselves
}

// steadyWindow watches sync with nothing to do for one window.
func (b *bench) steadyWindow(r *result) error {
	time.Sleep(3 * time.Second) // watches established, drift informers synced
	from := b.log.len()
	git0, cpu0 := b.gitHits.Load(), cpuTime(b.sync.Process.Pid)
	api0, err := b.apiserverRequests()
	if err != nil {
		return err
	}
	time.Sleep(b.window)
	api1, err := b.apiserverRequests()
	if err != nil {
		return err
	}
	r.cycles = b.window.Seconds() / b.interval.Seconds()
	r.gitPerCycle = float64(b.gitHits.Load()-git0) / r.cycles
	r.cpuPerCycle = time.Duration(float64(cpuTime(b.sync.Process.Pid)-cpu0) / r.cycles)
	r.apiserverSync = api1 - api0 - 2
	for _, line := range b.log.since(from) {
		if !strings.Contains(line.text, `"Response"`) {
			continue
		}
		r.clientRequests++
		if strings.Contains(line.text, "coordination.k8s.io") {
			r.leaseRenewals++
		}
	}
	r.clientPerCycle = float64(r.clientRequests-r.leaseRenewals) / r.cycles
	return nil
}

// change commits a new value for every object and times both pipelines.
func (b *bench) change(r *result) error {
	from := b.log.len()
	if err := b.makeRepo("2"); err != nil {
		return err
	}
	pushed := time.Now()
	done, err := b.allHold(syncNS, "2", 2*time.Minute)
	if err != nil {
		return err
	}
	r.commitToApplied = done.Sub(pushed)
	seen, err1 := b.log.waitFor(from, "msg=\"new commit\"", time.Second)
	applying, err2 := b.log.waitFor(from, "msg=applying", time.Second)
	applied, err3 := b.log.waitFor(from, "msg=applied", time.Second)
	if err1 == nil && err2 == nil && err3 == nil {
		r.detect, r.render, r.applyPart = seen.at.Sub(pushed), applying.at.Sub(seen.at), applied.at.Sub(applying.at)
	}
	r.naiveChange, _, err = b.naive()
	return err
}

func (b *bench) report(r result) {
	ratio := func(naive, conv time.Duration) string {
		return fmt.Sprintf("%.1fx", naive.Seconds()/conv.Seconds())
	}
	fmt.Printf("\nconverge sync vs git pull && kubectl apply -f, %d ConfigMaps, git over HTTP (git http-backend) on loopback\n\n", b.objects)
	fmt.Printf("%-44s %-28s %-28s %s\n", "", "converge sync", "git pull && kubectl apply", "ratio")
	fmt.Printf("%-44s %-28s %-28s %s\n", "first sync (all created)", r.firstSync.Round(time.Millisecond), r.firstNaive.Round(time.Millisecond), ratio(r.firstNaive, r.firstSync))
	fmt.Printf("%-44s %-28s %-28s %s\n", "commit changing every object -> all applied", r.commitToApplied.Round(time.Millisecond), r.naiveChange.Round(time.Millisecond), ratio(r.naiveChange, r.commitToApplied))
	fmt.Printf("%-44s detect %s + fetch/render/validate %s + apply %s (interval %s)\n", "  sync's split", r.detect.Round(time.Millisecond), r.render.Round(time.Millisecond), r.applyPart.Round(time.Millisecond), b.interval)
	fmt.Printf("%-44s %-28s %-28s %s\n", "nothing changed: one cycle / one pull+apply", r.cpuPerCycle.String()+" CPU", r.naiveNoop.Round(time.Millisecond).String()+" wall", "")
	fmt.Printf("%-44s %.1f per cycle\n", "  git round trips (HTTP requests)", r.gitPerCycle)
	fmt.Printf("%-44s %.1f per cycle, plus %d Lease renewals in %s (every 8 s)\n", "  API requests sent by sync", r.clientPerCycle, r.leaseRenewals, b.window)
	fmt.Printf("%-44s %.0f with sync running, %.0f idle, in %s\n", "  apiserver_request_total", r.apiserverSync, r.apiserverIdle, b.window)
	fmt.Printf("%-44s %-28s %-28s %s\n", "peak RSS", fmt.Sprintf("%.0f MiB", float64(r.syncRSS)/1024), fmt.Sprintf("%.0f MiB (kubectl)", float64(r.naiveRSS)/1024), "")
}
