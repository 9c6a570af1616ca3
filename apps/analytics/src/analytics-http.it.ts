import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/analytics-http-table.js';

describeHttpSuites(httpTable);
