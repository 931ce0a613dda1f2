import { collectDefaultMetrics, Counter, Histogram, Registry, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';

/**
 * How often the event-loop delay histogram (nodejs_eventloop_lag_*) samples. prom-client's 10 ms default is a timer
 * that wakes an idle service 100 times a second, most of its idle CPU (bench/README.md); at 100 ms a stall of 100 ms
 * or more is always seen, a shorter one when a sample falls inside it.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/** One registry per process, with Node's default metrics, served on /metrics. */
export class Metrics {
  readonly registry = new Registry();

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return new Histogram({ ...config, registers: [this.registry] });
  }
}
