// @ts-check
'use strict';
// Pure helpers of the GraystepRollout task: the graystep argv from the task inputs, the task result from the exit
// code. No I/O here, so that index.js stays a thin shell around them. They mirror action/run.sh line for line.

/** Graystep's exit codes (DESIGN.md §5). */
const ExitCode = Object.freeze({ Ok: 0, Failure: 1, Usage: 2, Invalid: 3, RolledBack: 4, Pending: 5 });

/** A bad input: the task fails with this message before graystep runs (exit code 2, usage error). */
class InputError extends Error {}

/**
 * 'true'/'false' (and yes/no/1/0; empty means the default) as run.sh's is_true: anything else is an error, not
 * silently false as task-lib's getBoolInput would make it.
 * @param {string | undefined} value
 * @param {string} name
 * @param {boolean} fallback
 */
function parseBoolean(value, name, fallback) {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '') return fallback;
  if (['true', 'yes', '1'].includes(text)) return true;
  if (['false', 'no', '0'].includes(text)) return false;
  throw new InputError(`'${value}' is not a boolean for input ${name}; use true or false`);
}

/**
 * The argv of `graystep run`, never a command line: each element is one argument, no shell sees it.
 * @param {Record<string, string | undefined>} inputs the task inputs by task.json name
 * @returns {string[]}
 */
function buildArguments(inputs) {
  const get = (/** @type {string} */ name) => inputs[name] ?? '';
  const args = ['run', get('path').trim() || '.'];

  const version = get('version').trim();
  if (version) args.push('--version', version);

  for (const raw of get('images').replace(/\r/g, '').split(/[,\n]/)) {
    const image = raw.trim();
    if (!image) continue;
    if (!/^[^=]+=.+$/.test(image)) {
      throw new InputError(`images: '${image}' is not CONTAINER=IMAGE (for example reviews=ghcr.io/acme/reviews:2.0.0)`);
    }
    args.push('--image', image);
  }

  for (const [input, option] of [['repo', '--repo'], ['branch', '--branch'], ['prometheus', '--prometheus']]) {
    const value = get(input).trim();
    if (value) args.push(option, value);
  }

  if (parseBoolean(inputs.once, 'once', false)) args.push('--once');

  const timeout = get('timeout').trim();
  if (timeout) args.push('--timeout', timeout);

  // Extra arguments: one per line when the input has several lines, else split on whitespace. Never evaluated.
  const extra = get('args').replace(/\r/g, '').trim();
  if (extra.includes('\n')) {
    args.push(...extra.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
  } else if (extra) {
    args.push(...extra.split(/\s+/));
  }

  return args;
}

/**
 * The task result for graystep's exit code: 0 Succeeded; 5 SucceededWithIssues while allowPending, else Failed;
 * 4 (rolled back), 3 (invalid spec), 2 (usage), 1 and anything else Failed.
 * @param {number} code
 * @param {boolean} allowPending
 * @returns {{ result: 'Succeeded' | 'SucceededWithIssues' | 'Failed', message: string }}
 */
function taskResult(code, allowPending) {
  switch (code) {
    case ExitCode.Ok:
      return { result: 'Succeeded', message: 'graystep: promoted, or nothing to do' };
    case ExitCode.Pending:
      return allowPending
        ? { result: 'SucceededWithIssues', message: 'graystep: the rollout is still in progress or waiting for approval; run the pipeline again to continue' }
        : { result: 'Failed', message: 'graystep: the rollout is still in progress or waiting for approval (exit code 5) and allowPending is false' };
    case ExitCode.RolledBack:
      return { result: 'Failed', message: 'graystep: the rollout was rolled back (exit code 4)' };
    case ExitCode.Invalid:
      return { result: 'Failed', message: 'graystep: invalid spec or input (exit code 3)' };
    case ExitCode.Usage:
      return { result: 'Failed', message: 'graystep: usage error (exit code 2)' };
    default:
      return { result: 'Failed', message: `graystep failed (exit code ${code})` };
  }
}

/**
 * The result of a `##vso[task.complete result=X;]` line graystep printed itself, or null for any other line.
 * @param {string} line
 */
function completedResult(line) {
  const match = /^##vso\[task\.complete\s+(?:[^\]]*;)?\s*result=([A-Za-z]+)/.exec(line.trim());
  return match ? match[1] : null;
}

module.exports = { ExitCode, InputError, parseBoolean, buildArguments, taskResult, completedResult };
