import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/security-http-table.js';

describeHttpSuites(httpTable);
