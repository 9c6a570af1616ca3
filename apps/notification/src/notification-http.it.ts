import { describeHttpSuites } from '@neo/service-testing';
import { httpTable } from './test-support/notification-http-table.js';

describeHttpSuites(httpTable);
