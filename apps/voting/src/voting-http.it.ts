import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/voting-http-table.js';

describeHttpSuites(httpTable);
