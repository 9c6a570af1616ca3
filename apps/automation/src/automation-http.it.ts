import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/automation-http-table.js';

describeHttpSuites(httpTable);
