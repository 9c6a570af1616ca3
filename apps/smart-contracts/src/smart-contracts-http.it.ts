import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/smart-contracts-http-table.js';

describeHttpSuites(httpTable);
