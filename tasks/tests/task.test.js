// @ts-check
'use strict';
// GraystepRollout@1 under azure-pipelines-task-lib's mock runner (mock-test + mock-run): the real index.js, with
// task-lib's `which`, `exist` and tool runner answered from a table, so each case states the exact argv the task
// must run and graystep's exit code and output. The agent's view of a run is its stdout: `[command]` lines for the
// processes started and `##vso[...]` logging commands, parsed here with task-lib's own commandFromString.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, after } = require('node:test');
const { MockTestRunner } = require('../GraystepRolloutV1/node_modules/azure-pipelines-task-lib/mock-test');
const { commandFromString } = require('../GraystepRolloutV1/node_modules/azure-pipelines-task-lib/taskcommand');

const TASK_JSON = path.join(__dirname, '..', 'GraystepRolloutV1', 'task.json');
const MOCK = path.join(__dirname, 'mock-task.js');
const GRAYSTEP = '/opt/graystep/graystep';
const DOTNET = '/usr/share/dotnet/dotnet';
// task-lib's vault writes its key file into Agent.TempDirectory, so it is a real, throwaway folder.
const AGENT_TEMP = fs.mkdtempSync(path.join(os.tmpdir(), 'graystep-task-'));
after(() => fs.rmSync(AGENT_TEMP, { recursive: true, force: true }));
const TOKEN = 'ado-job-token-0123456789abcdef';
const OUTPUT_NAMES = ['phase', 'version', 'weight', 'result', 'stable', 'canary', 'reason'];
// The variables the agent gives every task, and the job token as the SystemVssConnection endpoint.
const AGENT_ENV = {
  TF_BUILD: 'True',
  AGENT_TEMPDIRECTORY: AGENT_TEMP,
  SYSTEM_DEFAULTWORKINGDIRECTORY: '/home/vsts/work/1/s',
  ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: TOKEN }, scheme: 'OAuth' }),
};

/** What graystep itself prints under TF_BUILD at the end of a run (src/Graystep.CiAgents/Azure/AzurePipelinesCommands.cs). */
function graystepReport(result, complete) {
  const values = { phase: 'Succeeded', version: 'v2', weight: '0', result, stable: 'v2', canary: '', reason: 'all steps passed' };
  const lines = OUTPUT_NAMES.map((name) => `##vso[task.setvariable variable=${name};isOutput=true;issecret=false;]${values[name]}`);
  if (complete) lines.push(`##vso[task.complete result=${complete};]bookinfo/reviews ${result}: ${values.reason}`);
  return lines.join('\n');
}

/**
 * Runs the task once. `exec` maps a command line to graystep's (or dotnet's) answer; `exist` lists paths that exist.
 * @param {{ inputs?: Record<string, string>, exec?: Record<string, { code: number, stdout?: string, stderr?: string }>,
 *           exist?: string[], which?: Record<string, string>, env?: Record<string, string | undefined> }} spec
 */
async function runTask(spec) {
  const env = { ...AGENT_ENV, GRAYSTEP_BIN: undefined, SYSTEM_ACCESSTOKEN: undefined, ...spec.env };
  const answers = {
    which: spec.which ?? {},
    exist: Object.fromEntries((spec.exist ?? [GRAYSTEP]).map((p) => [p, true])),
    exec: spec.exec ?? {},
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  process.env.GRAYSTEP_MOCK = JSON.stringify({ inputs: { graystepPath: GRAYSTEP, ...spec.inputs }, answers });
  const runner = new MockTestRunner(MOCK, TASK_JSON);
  runner.nodePath = process.execPath; // never let the runner download a Node.js: run this one
  try {
    await runner.runAsync();
  } finally {
    delete process.env.GRAYSTEP_MOCK;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  const lines = runner.stdout.replace(/\r\n/g, '\n').split('\n');
  const commands = lines.filter((l) => l.startsWith('##vso[')).map((l) => commandFromString(l));
  return {
    stdout: runner.stdout,
    stderr: runner.stderr,
    lines,
    started: lines.filter((l) => l.startsWith('[command]')).map((l) => l.slice('[command]'.length).trim()),
    commands,
    results: commands.filter((c) => c.command === 'task.complete').map((c) => c.properties.result),
    errors: commands.filter((c) => c.command === 'task.issue' && c.properties.type === 'error').map((c) => c.message),
    outputs: commands.filter((c) => c.command === 'task.setvariable'),
  };
}

/** The result the agent keeps: the worst task.complete it was told (Failed > SucceededWithIssues > Succeeded). */
function finalResult(results) {
  const rank = ['Succeeded', 'SucceededWithIssues', 'Failed'];
  return results.reduce((worst, r) => (rank.indexOf(r) > rank.indexOf(worst) ? r : worst), 'Succeeded');
}

const run = (args) => `${GRAYSTEP} ${args}`;

test('defaults: graystep run . with no options', async () => {
  const r = await runTask({ exec: { [run('run .')]: { code: 0, stdout: graystepReport('promoted', 'Succeeded') } } });
  assert.deepEqual(r.started, [run('run .')]);
  assert.deepEqual(r.results, ['Succeeded']);
});

test('every input becomes its option, in run.sh order', async () => {
  const argv = 'run deploy/rollout.yaml --version v2 --image reviews=acme/reviews:2 --image ratings=acme/ratings:2'
    + ' --repo https://dev.azure.com/acme/shop/_git/gitops --branch main --prometheus http://prometheus:9090'
    + ' --once --timeout 30m --git-host azure --verbose';
  const r = await runTask({
    inputs: {
      path: ' deploy/rollout.yaml ', version: ' v2 ', images: 'reviews=acme/reviews:2,\r\n ratings=acme/ratings:2\n\n',
      repo: 'https://dev.azure.com/acme/shop/_git/gitops', branch: 'main', prometheus: 'http://prometheus:9090',
      once: 'true', timeout: '30m', args: '--git-host azure  --verbose',
    },
    exec: { [run(argv)]: { code: 5, stdout: graystepReport('in-progress', 'SucceededWithIssues') } },
  });
  assert.deepEqual(r.started, [run(argv)]);
  assert.deepEqual(r.results, ['SucceededWithIssues']);
});

test('args on several lines keep their spaces, one argument a line, and are never evaluated', async () => {
  // The mock keys on the joined command line; the real argv is checked in real-cli.test.js.
  const r = await runTask({
    inputs: { args: '--reason\nrollback by $(whoami); `id`\n' },
    exec: { [run('run . --reason rollback by $(whoami); `id`')]: { code: 0, stdout: graystepReport('ok', 'Succeeded') } },
  });
  assert.deepEqual(r.started, [run('run . --reason rollback by $(whoami); `id`')]);
  assert.deepEqual(r.results, ['Succeeded']);
});

test('once false and an empty once add nothing', async () => {
  for (const once of ['false', '']) {
    const r = await runTask({ inputs: { once }, exec: { [run('run .')]: { code: 0, stdout: graystepReport('ok', 'Succeeded') } } });
    assert.deepEqual(r.started, [run('run .')], `once=${JSON.stringify(once)}`);
  }
});

const EXIT_CODES = [
  // code, allowPending, what graystep itself reported, the result the agent keeps, task.complete lines in the log
  [0, 'true', 'Succeeded', 'Succeeded', 1],
  [0, 'false', 'Succeeded', 'Succeeded', 1],
  [5, 'true', 'SucceededWithIssues', 'SucceededWithIssues', 1],
  [5, 'false', 'SucceededWithIssues', 'Failed', 2],
  [4, 'true', 'Failed', 'Failed', 1],
  [3, 'true', null, 'Failed', 1],
  [2, 'true', null, 'Failed', 1],
  [1, 'true', null, 'Failed', 1],
  [134, 'true', null, 'Failed', 1],
];
for (const [code, allowPending, reported, expected, completes] of EXIT_CODES) {
  test(`exit code ${code} with allowPending ${allowPending} ends the task ${expected}`, async () => {
    const stdout = reported ? graystepReport(code === 0 ? 'promoted' : code === 5 ? 'in-progress' : 'rolled-back', reported) : 'error: something';
    const r = await runTask({ inputs: { allowPending }, exec: { [run('run .')]: { code, stdout } } });
    assert.equal(finalResult(r.results), expected);
    assert.equal(r.results.length, completes, `task.complete lines: ${r.results.join(', ')}`);
    assert.equal(r.results.at(-1), expected, 'the last word is the expected result');
  });
}

test('the outputs are graystep\'s own lines, once each: the task declares them and never sets them again', async () => {
  const r = await runTask({ exec: { [run('run .')]: { code: 0, stdout: graystepReport('promoted', 'Succeeded') } } });
  assert.deepEqual(r.outputs.map((c) => c.properties.variable), OUTPUT_NAMES);
  for (const output of r.outputs) assert.equal(output.properties.isOutput, 'true');
  const declared = require(TASK_JSON).outputVariables.map((v) => v.name);
  assert.deepEqual(declared, OUTPUT_NAMES);
});

test('the job token reaches graystep through the environment: masked first, never on a command line', async () => {
  const r = await runTask({ exec: { [run('run .')]: { code: 0, stdout: graystepReport('ok', 'Succeeded') } } });
  const secrets = r.commands.filter((c) => c.command === 'task.setsecret').map((c) => c.message);
  assert.deepEqual(secrets, [TOKEN]);
  const setSecretLine = r.lines.findIndex((l) => l.startsWith('##vso[task.setsecret]'));
  const graystepLine = r.lines.findIndex((l) => l.startsWith('[command]'));
  assert.ok(setSecretLine >= 0 && setSecretLine < graystepLine, 'the secret is registered before graystep starts');
  const leaks = r.lines.filter((l) => l.includes(TOKEN) && !l.startsWith('##vso[task.setsecret]'));
  assert.deepEqual(leaks, []);
  assert.ok(!r.started.some((c) => c.includes(TOKEN)));
});

test('a SYSTEM_ACCESSTOKEN mapped by the pipeline (a PAT) wins over the endpoint token and is masked too', async () => {
  const pat = 'pat-from-variable-group-abcdef';
  const r = await runTask({ env: { SYSTEM_ACCESSTOKEN: pat }, exec: { [run('run .')]: { code: 0, stdout: graystepReport('ok', 'Succeeded') } } });
  assert.deepEqual(r.commands.filter((c) => c.command === 'task.setsecret').map((c) => c.message), [pat]);
  assert.ok(!r.started.some((c) => c.includes(pat)));
});

test('without any token nothing is masked and graystep still runs', async () => {
  const r = await runTask({
    env: { ENDPOINT_AUTH_SYSTEMVSSCONNECTION: undefined },
    exec: { [run('run .')]: { code: 0, stdout: graystepReport('ok', 'Succeeded') } },
  });
  assert.equal(r.commands.filter((c) => c.command === 'task.setsecret').length, 0);
  assert.deepEqual(r.results, ['Succeeded']);
});

test('a graystepPath that does not exist fails the task before anything runs', async () => {
  const r = await runTask({ inputs: { graystepPath: '/nowhere/graystep' }, exist: [] });
  assert.deepEqual(r.started, []);
  assert.deepEqual(r.results, ['Failed']);
  assert.match(r.errors.join('\n'), /graystep executable not found: \/nowhere\/graystep/);
});

test('GRAYSTEP_BIN wins over graystepPath', async () => {
  const r = await runTask({
    env: { GRAYSTEP_BIN: '/build/graystep' }, exist: ['/build/graystep'],
    exec: { ['/build/graystep run .']: { code: 0, stdout: graystepReport('ok', 'Succeeded') } },
  });
  assert.deepEqual(r.started, ['/build/graystep run .']);
});

const TOOL_DIR = path.join(AGENT_TEMP, 'graystep-tool');
const TOOL_EXE = path.join(TOOL_DIR, 'graystep');

test('without a path the Graystep.Cli .NET tool is installed into Agent.TempDirectory, then run', async () => {
  const install = `${DOTNET} tool install Graystep.Cli --tool-path ${TOOL_DIR} --version 0.1.0`;
  const r = await runTask({
    inputs: { graystepPath: '', graystepVersion: '0.1.0' },
    which: { dotnet: DOTNET },
    // exist answers are static: the tool is "there" after the install, so the task takes the update verb
    exist: [],
    exec: { [install]: { code: 0, stdout: "Tool 'graystep.cli' (version '0.1.0') was successfully installed." } },
  });
  assert.deepEqual(r.started, [install]);
  assert.deepEqual(r.results, ['Failed'], 'the installed tool has no graystep command in the mock file system');
  assert.match(r.errors.join('\n'), /has no 'graystep' command in/);
});

test('a tool already installed in the job is updated in place, then run', async () => {
  const update = `${DOTNET} tool update Graystep.Cli --tool-path ${TOOL_DIR}`;
  const r = await runTask({
    inputs: { graystepPath: '' },
    which: { dotnet: DOTNET },
    exist: [TOOL_EXE],
    exec: {
      [update]: { code: 0, stdout: "Tool 'graystep.cli' was reinstalled with the stable version (version '0.1.0')." },
      [`${TOOL_EXE} run .`]: { code: 0, stdout: graystepReport('promoted', 'Succeeded') },
    },
  });
  assert.deepEqual(r.started, [update, `${TOOL_EXE} run .`]);
  assert.deepEqual(r.results, ['Succeeded']);
});

test('a failed tool install fails the task and says what to check', async () => {
  const install = `${DOTNET} tool install Graystep.Cli --tool-path ${TOOL_DIR}`;
  const r = await runTask({
    inputs: { graystepPath: '' }, which: { dotnet: DOTNET }, exist: [],
    exec: { [install]: { code: 1, stderr: 'error NU1101: Unable to find package Graystep.Cli.' } },
  });
  assert.deepEqual(r.started, [install]);
  assert.deepEqual(r.results, ['Failed']);
  assert.match(r.errors.join('\n'), /dotnet tool install Graystep\.Cli .* failed \(exit code 1\)/);
});

test('without dotnet on PATH and without a path the task fails and says how to fix it', async () => {
  const r = await runTask({ inputs: { graystepPath: '' }, which: {}, exist: [] });
  assert.deepEqual(r.started, []);
  assert.deepEqual(r.results, ['Failed']);
  assert.match(r.errors.join('\n'), /dotnet is not on PATH: add UseDotNet@2/);
});

for (const [input, value, message] of [
  ['images', 'reviews', /images: 'reviews' is not CONTAINER=IMAGE/],
  ['images', 'a=b,=c', /images: '=c' is not CONTAINER=IMAGE/],
  ['once', 'maybe', /'maybe' is not a boolean for input once/],
  ['allowPending', 'sometimes', /'sometimes' is not a boolean for input allowPending/],
]) {
  test(`a bad ${input} (${value}) fails before graystep runs`, async () => {
    const r = await runTask({ inputs: { [input]: value } });
    assert.deepEqual(r.started, []);
    assert.deepEqual(r.results, ['Failed']);
    assert.match(r.errors.join('\n'), message);
  });
}
