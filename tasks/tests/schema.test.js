// @ts-check
'use strict';
// task.json and vss-extension.json against their formats. task.schema.json (beside this file) restates the
// published task schema, which predates the Node20_1 and Node24 handlers; this test extends it with both, and with
// the `outputVariables` spelling that Microsoft's own tasks use (the published file spells it OutputVariables).
const assert = require('node:assert/strict');
const path = require('node:path');
const { test } = require('node:test');
const Ajv = require('ajv');

const TASK_DIR = path.join(__dirname, '..', 'GraystepRolloutV1');
const task = require(path.join(TASK_DIR, 'task.json'));
const extension = require(path.join(__dirname, '..', 'vss-extension.json'));

function extendedSchema() {
  const schema = structuredClone(require('./task.schema.json'));
  for (const handler of ['Node20_1', 'Node24']) {
    schema.definitions.handlers.properties[handler] = { $ref: '#/definitions/handler' };
  }
  schema.properties.outputVariables = { $ref: '#/definitions/outputVariables' };
  return schema;
}

function validate(schema, document) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(schema);
  return check(document) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

test('task.json is valid against the task schema extended with Node20_1 and Node24', () => {
  assert.deepEqual(validate(extendedSchema(), task), []);
});

test('the unextended schema does reject task.json: the extension is what admits the new handlers', () => {
  const errors = validate(require('./task.schema.json'), task);
  assert.ok(errors.some((e) => e.includes('Node20_1')), errors.join('\n'));
  assert.ok(errors.some((e) => e.includes('Node24')), errors.join('\n'));
});

test('the schema rejects what the agent rejects: a bad id, a long friendlyName, an unknown input type', () => {
  const schema = extendedSchema();
  for (const [change, expected] of [
    [(t) => { t.id = 'not-a-guid'; }, '/id'],
    [(t) => { t.friendlyName = 'x'.repeat(41); }, '/friendlyName'],
    [(t) => { t.inputs[0].type = 'dropdown'; }, '/inputs/0/type'],
    [(t) => { t.execution = { Node18: { target: 'index.js' } }; }, '/execution'],
  ]) {
    const broken = structuredClone(task);
    change(broken);
    assert.ok(validate(schema, broken).some((e) => e.startsWith(expected)), `expected an error at ${expected}`);
  }
});

test('both Node handlers run the same entry point, and the agent that has both is required', () => {
  assert.deepEqual(Object.keys(task.execution).sort(), ['Node20_1', 'Node24']);
  for (const handler of Object.values(task.execution)) {
    assert.equal(handler.target, 'index.js');
    require.resolve(path.join(TASK_DIR, handler.target));
  }
  // 3.232.1 brought Node20_1 and 4.265.1 Node24 (azure-pipelines-tasks docs/migrateNode24.md).
  const [major, minor, patch] = task.minimumAgentVersion.split('.').map(Number);
  assert.ok(major > 4 || (major === 4 && (minor > 265 || (minor === 265 && patch >= 1))), task.minimumAgentVersion);
});

test('the inputs are the GitHub Action\'s, in task.json spelling', () => {
  assert.deepEqual(task.inputs.map((i) => i.name).sort(), [
    'allowPending', 'args', 'branch', 'graystepPath', 'graystepVersion', 'images', 'once', 'path', 'prometheus', 'repo', 'timeout', 'version',
  ]);
  const byName = Object.fromEntries(task.inputs.map((i) => [i.name, i]));
  assert.equal(byName.allowPending.defaultValue, 'true');
  assert.equal(byName.once.defaultValue, 'false');
  assert.equal(byName.path.defaultValue, '.');
});

test('vss-extension.json contributes the task folder, and its versions agree with task.json', () => {
  assert.equal(extension.manifestVersion, 1);
  assert.match(extension.id, /^[A-Za-z0-9_-]+$/);
  assert.match(extension.publisher, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(extension.targets, [{ id: 'Microsoft.VisualStudio.Services' }]);
  const contribution = extension.contributions.find((c) => c.type === 'ms.vss-distributed-task.task');
  assert.ok(contribution, 'a ms.vss-distributed-task.task contribution');
  assert.deepEqual(contribution.targets, ['ms.vss-distributed-task.tasks']);
  assert.equal(contribution.properties.name, 'GraystepRolloutV1');
  assert.ok(extension.files.some((f) => f.path === 'GraystepRolloutV1'));
  assert.equal(extension.version.split('.')[0], String(task.version.Major));
});
