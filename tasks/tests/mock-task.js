// @ts-check
'use strict';
// The mock-run script for task.test.js: azure-pipelines-task-lib's TaskMockRunner runs the real index.js with the
// answers). MockTestRunner starts this file as a child process with the test's environment.
const path = require('path');
const { TaskMockRunner } = require('../GraystepRolloutV1/node_modules/azure-pipelines-task-lib/mock-run');

const config = JSON.parse(process.env.GRAYSTEP_MOCK || '{}');
const runner = new TaskMockRunner(path.join(__dirname, '..', 'GraystepRolloutV1', 'index.js'));
for (const [name, value] of Object.entries(config.inputs || {})) runner.setInput(name, value);
runner.setAnswers(config.answers || {});
runner.run();
