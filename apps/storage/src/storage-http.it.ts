import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/storage-http-table.js';

describeHttpSuites(httpTable);
