'use strict';
/** The machine description and the results table that `npm run bench` prints. */
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const os = require('node:os');

/** Returns the date, CPUs, memory, CPU model, Node.js version and load average of this machine. */
function machine() {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let nproc;
  let memory;
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
    // The "Mem:" line of free -h: total, used, free, shared, buff/cache, available.
    const fields = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n').find((line) => line.startsWith('Mem:'))?.trim().split(/\s+/) ?? [];
    memory = `${fields[1]} total, ${fields[6]} available (free -h)`;
  } catch (error) {
    nproc = String(os.availableParallelism());
    memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total (free -h failed: ${error.message})`;
  }
  return { date: new Date().toISOString(), nproc, memory, cpuModel, node: process.version, loadAverage: loadAverage() };
}

/** Returns the 1, 5 and 15 minute load averages, e.g. "1.20 0.80 0.50". */
function loadAverage() {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

function describeMachine(host) {
  return `${host.date}: ${host.nproc} CPUs (${host.cpuModel}), memory ${host.memory}, Node ${host.node}, load average ${host.loadAverage}`;
}

function formatValue(value, unit) {
  if (unit === 'MB') return value.toFixed(2);
  if (unit === 'alerts') return String(value);
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function formatStats(stats, unit) {
  return `${formatValue(stats.median, unit)} ${unit} (${formatValue(stats.min, unit)} to ${formatValue(stats.max, unit)}, ${stats.runs} runs)`;
}

/** Returns the results as a Markdown table, one line per measure. */
function resultsTable(rows) {
  const header = ['id', 'measure', 'median (min to max)', 'reference: median (min to max)', 'comparison', 'target', 'target met'];
  const lines = rows.map((row) => {
    if (row.error) return [row.id, row.what, `could not run: ${row.error}`, '', '', row.target ?? '', ''];
    if (row.notMeasured) return [row.id, row.what, `not measured yet: ${row.notMeasured}`, '', '', row.target, ''];
    const reference = row.reference ? `${row.reference.what}: ${formatStats(row.reference.stats, row.unit)}` : '-';
    return [row.id, row.what, formatStats(row.stats, row.unit), reference, row.comparison ?? '', row.target, row.met ? 'yes' : 'no'];
  });
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

module.exports = { machine, describeMachine, loadAverage, resultsTable };
