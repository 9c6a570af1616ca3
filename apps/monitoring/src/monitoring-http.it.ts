import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/monitoring-http-table.js';

describeHttpSuites(httpTable);
