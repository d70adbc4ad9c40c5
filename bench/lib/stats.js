'use strict';
/** Summary statistics of benchmark runs. */

/** Returns the median, minimum and maximum of `values`, with the number of runs. */
function summarize(values) {
  if (values.length === 0) throw new RangeError('Cannot summarize zero runs');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length, values };
}

/** Milliseconds elapsed since `start`, a value of process.hrtime.bigint(). */
function elapsedMs(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

module.exports = { summarize, elapsedMs };
