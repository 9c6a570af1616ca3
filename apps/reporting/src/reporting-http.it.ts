import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/reporting-http-table.js';

describeHttpSuites(httpTable);
