/**
 * `vigor-sim run`: each scenario in its own fresh, ephemeral lab with the clock paused, so lab time
 * moves only by the scenario's steps. Progress goes to a stream (stderr on the command line), the
 * result of each scenario to an optional JUnit XML file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withHelpers, type VigorLab } from '../api';
import { startOnFreePorts } from '../api/start';
import { ExpectationFailure, runStep, setUpLab, stepName } from './execute';
import { junitXml } from './junit';
import { parseScenario, ScenarioFileError } from './load';
import type { Scenario } from './types';

export interface RunOptions {
  /** Scenario files, already expanded (see expandScenarioArguments). */
  files: string[];
  /** Scenarios run at the same time, each in its own lab; default 1. */
  parallel?: number;
  junitFile?: string;
  /** Stream for progress lines and failure reports; default process.stderr. */
  progress?: NodeJS.WritableStream;
  /** Timeline events shown with a failure; default 12. */
  timelineEvents?: number;
}

export interface ScenarioResult {
  file: string;
  name: string;
  /** `error` is a scenario that could not run: an invalid file, or a lab that did not start. */
  status: 'passed' | 'failed' | 'error';
  durationMs: number;
  /** One line: what failed. */
  message?: string;
  /** The readable report: the step, expected, found, and the last timeline events. */
  report?: string;
}

export interface RunSummary {
  results: ScenarioResult[];
  passed: number;
  failed: number;
  durationMs: number;
}

/** Runs the scenarios and returns the summary; the process exit code is 0 only when `failed` is 0. */
export async function runScenarios(options: RunOptions): Promise<RunSummary> {
  const progress = options.progress ?? process.stderr;
  const parallel = Math.max(1, Math.floor(options.parallel ?? 1));
  const started = Date.now();
  const results: ScenarioResult[] = new Array(options.files.length);
  let next = 0;
  let done = 0;

  const worker = async () => {
    while (next < options.files.length) {
      const index = next;
      next += 1;
      const result = await runScenarioFile(options.files[index]!, options.timelineEvents ?? 12);
      results[index] = result;
      done += 1;
      const label = STATUS_LABELS[result.status];
      progress.write(`[${done}/${options.files.length}] ${label} ${result.name} (${relative(result.file)}, ${(result.durationMs / 1000).toFixed(1)} s)\n`);
      if (result.report) progress.write(`${indent(result.report)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, options.files.length) }, worker));

  const durationMs = Date.now() - started;
  const passed = results.filter((result) => result.status === 'passed').length;
  const summary = { results, passed, failed: results.length - passed, durationMs };
  progress.write(`${passed} of ${results.length} scenarios passed in ${(durationMs / 1000).toFixed(1)} s\n`);
  if (options.junitFile) writeFileSync(options.junitFile, junitXml(results, durationMs));
  return summary;
}

const STATUS_LABELS: Record<ScenarioResult['status'], string> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR' };

export async function runScenarioFile(file: string, timelineEvents = 12): Promise<ScenarioResult> {
  const started = Date.now();
  let scenario: Scenario;
  try {
    scenario = parseScenario(readFileSync(file, 'utf8'), relative(file));
  } catch (error) {
    const message = error instanceof ScenarioFileError ? error.message : `${relative(file)}: ${(error as Error).message}`;
    return { file: relative(file), name: path.basename(file), status: 'error', durationMs: Date.now() - started, message, report: message };
  }

  let lab: VigorLab | undefined;
  let position = 0;
  const steps = [...scenario.steps, ...(scenario.expect ?? [])];
  try {
    lab = withHelpers(await startOnFreePorts({ routers: scenario.lab?.routers ?? 1, dataDir: null, clockMode: 'paused' }));
    const apps = await setUpLab(lab, scenario);
    for (; position < steps.length; position += 1) await runStep(lab, steps[position]!, apps);
    return { file: relative(file), name: scenario.name, status: 'passed', durationMs: Date.now() - started };
  } catch (error) {
    const step = steps[position];
    const where = step ? `step ${position + 1} (${stepName(step)}, ${relative(file)}:${step.line ?? '?'})` : 'lab setup';
    const lines = [`${where}: ${(error as Error).message}`];
    if (error instanceof ExpectationFailure) lines.push(`  expected: ${error.expected}`, `  found:    ${error.found.replace(/\n/g, '\n  ')}`);
    if (lab) lines.push('last timeline events:', ...lastEvents(lab, timelineEvents));
    return { file: relative(file), name: scenario.name, status: lab ? 'failed' : 'error', durationMs: Date.now() - started, message: lines[0], report: lines.join('\n') };
  } finally {
    await lab?.stop();
  }
}

function lastEvents(lab: VigorLab, count: number): string[] {
  const events = lab.timeline.query({ limit: count });
  if (events.length === 0) return ['  (none)'];
  return events.map((event) => `  ${new Date(event.time).toISOString().slice(11, 19)} ${event.protocol.padEnd(6)} ${event.router && !event.summary.startsWith(`${event.router} `) ? `${event.router} ` : ''}${event.summary}`);
}

function relative(file: string): string {
  const name = path.relative(process.cwd(), file);
  return name.startsWith('..') ? file : name;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}
