/**
 * JMH benchmarks (named by scenario), the load generator, peer baselines and reports. Packaged as
 * {@code bench/target/benchmarks.jar}; see {@code scripts/lib/jvm-args.sh} for how to run it.
 */
package dev.surge.bench;
