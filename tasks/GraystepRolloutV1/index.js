// @ts-check
'use strict';
// The GraystepRollout@1 task: `graystep run` as one Azure Pipelines step. It mirrors the GitHub Action
// (action/run.sh): the same inputs, the same argv, the same exit-code policy.
//
// Graystep comes from, in order: GRAYSTEP_BIN (an environment variable; tests and local builds), the graystepPath
// input, or the Graystep.Cli .NET tool installed with `dotnet tool install --tool-path $(Agent.TempDirectory)/graystep-tool`
// (GRAYSTEP_PACKAGE_ID changes the package id).
//
// What is not doubled: graystep detects Azure Pipelines itself (the task forces GRAYSTEP_CI=azure) and prints the
// output variables (`##vso[task.setvariable variable=result;isOutput=true;...]`) and a `##vso[task.complete]` line
// on its own. The task declares those variables in task.json and never sets them again; it writes a task result
// only when the one graystep printed is not the one the exit code maps to (allowPending: false, or a run that ended
// before graystep reported, such as an invalid spec). The agent keeps the worst result it was told.
//
// The job's access token (the SystemVssConnection endpoint, which the agent gives every task, or SYSTEM_ACCESSTOKEN
// when the pipeline maps it) reaches graystep as SYSTEM_ACCESSTOKEN in its environment, never on its command line,
// and is registered as a secret first.
const os = require('os');
const path = require('path');
const tl = require('azure-pipelines-task-lib/task');
const { InputError, parseBoolean, buildArguments, taskResult, completedResult } = require('./arguments');

const INPUTS = ['path', 'version', 'images', 'repo', 'branch', 'prometheus', 'once', 'timeout', 'args'];

/** Ends the task before graystep runs: a Failed result with the message as an error issue. */
class TaskFailure extends Error {}

/** @param {string} dotnet */
async function installTool(dotnet) {
  const packageId = process.env.GRAYSTEP_PACKAGE_ID || 'Graystep.Cli';
  const toolDir = path.join(tl.getVariable('Agent.TempDirectory') || os.tmpdir(), 'graystep-tool');
  const exe = path.join(toolDir, process.platform === 'win32' ? 'graystep.exe' : 'graystep');
  // A second run in the same job updates in place instead of failing on "already installed".
  const verb = tl.exist(exe) ? 'update' : 'install';
  const args = ['tool', verb, packageId, '--tool-path', toolDir];
  const version = (tl.getInput('graystepVersion', false) || '').trim();
  if (version) args.push('--version', version);
  console.log(`##[group]Install ${packageId}`);
  const code = await tl.tool(dotnet).arg(args).execAsync({ ignoreReturnCode: true });
  console.log('##[endgroup]');
  if (code !== 0) {
    throw new TaskFailure(`dotnet ${args.join(' ')} failed (exit code ${code}); check the package id and version, or give graystepPath`);
  }
  if (!tl.exist(exe)) throw new TaskFailure(`the ${packageId} tool has no 'graystep' command in ${toolDir}`);
  return exe;
}

async function resolveGraystep() {
  const given = (process.env.GRAYSTEP_BIN || tl.getInput('graystepPath', false) || '').trim();
  if (given) {
    if (!tl.exist(given)) {
      throw new TaskFailure(`graystep executable not found: ${given} (GRAYSTEP_BIN or the graystepPath input)`);
    }
    return given;
  }
  const dotnet = tl.which('dotnet', false);
  if (!dotnet) {
    throw new TaskFailure('dotnet is not on PATH: add UseDotNet@2 with version 10.x before this task, or give graystepPath');
  }
  return installTool(dotnet);
}

function accessToken() {
  if (process.env.SYSTEM_ACCESSTOKEN) return process.env.SYSTEM_ACCESSTOKEN;
  // getEndpointAuthorization, not getEndpointAuthorizationParameter: the latter prints the value in a debug line
  // (before any setsecret could cover a token the agent did not register itself).
  const auth = tl.getEndpointAuthorization('SystemVssConnection', true);
  return auth?.parameters?.AccessToken || '';
}

async function run() {
  /** @type {Record<string, string | undefined>} */
  const inputs = {};
  for (const name of INPUTS) inputs[name] = tl.getInput(name, false);
  const args = buildArguments(inputs);
  const allowPending = parseBoolean(tl.getInput('allowPending', false), 'allowPending', true);

  /** @type {{ [key: string]: string }} */
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  env.GRAYSTEP_CI = 'azure';
  const token = accessToken();
  if (token) {
    tl.setSecret(token); // the agent masks System.AccessToken already; a PAT mapped as SYSTEM_ACCESSTOKEN may not be
    env.SYSTEM_ACCESSTOKEN = token;
  }

  const exe = await resolveGraystep();
  const cwd = tl.getVariable('System.DefaultWorkingDirectory') || process.cwd();

  /** @type {string | null} */
  let reported = null;
  const graystep = tl.tool(exe).arg(args);
  graystep.on('stdline', (/** @type {string} */ line) => {
    reported = completedResult(line) ?? reported;
  });
  const code = await graystep.execAsync({ cwd, env, ignoreReturnCode: true, failOnStdErr: false });

  const { result, message } = taskResult(code, allowPending);
  if (reported === result) {
    tl.debug(`graystep exited with ${code} and reported ${result} itself`);
  } else {
    tl.setResult(tl.TaskResult[result], message);
  }
  // The agent reads the result from task.complete; the exit code says the same to anyone else who runs this file.
  if (result === 'Failed') process.exitCode = 1;
}

run().catch((error) => {
  const message = error instanceof InputError || error instanceof TaskFailure ? error.message : String(error?.stack ?? error);
  tl.setResult(tl.TaskResult.Failed, message);
  process.exitCode = 1;
});
