import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/oracle-http-table.js';

describeHttpSuites(httpTable);
