import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/crosschain-http-table.js';

describeHttpSuites(httpTable);
