// @ts-check
'use strict';
// The real task entry point (node GraystepRolloutV1/index.js, as the agent starts it: inputs as INPUT_* variables,
// the job token as the SystemVssConnection endpoint, TF_BUILD=True) against the real published CLI
// (./build.sh publish: artifacts/graystep/graystep, or GRAYSTEP_PUBLISHED) and a throwaway bare GitOps repository
// seeded with examples/bookinfo. It checks the `##vso` lines the agent would read. A last case swaps the CLI for a
// recording script to see the exact argv and environment graystep gets.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');
const { commandFromString } = require('../GraystepRolloutV1/node_modules/azure-pipelines-task-lib/taskcommand');

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'tasks', 'GraystepRolloutV1', 'index.js');
const CLI = process.env.GRAYSTEP_PUBLISHED || path.join(ROOT, 'artifacts', 'graystep', 'graystep');
const TOKEN = 'ado-real-job-token-5f0e2c9b7a';
const SPEC = 'apps/bookinfo/rollout.yaml';
const RUN_BOUND_MS = 60_000;

let temp = '';
let remote = '';

function git(cwd, ...args) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

before(() => {
  assert.ok(fs.existsSync(CLI), `the published CLI is missing at ${CLI}: run ./build.sh publish first`);
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'graystep-task-real-'));
  remote = path.join(temp, 'remote.git');
  git(temp, 'init', '-q', '--bare', '-b', 'main', remote);
  const seed = path.join(temp, 'seed');
  git(temp, 'clone', '-q', remote, seed);
  fs.cpSync(path.join(ROOT, 'examples', 'bookinfo'), path.join(seed, 'apps', 'bookinfo'), { recursive: true });
  // Prometheus on a loopback port nobody listens on: these runs must end before any analysis needs it.
  const spec = path.join(seed, SPEC);
  // No sync wait and no retire delay: the first run adopts the Deployment at once (these tests are about the task).
  fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8')
    .replace('http://prometheus.istio-system:9090', 'http://127.0.0.1:9')
    .replace('    kind: delay\n    delay: 30s', '    kind: none')
    .replace('  analysis:\n', '  analysis:\n    scaleDownDelay: 0s\n'));
  fs.writeFileSync(path.join(seed, 'README.md'), '# GitOps\n');
  git(seed, 'add', '-A');
  git(seed, '-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'Seed bookinfo');
  git(seed, 'push', '-q', 'origin', 'main');
});

after(() => {
  if (temp) fs.rmSync(temp, { recursive: true, force: true });
});

/** Runs the task as the agent would and returns what the agent reads from its stdout. */
function runTask(inputs, extraEnv = {}) {
  const agentTemp = fs.mkdtempSync(path.join(temp, 'agent-temp-'));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TF_BUILD: 'True',
    AGENT_TEMPDIRECTORY: agentTemp,
    SYSTEM_DEFAULTWORKINGDIRECTORY: agentTemp,
    BUILD_REQUESTEDFOR: 'Pipeline Tester',
    BUILD_REQUESTEDFOREMAIL: 'tester@example.com',
    ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: TOKEN }, scheme: 'OAuth' }),
    GRAYSTEP_WORKSPACE: path.join(temp, 'workspaces'),
    ...extraEnv,
  };
  for (const [name, value] of Object.entries({ graystepPath: CLI, repo: remote, ...inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  const r = spawnSync(process.execPath, [ENTRY], { env, encoding: 'utf8', timeout: RUN_BOUND_MS, killSignal: 'SIGKILL' });
  assert.equal(r.error, undefined, `the task did not end within ${RUN_BOUND_MS} ms`);
  const lines = r.stdout.replace(/\r\n/g, '\n').split('\n');
  const commands = lines.filter((l) => l.startsWith('##vso[')).map((l) => commandFromString(l));
  const outputs = Object.fromEntries(commands
    .filter((c) => c.command === 'task.setvariable' && c.properties.isOutput === 'true')
    .map((c) => [c.properties.variable, c.message]));
  return {
    status: r.status,
    log: r.stdout + r.stderr,
    lines,
    commands,
    outputs,
    setvariables: commands.filter((c) => c.command === 'task.setvariable').map((c) => c.properties.variable),
    results: commands.filter((c) => c.command === 'task.complete').map((c) => c.properties.result),
    errors: commands.filter((c) => c.command === 'task.issue' || c.command === 'task.logissue').filter((c) => c.properties.type === 'error'),
  };
}

function assertTokenOnlyMasked(r) {
  const leaks = r.lines.filter((l) => l.includes(TOKEN) && !l.startsWith('##vso[task.setsecret]'));
  assert.deepEqual(leaks, []);
  assert.ok(r.lines.some((l) => l === `##vso[task.setsecret]${TOKEN}`), 'the token is registered as a secret');
}

test('the first run initializes the rollout: Succeeded, graystep\'s own outputs once each', () => {
  const r = runTask({ path: SPEC, once: 'true' });
  assert.equal(r.status, 0, r.log);
  assert.deepEqual(r.results, ['Succeeded'], r.log);
  assert.deepEqual(r.setvariables, ['phase', 'version', 'weight', 'result', 'stable', 'canary', 'reason'], 'seven outputs, none doubled');
  assert.equal(r.outputs.result, 'ok', r.log);
  assert.equal(r.outputs.stable, 'v1');
  assert.equal(r.outputs.weight, '0');
  assert.ok(r.lines.some((l) => l.startsWith('[command]') && l.includes(`${CLI} run ${SPEC} --repo ${remote} --once`)), r.log);
  assertTokenOnlyMasked(r);
  assert.match(git(temp, '--git-dir', remote, 'log', '-1', '--format=%s%n%b', 'main'), /bookinfo/);
});

test('a new version with once: one step committed, pending, SucceededWithIssues; Failed when allowPending is false', () => {
  const head = git(temp, '--git-dir', remote, 'rev-parse', 'main');
  const r = runTask({ path: SPEC, version: 'v2', images: 'reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1', once: 'true', allowPending: 'false' });
  assert.equal(r.outputs.canary, 'v2', r.log);
  assert.ok(['in-progress', 'waiting-approval'].includes(r.outputs.result), r.log);
  assert.deepEqual(r.results, ['SucceededWithIssues', 'Failed'], 'graystep says pending, the task says Failed; the agent keeps the worst');
  assert.notEqual(r.status, 0);
  assert.notEqual(git(temp, '--git-dir', remote, 'rev-parse', 'main'), head, 'the step was committed to the GitOps repository');
  assertTokenOnlyMasked(r);

  // The next run continues from Git: it waits for the step's sync and analysis, so --timeout ends it, still pending.
  const again = runTask({ path: SPEC, timeout: '2s' });
  assert.equal(again.outputs.canary, 'v2', again.log);
  assert.deepEqual(again.results, ['SucceededWithIssues'], again.log);
  assert.equal(again.status, 0);
});

test('an invalid spec: graystep\'s error issue points at the file, the task fails', () => {
  const r = runTask({ path: 'apps/bookinfo/missing.yaml', once: 'true' });
  assert.notEqual(r.status, 0);
  assert.equal(r.results.at(-1), 'Failed', r.log);
  assert.ok(r.errors.length > 0, r.log);
  assert.equal(r.setvariables.filter((v) => v === 'result').length <= 1, true);
});

test('the argv is an array (spaces kept, nothing evaluated) and the token arrives as SYSTEM_ACCESSTOKEN only', () => {
  const record = path.join(temp, 'record.json');
  const fake = path.join(temp, 'fake-graystep');
  fs.writeFileSync(fake, `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env }));\n`, { mode: 0o755 });
  const r = runTask({ graystepPath: fake, path: 'rollout.yaml', args: '--reason\nrollback by $(whoami); `id`\n', once: 'false' });
  assert.equal(r.status, 0, r.log);
  const seen = JSON.parse(fs.readFileSync(record, 'utf8'));
  assert.deepEqual(seen.argv, ['run', 'rollout.yaml', '--repo', remote, '--reason', 'rollback by $(whoami); `id`']);
  assert.equal(seen.env.SYSTEM_ACCESSTOKEN, TOKEN);
  assert.equal(seen.env.GRAYSTEP_CI, 'azure');
  assert.ok(!seen.argv.some((a) => a.includes(TOKEN)));
  assert.ok(!Object.keys(seen.env).some((k) => k.startsWith('ENDPOINT_AUTH_')), 'task-lib keeps the endpoint variables from child processes');
  assert.deepEqual(r.results, ['Succeeded'], 'graystep printed no result: the task reports the one for exit code 0');
});
