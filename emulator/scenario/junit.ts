/** JUnit XML of a scenario run, in the shape CI servers (Jenkins, GitLab, GitHub test reporters) read. */
import type { ScenarioResult } from './runner';

export function junitXml(results: ScenarioResult[], totalMs: number): string {
  const failures = results.filter((result) => result.status === 'failed').length;
  const errors = results.filter((result) => result.status === 'error').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vigor-sim scenarios" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(totalMs)}">`,
    `  <testsuite name="vigor-sim scenarios" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(totalMs)}">`,
  ];
  for (const result of results) {
    const open = `    <testcase classname="${escapeXml(result.file)}" name="${escapeXml(result.name)}" time="${seconds(result.durationMs)}"`;
    if (result.status === 'passed') {
      lines.push(`${open}/>`);
      continue;
    }
    const tag = result.status === 'failed' ? 'failure' : 'error';
    lines.push(`${open}>`, `      <${tag} message="${escapeXml(result.message ?? '')}">${escapeXml(result.report ?? '')}</${tag}>`, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function escapeXml(text: string): string {
  // Characters that XML 1.0 does not allow at all are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
