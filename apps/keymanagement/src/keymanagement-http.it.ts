import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/keymanagement-http-table.js';

describeHttpSuites(httpTable);
